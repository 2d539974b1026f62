"""Account services: registration, sign-in, passwords, roles and designations."""

import logging

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from migratory.accounts.designation import (
    assign_role,
    check_network_role,
    check_role,
    institutions_for,
)
from migratory.accounts.models import User
from migratory.accounts.passwords import (
    check_password,
    hash_password,
    needs_rehash,
    password_problem,
)
from migratory.accounts.sessions import end_all_sessions
from migratory.accounts.tokens import fingerprint, make_token, read_token
from migratory.accounts.user_mail import mail_user
from migratory.core.errors import NotFound, PermissionDenied, ValidationFailed
from migratory.core.mail import request_locale
from migratory.core.models import utcnow
from migratory.extensions import db
from migratory.inventory.models import Institution

logger = logging.getLogger(__name__)
LOGIN_FAILED = _l("Unknown e-mail address or wrong password.")


def normalize_email(email: str) -> str:
    """The canonical form of an e-mail address, or ValidationFailed."""
    try:
        found = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationFailed(
            _("Enter a valid e-mail address."), errors={"email": [str(exc)]}
        ) from exc
    return found.normalized.lower()


def get_user_by_email(email: str) -> User | None:
    """The user with this e-mail address (any case), if any."""
    return db.session.scalar(
        select(User).where(func.lower(User.email) == email.strip().lower())
    )


def check_new_password(password: str, email: str) -> None:
    """ValidationFailed (on the password field) unless the password is good."""
    problem = password_problem(password or "", email)
    if problem:
        raise ValidationFailed(problem, errors={"password": [problem]})


def register_member(email: str, name: str, password: str) -> User:
    """Create an unverified member and e-mail the verification link."""
    email = normalize_email(email)
    check_new_password(password, email)
    existing = get_user_by_email(email)
    if existing is not None:
        # Say nothing to the visitor about who is registered (not even by
        # answering faster than a registration); tell the owner.
        hash_password(password)
        mail_user(existing, "already_registered")
        return existing
    user = User(email=email, name=(name or "").strip()[:200], is_member=True)
    user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.commit()
    send_verification(user)
    logger.info("Member %s registered", user.id)
    return user


def send_verification(user: User) -> None:
    """E-mail a signed link that confirms the address."""
    token = make_token("verify", {"u": user.id, "e": user.email})
    mail_user(user, "verification", token=token)


def verification_user(token: str) -> User:
    """The account a verification link was made for; ValidationFailed if invalid."""
    payload = read_token("verify", token)
    user = db.session.get(User, payload.get("u"))
    if user is None or user.email != payload.get("e"):
        raise ValidationFailed(_("This link is not valid."))
    return user


def verify_email(token: str) -> User:
    """Mark the address of a valid verification link as confirmed."""
    user = verification_user(token)
    if user.email_verified is None:
        user.email_verified = utcnow()
        db.session.commit()
        logger.info("User %s verified their address", user.id)
    return user


def authenticate(email: str, password: str) -> User:
    """The user with these credentials; the same error whatever was wrong.

    Flushes; the sign-in use case (accounts.signin) commits.
    """
    user = get_user_by_email(email or "")
    if user is None or not check_password(user.password_hash, password or ""):
        if user is None:
            hash_password("timing-equaliser")  # as slow as a real check
        raise ValidationFailed(str(LOGIN_FAILED))
    if not user.active:
        raise ValidationFailed(str(LOGIN_FAILED))
    if user.email_verified is None:
        raise PermissionDenied(
            _(
                "Confirm your e-mail address first: we sent you a link. "
                "Registering again sends nothing new; ask for a password reset "
                "to receive a fresh link."
            )
        )
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login = utcnow()
    db.session.flush()
    return user


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the address is known; silent otherwise."""
    try:
        user = get_user_by_email(normalize_email(email))
    except ValidationFailed:
        return
    if user is None or not user.active:
        return
    token = make_token("reset", {"u": user.id, "p": fingerprint(user.password_hash)})
    # The request is the account owner's: its language, if they chose none.
    mail_user(user, "password_reset", fallback=request_locale(), token=token)


def user_for_reset(token: str) -> User:
    """The user a valid, unused reset link belongs to."""
    payload = read_token("reset", token)
    user = db.session.get(User, payload.get("u"))
    if user is None or fingerprint(user.password_hash) != payload.get("p"):
        raise ValidationFailed(_("This link has already been used or is not valid."))
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link; every other session ends."""
    user = user_for_reset(token)
    check_new_password(password, user.email)
    user.password_hash = hash_password(password)
    user.session_version += 1
    end_all_sessions(user)
    # Whoever can read the mailbox owns the address.
    user.email_verified = user.email_verified or utcnow()
    db.session.commit()
    logger.info("User %s reset their password", user.id)
    return user


def log_out_everywhere(user: User) -> None:
    """End every session and remember-me cookie of `user`."""
    user.session_version += 1
    end_all_sessions(user)
    db.session.commit()
    logger.info("User %s logged out everywhere", user.id)


def create_user(
    email: str,
    role: str,
    password: str,
    *,
    country_code: str | None = None,
    institution_slugs: tuple[str, ...] = (),
    network_role: str | None = None,
) -> User:
    """Create a verified account from the command line (first secretariat)."""
    email = normalize_email(email)
    if get_user_by_email(email) is not None:
        raise ValidationFailed(_("%(email)s is already registered.", email=email))
    check_new_password(password, email)
    country_code = country_code.upper() if country_code else None
    check_role(role, country_code)
    network_role = check_network_role(role, network_role)
    if role != "focal_point" and (country_code or institution_slugs):
        raise ValidationFailed(_("Only focal points have a country and institutions."))
    slugs = list(institution_slugs)
    found = list(
        db.session.scalars(select(Institution).where(Institution.slug.in_(slugs)))
    )
    if len(found) != len(set(slugs)):
        raise NotFound(_("An institution does not exist."))
    user = User(email=email, email_verified=utcnow())
    user.password_hash = hash_password(password)
    assign_role(user, role, country_code, network_role)
    if role == "focal_point":
        user.institutions = institutions_for([i.id for i in found], country_code)
    db.session.add(user)
    db.session.commit()
    logger.info("User %s created as %s from the command line", user.id, role)
    return user


def list_users() -> list[User]:
    """Every account, secretariat first, then focal points by country."""
    return list(
        db.session.scalars(
            select(User).order_by(User.role.desc(), User.country_code, User.email)
        )
    )


def get_user(ident: int) -> User:
    """The user with this id, or NotFound."""
    user = db.session.get(User, ident)
    if user is None:
        raise NotFound(_("No such user."))
    return user
