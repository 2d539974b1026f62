"""Who may do what with accounts: checked on the server for every action.

Every function takes the acting user, signed in or not (an `AnonymousVisitor`
answers like a user without a role), and never reads the request.
"""

from flask_babel import gettext as _

from migratory.core.errors import PermissionDenied
from migratory.core.permissions import is_secretariat, is_signed_in


def require_signed_in(user) -> None:
    """PermissionDenied unless `user` is signed in."""
    if not is_signed_in(user):
        raise PermissionDenied(_("Sign in first."))


def require_secretariat(user) -> None:
    """PermissionDenied unless `user` is a signed-in secretariat member."""
    if not is_secretariat(user):
        raise PermissionDenied(_("Only the secretariat may do this."))


def may_manage_people(user) -> bool:
    """Invite, designate and revoke focal points and secretariat members."""
    return is_secretariat(user)


def may_see_contact_details(user) -> bool:
    """People's e-mail addresses (focal points') are for signed-in members;
    anonymous visitors see names, positions and institutions only."""
    return is_signed_in(user)


__all__ = [
    "is_secretariat",
    "is_signed_in",
    "may_manage_people",
    "may_see_contact_details",
    "require_secretariat",
    "require_signed_in",
]
