"""Password hashing (argon2) and the rules a new password must pass."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
COMMON_CHECKED = 10_000  # the most common passwords refused outright

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    return _hasher.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    """True if `password` matches the stored hash."""
    if not stored:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored)


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_CHECKED])


def password_problem(password: str, email: str = "") -> str | None:
    """Why `password` is refused, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > 200:
        return "Use at most 200 characters."
    folded = password.casefold()
    if (
        folded in _common_passwords()
        or folded.rstrip("0123456789!") in _common_passwords()
    ):
        return "This password is among the most common ones; choose another."
    local = email.split("@")[0].casefold()
    if local and len(local) >= 4 and local in folded:
        return "The password must not contain your e-mail address."
    return None
