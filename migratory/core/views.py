"""Site-wide view helpers: error pages, security headers, template globals."""

import secrets
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, redirect, request, url_for
from flask_babel import get_locale

from migratory.core import error_pages
from migratory.core.i18n import remember_language
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
    args = request.args.to_dict(flat=False)  # a facet may have several values
    if "page" not in changes:
        args.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    query = urlencode(args, doseq=True)
    return f"{request.path}?{query}" if query else request.path


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on their own: send them to the SVG icon."""
    response = redirect(url_for("static", filename="favicon.svg"))
    response.cache_control.max_age = 86400
    return response


@bp.after_app_request
def security_headers(response):
    """Headers that every response carries."""
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return remember_language(response)


def register_error_pages(app) -> None:
    """HTML error pages in the site's style; JSON bodies under /api/."""
    error_pages.register(app)
