"""Language choice: ?lang= (remembered in a cookie), then the browser's preference."""

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from marshmallow.validate import Length, OneOf

import migratory.core.collation  # noqa: F401 (SQLite gets the ICU collation names)

LANG_COOKIE = "lang"
# Languages of the region that the site does not speak; their readers more
# often read Russian than English or French.
RUSSIAN_READING = {"kk", "ky", "tg", "uz", "tk", "hy", "az", "ka"}


def translate_validator_messages() -> None:
    """marshmallow's own messages of the validators we use, in the reader's
    language: lazy texts, formatted (so translated) when a value fails.

    Runs on import, before any schema class creates its validators.
    """
    OneOf.default_message = _l("Must be one of: {choices}.")
    Length.message_min = _l("Shorter than minimum length {min}.")
    Length.message_max = _l("Longer than maximum length {max}.")
    Length.message_all = _l("Length must be between {min} and {max}.")
    Length.message_equal = _l("Length must be {equal}.")


translate_validator_messages()


def current_language() -> str:
    """The language of this request's interface ("en", "ru", "fr")."""
    locale = get_locale() if has_request_context() else None
    return locale.language if locale is not None else "en"


def select_locale() -> str | None:
    """The locale for this request, among the configured LANGUAGES."""
    if not has_request_context():  # command line, background work
        return None
    languages = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in languages:
            return candidate
    return browser_language(languages)


def browser_language(languages) -> str | None:
    """The browser's preference; a visitor who puts a language of the region
    first gets Russian if Russian comes next, otherwise English."""
    preferred = [_primary(value) for value, _quality in request.accept_languages]
    if preferred and preferred[0] in RUSSIAN_READING:
        following = [p for p in preferred if p not in RUSSIAN_READING]
        if following and following[0] == "ru" and "ru" in languages:
            return "ru"
        return "en" if "en" in languages else None
    # The first preferred language served, a regional variant ("fr-CH")
    # counting as its language before any less preferred exact match.
    return next((p for p in preferred if p in languages), None)


def _primary(tag: str) -> str:
    """The primary language subtag: "kk" of "kk-KZ"."""
    return tag.replace("_", "-").split("-")[0].lower()


def chosen_language() -> str | None:
    """The language this request explicitly switched to (?lang=), if served."""
    chosen = request.args.get("lang")
    return chosen if chosen in current_app.config["LANGUAGES"] else None


def remember_language(response):
    """Keep an explicit ?lang= choice for later requests."""
    chosen = chosen_language()
    if chosen:
        response.set_cookie(
            LANG_COOKIE, chosen, max_age=365 * 86400, samesite="Lax", httponly=True
        )
    return response
