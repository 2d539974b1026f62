"""Errors to HTTP: HTML pages in the site's style, JSON under /api/, and no 500
for hostile input (NUL bytes, numbers too large for the database) or a busy
database (503 with a retry message)."""

import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest, HTTPException, NotFound

from migratory.core.errors import Conflict, DomainError, TooManyAttempts
from migratory.core.http_messages import page_message
from migratory.extensions import db

logger = logging.getLogger(__name__)
# The largest id any of our databases stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1
RETRY_AFTER_BUSY = 5  # seconds
STATUS_NAMES = {
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def wants_json() -> bool:
    """Errors under /api/ are JSON."""
    return request.path.startswith("/api/")


def error_response(code: int, message: str, errors=None, headers=None):
    """The error as JSON (under /api/) or as a page, with extra headers."""
    if wants_json():
        body = {"code": code, "status": STATUS_NAMES.get(code, str(code))}
        if message:
            body["message"] = message
        if errors:
            body["errors"] = errors
        return jsonify(body), code, headers or {}
    page = render_template("errors/error.html", code=code, message=message)
    return page, code, headers or {}


def refuse_nul_bytes():
    """A NUL character in the path, the query or a form is refused (400): no
    text field of PostgreSQL can hold one, and no legitimate request sends it."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values):
        raise BadRequest(_("The request contains a NUL character."))


def refuse_huge_ids(endpoint, values) -> None:
    """An id in a URL beyond what the database can hold names nothing (404)."""
    for value in (values or {}).values():
        if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
            raise NotFound()


def _http_error(error: HTTPException):
    # Headers the exception carries (Allow on 405, Retry-After on 429).
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    message = page_message(error)  # in the reader's language
    if error.code == 429:
        message = _("Too many attempts. Wait a few minutes, then try again.")
    # flask-smorest attaches validation messages to the exception.
    messages = (getattr(error, "data", None) or {}).get("messages")
    if wants_json():
        body = {"code": error.code, "status": error.name}
        if error.description:
            body["message"] = error.description
        if messages:
            body["errors"] = messages
        return jsonify(body), error.code, headers
    page = render_template("errors/error.html", code=error.code, message=message)
    return page, error.code, headers


def _domain_error(error: DomainError):
    headers = {}
    if isinstance(error, TooManyAttempts):
        headers["Retry-After"] = str(error.retry_after)
    return error_response(error.status_code, error.message, error.errors, headers)


def _lost_race(error: StaleDataError):
    # Two saves of one entry passed the version check at the same moment;
    # the database kept the first. Nothing of the second was written.
    db.session.rollback()
    return _domain_error(
        Conflict(
            _(
                "Someone else saved this entry at the same moment. "
                "Open it again and repeat your change."
            )
        )
    )


def _database_busy(error: OperationalError):
    """A locked SQLite database (a long import, say): ask to retry, not a 500."""
    db.session.rollback()
    if "database is locked" not in str(error.orig):
        raise error  # a real fault: the 500 page, and the log
    logger.warning("Database locked; answered 503: %s", request.path)
    message = _(
        "The database is busy with other work. Nothing was saved: "
        "try again in a few seconds."
    )
    return error_response(503, message, headers={"Retry-After": RETRY_AFTER_BUSY})


def _value_refused(error: Exception):
    """A value the database cannot hold (NUL, a number out of range): 400."""
    db.session.rollback()
    logger.info("Database refused a value: %s", error)
    return error_response(400, _("A value in the request is not acceptable."))


def _server_error(error):
    if wants_json():
        return jsonify({"code": 500, "status": "Internal Server Error"}), 500
    return render_template("errors/500.html"), 500


def register(app) -> None:
    """Install the guards and the handlers on `app`."""
    app.before_request(refuse_nul_bytes)
    app.url_value_preprocessor(refuse_huge_ids)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(StaleDataError, _lost_race)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_busy)
    app.register_error_handler(DataError, _value_refused)
    # SQLite's driver raises OverflowError for integers beyond 64 bits.
    app.register_error_handler(OverflowError, _value_refused)
    app.register_error_handler(500, _server_error)
