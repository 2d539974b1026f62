"""Who may do what to an institution: checked on the server for every action."""

from flask_babel import gettext as _

from migratory.core.errors import PermissionDenied


def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def may_edit_directly(user, institution) -> bool:
    """Secretariat, or a focal point linked to this institution of their country."""
    if not is_signed_in(user):
        return False
    if user.is_secretariat:
        return True
    return (
        user.is_focal_point
        and institution.country_code == user.country_code
        and any(i.id == institution.id for i in user.institutions)
    )


def may_propose(user) -> bool:
    """Any signed-in account may propose a correction or a new entry."""
    return is_signed_in(user)


def require_signed_in(user) -> None:
    if not is_signed_in(user):
        raise PermissionDenied(_("Sign in first."))


def require_direct_edit(user, institution) -> None:
    if not may_edit_directly(user, institution):
        raise PermissionDenied(_("You may not change this entry directly."))
