"""Roles: the secretariat designates focal points of a country (with their
network role and institutions) and secretariat members, and revokes them."""

import logging
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import or_, select

from migratory.accounts.models import STAFF_ROLES, User
from migratory.accounts.network_roles import NETWORK_ROLES
from migratory.accounts.permissions import require_secretariat
from migratory.core.audit import record_action
from migratory.core.errors import ValidationFailed
from migratory.extensions import db
from migratory.inventory.models import Country, Institution

logger = logging.getLogger(__name__)


def institutions_for(ids, country_code: str | None) -> list[Institution]:
    """The institutions with these ids, all of which must be in `country_code`."""
    wanted = {int(i) for i in ids or []}
    institutions = list(
        db.session.scalars(
            select(Institution)
            .where(Institution.id.in_(wanted))
            .order_by(Institution.name_key)
        )
    )
    if len(institutions) != len(wanted):
        raise ValidationFailed(_("An institution does not exist."))
    foreign = [i.name for i in institutions if i.country_code != country_code]
    if foreign:
        raise ValidationFailed(
            _(
                "A focal point's institutions must be in the focal point's "
                "country. Not in %(country)s: %(names)s.",
                country=country_code or _("no country"),
                names=", ".join(foreign),
            )
        )
    return institutions


def linkable_institutions(
    country_code: str | None, linked: Iterable[Institution] = ()
) -> list[Institution]:
    """Published entries of a country, and those of it already `linked`."""
    if not country_code:
        return []
    country_code = country_code.upper()
    linked_ids = [i.id for i in linked if i.country_code == country_code]
    return list(
        db.session.scalars(
            select(Institution)
            .where(
                Institution.country_code == country_code,
                or_(Institution.status == "published", Institution.id.in_(linked_ids)),
            )
            .order_by(Institution.name_key)
        )
    )


def check_role(role: str, country_code: str | None) -> None:
    """ValidationFailed for an unknown role or a focal point without a country."""
    if role not in STAFF_ROLES + ("member",):
        raise ValidationFailed(_("Unknown role %(role)r.", role=role))
    if role == "focal_point":
        if not country_code or db.session.get(Country, country_code) is None:
            raise ValidationFailed(_("A focal point needs a country."))


def check_network_role(role: str, network_role: str | None) -> str | None:
    """The network role a `role` keeps: a known one (or none stated) for a
    focal point, none for anyone else; ValidationFailed if unknown."""
    if role != "focal_point" or not network_role:
        return None
    if network_role not in NETWORK_ROLES:
        message = _("Unknown network role %(role)r.", role=network_role)
        raise ValidationFailed(message, errors={"network_role": [message]})
    return network_role


def assign_role(
    user: User, role: str, country_code: str | None, network_role: str | None = None
) -> None:
    """Set the role, country and network role; only a focal point keeps
    institutions, a country and a network role."""
    focal = role == "focal_point"
    user.role = None if role == "member" else role
    user.country_code = country_code if focal else None
    user.network_role = network_role if focal else None
    if not focal:
        user.institutions = []


def designation_action(before: dict, after: dict) -> str:
    """The audit log's name of a change of role: "revoke focal point" when a
    focal point becomes a member, "change network role" when only the network
    role of a focal point changes, else "designate"."""
    if before["role"] == "focal_point" and after["role"] is None:
        return "revoke focal point"
    unchanged = ("role", "country", "institutions")
    if before["role"] == "focal_point" and all(
        before[key] == after[key] for key in unchanged
    ):
        if before["network_role"] != after["network_role"]:
            return "change network role"
    return "designate"


def _state(user: User) -> dict:
    return {
        "role": user.role,
        "country": user.country_code,
        "network_role": user.network_role,
        "institutions": sorted(i.slug for i in user.institutions),
    }


def designate(
    actor: User,
    user: User,
    role: str,
    country_code: str | None = None,
    institution_ids: list[int] | None = None,
    network_role: str | None = None,
) -> None:
    """Give `user` a role (member, focal point of a country with a network
    role and institutions, secretariat), or take it away; audited."""
    require_secretariat(actor)
    country_code = country_code.upper() if country_code else None
    check_role(role, country_code)
    network_role = check_network_role(role, network_role)
    if user.id == actor.id and role != "secretariat":
        raise ValidationFailed(_("You cannot remove your own secretariat role."))
    if role != "member" and user.email_verified is None:
        # Whoever registered an address may not own it: an invitation goes to
        # the address itself, and its owner chooses the password.
        raise ValidationFailed(
            _(
                "This account has not confirmed its address: invite the address "
                "instead, so that its owner accepts the role."
            )
        )
    before = _state(user)
    institutions = []
    if role == "focal_point":
        institutions = institutions_for(institution_ids, country_code)
    assign_role(user, role, country_code, network_role)
    user.institutions = institutions
    after = _state(user)
    _record_designation(actor, user, role, before, after)
    db.session.commit()
    logger.info("User %s designated %s by user %s", user.id, role, actor.id)


def _record_designation(actor, user: User, role: str, before, after) -> None:
    action = designation_action(before, after)
    changed_network_role = before["network_role"] != after["network_role"]
    # A revocation names the country the person was focal point of.
    country = before["country"] if action == "revoke focal point" else after["country"]
    record_action(
        actor,
        action,
        f"user:{user.id}",
        role=role,
        country=country,
        network_role=after["network_role"],
        previous_network_role=before["network_role"] if changed_network_role else None,
        institutions=after["institutions"],
        linked=sorted(set(after["institutions"]) - set(before["institutions"])),
        unlinked=sorted(set(before["institutions"]) - set(after["institutions"])),
    )
