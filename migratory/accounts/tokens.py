"""Signed, expiring tokens for links sent by e-mail.

Each purpose has its own salt, so a token made for one purpose is worthless for
another. Single use comes from what the token binds: a reset token carries a
fingerprint of the current password hash (void once the password changes); an
invitation token names an invitation that is marked accepted when used.
"""

import hashlib

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from migratory.core.errors import ValidationFailed

MAX_AGES = {  # seconds
    "verify": 3 * 24 * 3600,
    "reset": 2 * 3600,
    "invite": 14 * 24 * 3600,
    "confirm": 30 * 24 * 3600,
}


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"migratory-{purpose}"
    )


def make_token(purpose: str, payload: dict) -> str:
    """A signed token carrying `payload` for `purpose`."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str) -> dict:
    """The payload of a valid, unexpired token; ValidationFailed otherwise."""
    try:
        return _serializer(purpose).loads(token, max_age=MAX_AGES[purpose])
    except SignatureExpired as exc:
        raise ValidationFailed(_("This link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise ValidationFailed(_("This link is not valid.")) from exc


def fingerprint(value: str | None) -> str:
    """A short digest that changes whenever `value` does."""
    return hashlib.sha256((value or "").encode()).hexdigest()[:16]
