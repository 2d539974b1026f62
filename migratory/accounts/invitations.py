"""Invitations to join as focal point or secretariat: send, accept, revoke."""

import logging

from flask_babel import gettext as _
from sqlalchemy import select

from migratory.accounts.designation import (
    assign_role,
    check_network_role,
    check_role,
    institutions_for,
)
from migratory.accounts.models import STAFF_ROLES, Invitation, User
from migratory.accounts.passwords import hash_password
from migratory.accounts.permissions import require_secretariat
from migratory.accounts.services import (
    check_new_password,
    get_user_by_email,
    normalize_email,
)
from migratory.accounts.tasks import send_invitation
from migratory.accounts.tokens import make_token, read_token
from migratory.core.audit import record_action
from migratory.core.errors import NotFound, PermissionDenied, ValidationFailed
from migratory.core.mail import request_locale
from migratory.core.models import utcnow
from migratory.extensions import db

logger = logging.getLogger(__name__)


def invite(
    actor: User,
    email: str,
    role: str,
    country_code: str | None = None,
    institution_ids: list[int] | None = None,
    network_role: str | None = None,
) -> Invitation:
    """Invite someone to join as focal point (of a country, with a network
    role and institutions) or secretariat (secretariat only)."""
    require_secretariat(actor)
    email = normalize_email(email)
    if role not in STAFF_ROLES:
        raise ValidationFailed(_("Invitations are for focal points and secretariat."))
    country_code = country_code.upper() if country_code else None
    check_role(role, country_code)
    network_role = check_network_role(role, network_role)
    if role == "secretariat":
        country_code, institution_ids = None, []
    institutions = institutions_for(institution_ids, country_code)
    invitation = Invitation(
        email=email,
        role=role,
        country_code=country_code,
        network_role=network_role,
        institution_ids=sorted(i.id for i in institutions),
        invited_by_id=actor.id,
    )
    db.session.add(invitation)
    db.session.flush()
    record_action(
        actor,
        "invite",
        f"invitation:{invitation.id}",
        email=email,
        role=role,
        country=country_code,
        network_role=network_role,
        institutions=[i.slug for i in institutions],
    )
    db.session.commit()
    token = make_token("invite", {"i": invitation.id, "e": email})
    send_invitation(invitation.id, token, request_locale())
    return invitation


def invitation_for(token: str) -> Invitation:
    """The open invitation of a valid link; used, revoked or tampered links fail."""
    payload = read_token("invite", token)
    invitation = db.session.get(Invitation, payload.get("i"))
    if invitation is None or invitation.email != payload.get("e"):
        raise ValidationFailed(_("This invitation is not valid."))
    if invitation.accepted is not None:
        raise ValidationFailed(_("This invitation has already been used."))
    if invitation.revoked is not None:
        raise ValidationFailed(_("This invitation has been withdrawn."))
    return invitation


def existing_account(invitation: Invitation) -> User | None:
    """The verified account of the invited address, which must sign in to accept."""
    user = get_user_by_email(invitation.email)
    if user is None or user.email_verified is None:
        return None
    return user


def accept_invitation(
    token: str, name: str | None, password: str | None, acting_user=None
) -> User:
    """Give the invited role to a new account, or to an existing one signed in.

    The link alone never opens an existing account: its owner signs in first,
    as the invited address. A new (or never verified) account gets the
    password chosen here.
    """
    invitation = invitation_for(token)
    user = existing_account(invitation)
    if user is not None:
        if acting_user is None or acting_user.id != user.id:
            raise PermissionDenied(
                _(
                    "Sign in as %(email)s to accept this invitation.",
                    email=invitation.email,
                )
            )
    else:
        # An unverified account's password was chosen by whoever registered
        # the address, perhaps not its owner: the invitee chooses a new one.
        check_new_password(password or "", invitation.email)
        user = get_user_by_email(invitation.email)
        if user is None:
            user = User(email=invitation.email)
            db.session.add(user)
        user.password_hash = hash_password(password)
        user.email_verified = utcnow()
        user.name = ""  # not the registrant's choice either
    if (name or "").strip():
        user.name = name.strip()[:200]
    _apply_invitation(user, invitation)
    db.session.commit()
    logger.info("Invitation %s accepted by user %s", invitation.id, user.id)
    return user


def _apply_invitation(user: User, invitation: Invitation) -> None:
    institutions = institutions_for(invitation.institution_ids, invitation.country_code)
    assign_role(user, invitation.role, invitation.country_code, invitation.network_role)
    if invitation.role == "focal_point":
        user.institutions = institutions
    invitation.accepted = utcnow()
    db.session.flush()
    record_action(
        user,
        "accept invitation",
        f"invitation:{invitation.id}",
        user=f"user:{user.id}",
        role=invitation.role,
        country=invitation.country_code,
        network_role=invitation.network_role,
        institutions=[i.slug for i in institutions],
    )


def revoke_invitation(actor: User, ident: int) -> Invitation:
    """Withdraw a pending invitation: its link stops working (secretariat only)."""
    require_secretariat(actor)
    invitation = db.session.get(Invitation, ident)
    if invitation is None:
        raise NotFound(_("No such invitation."))
    if invitation.accepted is not None:
        raise ValidationFailed(_("This invitation has already been accepted."))
    if invitation.revoked is None:
        invitation.revoked = utcnow()
        record_action(
            actor,
            "revoke invitation",
            f"invitation:{invitation.id}",
            email=invitation.email,
            role=invitation.role,
        )
        db.session.commit()
        logger.info("Invitation %s revoked by user %s", invitation.id, actor.id)
    return invitation


def open_invitations() -> list[Invitation]:
    """Invitations neither accepted nor revoked, newest first."""
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.accepted.is_(None), Invitation.revoked.is_(None))
            .order_by(Invitation.created.desc(), Invitation.id.desc())
        )
    )
