"""Language choice: ?lang= (remembered in a cookie), then the browser's preference."""

from flask import current_app, has_request_context, request

LANG_COOKIE = "lang"


def select_locale() -> str | None:
    """The locale for this request, among the configured LANGUAGES."""
    if not has_request_context():  # command line, background work
        return None
    languages = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in languages:
            return candidate
    return request.accept_languages.best_match(languages)


def remember_language(response):
    """Keep an explicit ?lang= choice for later requests."""
    chosen = request.args.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANG_COOKIE, chosen, max_age=365 * 86400, samesite="Lax", httponly=True
        )
    return response
