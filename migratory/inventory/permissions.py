"""Who may do what to an institution: checked on the server for every action.

Only the acting user's attributes are read (`is_authenticated`,
`is_secretariat`, `is_focal_point`, `country_code`, `institutions`), which a
signed-in user and an anonymous visitor both answer: the inventory knows
nothing of the accounts package above it.
"""

from flask_babel import gettext as _

from migratory.core.errors import PermissionDenied
from migratory.core.permissions import is_secretariat, is_signed_in


def may_edit_institution(user, institution) -> bool:
    """The secretariat, or a focal point linked to this institution of their
    country, changes it directly."""
    if not is_signed_in(user):
        return False
    if user.is_secretariat:
        return True
    return bool(
        user.is_focal_point
        and institution.country_code == user.country_code
        and any(linked.id == institution.id for linked in user.institutions)
    )


def require_institution_edit(user, institution) -> None:
    """PermissionDenied unless `user` may change `institution` directly."""
    if not may_edit_institution(user, institution):
        raise PermissionDenied(_("You may not change this entry directly."))


def may_see_unpublished(user, institution) -> bool:
    """Drafts and archived entries exist only for those who may change them;
    a published entry is everyone's."""
    return institution.status == "published" or may_edit_institution(user, institution)


def may_propose(user) -> bool:
    """Any signed-in account may propose a correction or a new entry."""
    return is_signed_in(user)


def may_create_institution(user, data: dict) -> bool:
    """New entries go in directly only from the secretariat; others propose."""
    return is_secretariat(user)


def keeps_institution_country(user, institution, data: dict) -> None:
    """PermissionDenied if a focal point would move an entry to another country."""
    if not is_secretariat(user) and data.get("country_code") not in (
        None,
        user.country_code,
    ):
        raise PermissionDenied(
            _("A focal point cannot move an entry to another country.")
        )
