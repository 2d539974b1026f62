"""Who may do what with the network's records: checked on the server for
every action, by views, services and the API alike.

Only the acting user's attributes are read (`is_authenticated`,
`is_secretariat`, `is_focal_point`, `country_code`, `institutions`), which a
signed-in user and an anonymous visitor both answer.
"""

from flask_babel import gettext as _
from sqlalchemy import and_

from migratory.core.errors import PermissionDenied
from migratory.core.permissions import is_secretariat, is_signed_in
from migratory.inventory.models import Institution
from migratory.network.models import DataSource


def _focal_point_of(user, country_code: str | None) -> bool:
    """A signed-in focal point of this country."""
    return bool(
        is_signed_in(user)
        and user.is_focal_point
        and country_code is not None
        and user.country_code == country_code
    )


# Data sources


def may_edit_data_source(user, data_source) -> bool:
    """The secretariat, or a focal point of the data source's country,
    changes it directly."""
    return is_secretariat(user) or _focal_point_of(user, data_source.country_code)


def may_create_data_source(user, data: dict) -> bool:
    """The secretariat adds any data source at once; a focal point those of
    their own country (`data` is validated: its country is a code)."""
    return is_secretariat(user) or _focal_point_of(user, data.get("country"))


def may_propose_data_source(user) -> bool:
    """Anyone signed in may propose a data source, a change or archiving."""
    return is_signed_in(user)


def may_archive_data_source(user, data_source=None) -> bool:
    """Archiving and publishing again: the secretariat (others propose it)."""
    return is_secretariat(user)


def may_see_data_source(user, data_source) -> bool:
    """A published data source of a published institution is everyone's; any
    other exists only for those who may change it."""
    return data_source.is_public or may_edit_data_source(user, data_source)


def public_data_sources():
    """SQL condition of `DataSource.is_public`: the data source and its
    producing institution are both published."""
    return and_(
        DataSource.status == "published",
        DataSource.institution.has(Institution.status == "published"),
    )


def keeps_data_source_country(user, data_source, data: dict) -> None:
    """A focal point's direct change keeps the data source in their country."""
    if not is_secretariat(user) and data.get("country") not in (
        None,
        user.country_code,
    ):
        raise PermissionDenied(
            _("A focal point cannot move a data source to another country.")
        )


# Producer-user links


def _linked_to(user, *institutions) -> bool:
    """A signed-in focal point linked to one of these institutions."""
    if not (is_signed_in(user) and user.is_focal_point):
        return False
    mine = {linked.id for linked in user.institutions}
    return any(i is not None and i.id in mine for i in institutions)


def may_edit_link(user, link) -> bool:
    """The secretariat, or a focal point linked to one end of the link,
    changes it directly."""
    return is_secretariat(user) or _linked_to(user, link.producer, link.consumer)


def may_create_link(user, producer, consumer) -> bool:
    """The secretariat adds any link at once; a focal point those with one
    end an institution linked to them (others propose)."""
    return is_secretariat(user) or _linked_to(user, producer, consumer)


def may_propose_link(user) -> bool:
    """Anyone signed in may propose a link, a change or archiving."""
    return is_signed_in(user)


def may_archive_link(user, link) -> bool:
    """Archiving and publishing again: whoever changes the link directly."""
    return may_edit_link(user, link)


def may_see_link(user, link) -> bool:
    """A published link between published institutions is everyone's; any
    other exists only for those who may change it."""
    visible = all(
        record.status == "published" for record in (link, link.producer, link.consumer)
    )
    return visible or may_edit_link(user, link)


def keeps_link_end(user, producer, consumer) -> None:
    """A focal point's direct change keeps one end an institution of theirs."""
    if not may_create_link(user, producer, consumer):
        raise PermissionDenied(
            _("One end of the link must stay an institution you are focal point of.")
        )
