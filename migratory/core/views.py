"""Site-wide view helpers: error pages, security headers, template globals."""

import secrets
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from migratory.core.errors import Conflict, DomainError
from migratory.core.i18n import remember_language
from migratory.extensions import db
from migratory.inventory.vocab import CATEGORIES, ROLES, SORTS, STATUSES, TOPICS

bp = Blueprint("core", __name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:{tiles}; script-src 'self'{nonce}; "
    "style-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'self'; form-action 'self'"
)


def csp_nonce() -> str:
    """A per-response nonce that lets one generated inline script run (maps)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy() -> str:
    """The policy: own origin only, plus the map tile server and a nonce if used."""
    origin = current_app.config.get("MAP_TILES_ORIGIN")
    return CONTENT_SECURITY_POLICY.format(
        tiles=f" {origin}" if origin else "",
        nonce=f" 'nonce-{g.csp_nonce}'" if "csp_nonce" in g else "",
    )


@bp.app_context_processor
def template_globals() -> dict:
    """Vocabularies and helpers every template may use."""
    return {
        "CATEGORIES": CATEGORIES,
        "TOPICS": TOPICS,
        "ROLES": ROLES,
        "SORTS": SORTS,
        "STATUSES": STATUSES,
        "url_with": url_with,
        "current_locale": str(get_locale() or "en"),
        "csp_nonce": csp_nonce,
    }


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed or (None) removed.

    Changing a filter sends the reader back to page 1. The URL is built from the
    request path, not url_for(), so that no query argument can collide with
    url_for()'s own parameters or the route's.
    """
    args = request.args.to_dict()
    if "page" not in changes:
        args.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    query = urlencode(args)
    return f"{request.path}?{query}" if query else request.path


@bp.after_app_request
def security_headers(response):
    """Headers that every response carries."""
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return remember_language(response)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register_error_pages(app) -> None:
    """HTML error pages in the site's style; JSON bodies under /api/."""

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if _wants_json():
            body = {"code": error.status_code, "message": error.message}
            if error.errors:
                body["errors"] = error.errors
            return jsonify(body), error.status_code
        return render_template(
            "errors/error.html", code=error.status_code, message=error.message
        ), error.status_code

    @app.errorhandler(StaleDataError)
    def lost_race(error: StaleDataError):
        # Two saves of one entry passed the version check at the same moment;
        # the database kept the first. Nothing of the second was written.
        db.session.rollback()
        return domain_error(
            Conflict(
                _(
                    "Someone else saved this entry at the same moment. "
                    "Open it again and repeat your change."
                )
            )
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _wants_json():
            body = {"code": error.code, "status": error.name}
            if error.description:
                body["message"] = error.description
            # flask-smorest attaches validation messages to the exception.
            messages = getattr(error, "data", {}).get("messages")
            if messages:
                body["errors"] = messages
            return jsonify(body), error.code
        message = error.description
        if error.code == 429:
            message = _("Too many attempts. Wait a few minutes, then try again.")
        return render_template(
            "errors/error.html", code=error.code, message=message
        ), error.code

    @app.errorhandler(500)
    def server_error(error):
        if _wants_json():
            return jsonify({"code": 500, "status": "Internal Server Error"}), 500
        return render_template("errors/500.html"), 500
