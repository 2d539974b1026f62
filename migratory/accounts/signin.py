"""Signing in and out: the throttled check of a password and the session."""

import math

from flask_babel import ngettext

from migratory.accounts.models import User
from migratory.accounts.services import authenticate, get_user_by_email
from migratory.accounts.sessions import end_session, start_session
from migratory.accounts.throttle import login_wait, record_login_failure
from migratory.core.errors import TooManyAttempts, ValidationFailed
from migratory.extensions import db


def sign_in(email: str, password: str, address: str, remember: bool = False) -> User:
    """The user with these credentials, with a new sign-in session opened.

    Too many failures for the account or the address first make the caller
    wait (TooManyAttempts), without the password being checked at all.
    """
    wait = login_wait(email, address, get_user_by_email(email or ""))
    if wait:
        minutes = math.ceil(wait / 60)
        raise TooManyAttempts(
            ngettext(
                "Too many failed sign-ins. Try again in %(num)d minute, "
                "or ask for a password reset.",
                "Too many failed sign-ins. Try again in %(num)d minutes, "
                "or ask for a password reset.",
                minutes,
            ),
            retry_after=wait,
        )
    try:
        user = authenticate(email, password)
    except ValidationFailed:
        record_login_failure(email, address)
        db.session.commit()
        raise
    start_session(user, address, remember)
    db.session.commit()
    return user


def open_session(user: User, address: str) -> None:
    """Sign in a user who just proved who they are another way (an invitation)."""
    start_session(user, address)
    db.session.commit()


def sign_out(user: User) -> None:
    """End the sign-in of this browser; the user's other browsers stay in."""
    end_session(user)
