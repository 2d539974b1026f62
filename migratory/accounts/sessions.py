"""Sign-in sessions: one record per sign-in, so that signing out ends it for good.

A session identity ("id:version:key") lives in the signed session cookie and in
the remember-me cookie. It is valid while the user's session version is
unchanged ("log out everywhere" and a password reset raise it) and while the
sign-in it names is open: signing out closes that one record, so copies of the
cookies stop working while the user's other browsers stay signed in.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, func, select, update

from migratory.accounts.models import LoginSession, User
from migratory.core.models import utcnow
from migratory.extensions import db

logger = logging.getLogger(__name__)
KNOWN_ADDRESS_DAYS = 90


def digest(value: str) -> str:
    """A keyed digest of `value`: stable for this site, useless elsewhere."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def _key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _lifetime() -> timedelta:
    """How long a sign-in lasts at most: the remember-me cookie's lifetime."""
    seconds = current_app.config.get("REMEMBER_COOKIE_DURATION", 30 * 24 * 3600)
    if isinstance(seconds, timedelta):
        return seconds
    return timedelta(seconds=seconds)


def start_session(user: User, address: str, remember: bool = False) -> str:
    """Open a sign-in for `user` from `address`; flushes, the caller commits."""
    key = secrets.token_urlsafe(24)
    db.session.add(
        LoginSession(
            user_id=user.id,
            key_digest=_key_digest(key),
            address_digest=digest(f"address:{address}"),
            remember=remember,
        )
    )
    db.session.flush()
    user.login_key = key
    return key


def load_session_user(session_id: str) -> User | None:
    """The user of a session identity "id:version:key", if its sign-in is open."""
    ident, version, key = ((session_id or "").split(":") + ["", ""])[:3]
    if not ident.isdigit() or not version.isdigit() or not key:
        return None
    user = db.session.scalar(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            User.id == int(ident),
            User.session_version == int(version),
            User.active.is_(True),
            LoginSession.key_digest == _key_digest(key),
            LoginSession.ended.is_(None),
            LoginSession.created > utcnow() - _lifetime(),
        )
    )
    if user is not None:
        user.login_key = key
    return user


def end_session(user: User) -> None:
    """Close the sign-in of this browser (plain sign-out); others stay open."""
    if user.login_key:
        db.session.execute(
            update(LoginSession)
            .where(
                LoginSession.key_digest == _key_digest(user.login_key),
                LoginSession.ended.is_(None),
            )
            .values(ended=utcnow())
        )
    db.session.commit()
    logger.info("User %s signed out", user.id)


def end_all_sessions(user: User) -> None:
    """Close every open sign-in of `user`; flushes, the caller commits."""
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended.is_(None))
        .values(ended=utcnow())
    )


def count_open_sessions(user: User) -> int:
    """How many of the user's sign-ins are still open."""
    return db.session.scalar(
        select(func.count()).where(
            LoginSession.user_id == user.id,
            LoginSession.ended.is_(None),
            LoginSession.created > utcnow() - _lifetime(),
        )
    )


def is_known_address(user: User, address: str) -> bool:
    """True if `user` signed in from `address` within the last 90 days."""
    since = utcnow() - timedelta(days=KNOWN_ADDRESS_DAYS)
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    LoginSession.user_id == user.id,
                    LoginSession.address_digest == digest(f"address:{address}"),
                    LoginSession.created > since,
                )
            )
        )
    )
