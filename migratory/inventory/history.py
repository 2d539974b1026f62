"""The history of an entry: its revisions and what changed between them."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from migratory.core.errors import NotFound
from migratory.extensions import db
from migratory.inventory.labels import field_label, value_label
from migratory.inventory.models import Institution, InstitutionRevision

# Bookkeeping that every change moves; not shown as a difference.
HIDDEN = {"slug", "version", "geo_source", "geo_precision"}


@dataclass
class FieldChange:
    """One field's value before and after, as a reader sees them."""

    field: str
    before: object
    after: object

    @property
    def label(self):
        """The field's label, as the form calls it."""
        return field_label(self.field)


def diff_states(before: dict | None, after: dict) -> list[FieldChange]:
    """Field-by-field differences between two saved states."""
    before = before or {}
    fields = [f for f in after if f not in HIDDEN] + [
        f for f in before if f not in after and f not in HIDDEN
    ]
    return [
        FieldChange(f, value_label(f, before.get(f)), value_label(f, after.get(f)))
        for f in fields
        if _comparable(before.get(f)) != _comparable(after.get(f))
    ]


def same_value(first, second) -> bool:
    """True if two saved values are the same (empty is empty; lists unordered)."""
    return _comparable(first) == _comparable(second)


def _comparable(value):
    if isinstance(value, list):
        return sorted(map(repr, value))
    return None if value in ("", []) else value


def revisions_with_changes(
    institution: Institution,
) -> list[tuple[InstitutionRevision, list[FieldChange]]]:
    """Revisions newest first, each with what it changed from the one before."""
    revisions = list(
        db.session.scalars(
            select(InstitutionRevision)
            .where(InstitutionRevision.institution_id == institution.id)
            .options(selectinload(InstitutionRevision.author))
            .order_by(InstitutionRevision.number)
        )
    )
    pairs, previous = [], None
    for revision in revisions:
        pairs.append((revision, diff_states(previous, revision.data)))
        previous = revision.data
    return list(reversed(pairs))


def get_revision(institution: Institution, number: int) -> InstitutionRevision:
    """Revision `number` of an institution, or NotFound."""
    revision = db.session.scalar(
        select(InstitutionRevision).where(
            InstitutionRevision.institution_id == institution.id,
            InstitutionRevision.number == number,
        )
    )
    if revision is None:
        raise NotFound(_("No such revision."))
    return revision
