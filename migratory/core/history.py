"""The history of every versioned record: full-state revisions keyed by
(kind, id), and what changed between them, in the words of the forms."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from migratory.core.errors import NotFound
from migratory.core.models import Base, utcnow
from migratory.core.records import RecordKind
from migratory.extensions import db


class Revision(Base):
    """The full state of a record after one change: nothing is lost."""

    __tablename__ = "revisions"
    __table_args__ = (
        UniqueConstraint("record_kind", "record_id", "number"),
        Index("ix_revisions_record", "record_kind", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[int]
    number: Mapped[int]
    created: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Where the change came from: "seed", "import", "web", "proposal:12", ...
    source: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON)
    # Who made the change (none for seed, import and command-line changes).
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    author: Mapped["User | None"] = relationship("User")  # noqa: F821


def add_revision(
    kind: str,
    record_id: int,
    number: int,
    data: dict,
    *,
    source: str,
    comment: str | None = None,
    author_id: int | None = None,
) -> Revision:
    """Keep `data` as revision `number` of the record (added, not committed)."""
    revision = Revision(
        record_kind=kind,
        record_id=record_id,
        number=number,
        source=source,
        comment=comment,
        data=data,
        author_id=author_id,
    )
    db.session.add(revision)
    return revision


def revision_row(kind: str, record_id: int, data: dict, **values) -> dict:
    """A first revision as a row for a set-based insert (imports)."""
    return {
        "record_kind": kind,
        "record_id": record_id,
        "number": 1,
        "created": values.pop("created", None) or utcnow(),
        "data": data,
        **values,
    }


@dataclass
class FieldChange:
    """One field's value before and after, as a reader sees them."""

    field: str
    label: object
    before: object
    after: object


def same_value(first, second) -> bool:
    """True if two saved values are the same (empty is empty; lists unordered)."""
    return _comparable(first) == _comparable(second)


def _comparable(value):
    if isinstance(value, list):
        return sorted(map(repr, value))
    return None if value in ("", []) else value


def diff_states(kind: RecordKind, before: dict | None, after: dict) -> list:
    """Field-by-field differences between two saved states of a record."""
    before = before or {}
    fields = [f for f in after if f not in kind.hidden] + [
        f for f in before if f not in after and f not in kind.hidden
    ]
    return [
        FieldChange(
            f,
            kind.field_label(f),
            kind.value_label(f, before.get(f)),
            kind.value_label(f, after.get(f)),
        )
        for f in fields
        if not same_value(before.get(f), after.get(f))
    ]


def revisions_of(kind: str, record_id: int) -> list[Revision]:
    """A record's revisions, oldest first, with their authors."""
    return list(
        db.session.scalars(
            select(Revision)
            .where(Revision.record_kind == kind, Revision.record_id == record_id)
            .options(selectinload(Revision.author))
            .order_by(Revision.number)
        )
    )


def revisions_with_changes(kind: RecordKind, record_id: int) -> list[tuple]:
    """Revisions newest first, each with what it changed from the one before."""
    pairs, previous = [], None
    for revision in revisions_of(kind.name, record_id):
        pairs.append((revision, diff_states(kind, previous, revision.data)))
        previous = revision.data
    return list(reversed(pairs))


def get_revision(kind: str, record_id: int, number: int) -> Revision:
    """Revision `number` of a record, or NotFound."""
    revision = db.session.scalar(
        select(Revision).where(
            Revision.record_kind == kind,
            Revision.record_id == record_id,
            Revision.number == number,
        )
    )
    if revision is None:
        raise NotFound(_("No such revision."))
    return revision


def revision_data(kind: str, record_id: int, number: int) -> dict | None:
    """The saved state of revision `number`, or None if there is none."""
    return db.session.scalar(
        select(Revision.data).where(
            Revision.record_kind == kind,
            Revision.record_id == record_id,
            Revision.number == number,
        )
    )
