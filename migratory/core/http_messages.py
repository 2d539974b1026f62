"""What an HTTP error page says, in the reader's language.

Werkzeug's and Flask-WTF's descriptions are English; a page shows ours
instead, unless the code that raised the error gave its own message.
"""

from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, default_exceptions


def _standard_texts() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Check the address or form."),
        403: _("You are not allowed to open this page."),
        404: _(
            "There is no page at this address. Check it for typing mistakes, "
            "or start again from the front page."
        ),
        405: _("This page cannot be used that way."),
        413: _("What was sent is too large."),
        422: _("What was sent could not be processed. Check the form and try again."),
        429: _("Too many attempts. Wait a few minutes, then try again."),
    }


def page_message(error: HTTPException) -> str | None:
    """The text of the error page for `error`, in the current language."""
    if isinstance(error, CSRFError):
        return _(
            "The form has expired or did not come from this site. Go back, "
            "reload the page and send it again."
        )
    standard = default_exceptions.get(error.code)
    if standard is not None and error.description != standard.description:
        return error.description  # a message of ours, translated where raised
    return _standard_texts().get(error.code, error.description)
