"""Domain errors raised by services and mapped to HTTP by each blueprint."""


class DomainError(Exception):
    """Base class: a message safe to show to the user."""

    status_code = 400

    def __init__(self, message: str, *, errors: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(DomainError):
    """The object does not exist or is not visible to the caller."""

    status_code = 404


class ValidationFailed(DomainError):
    """Input did not pass validation; `errors` maps fields to messages."""

    status_code = 422


class PermissionDenied(DomainError):
    """The acting user may not do this."""

    status_code = 403


class Conflict(DomainError):
    """The object changed since the caller read it."""

    status_code = 409


class TooManyAttempts(DomainError):
    """The caller must wait `retry_after` seconds before trying again."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
