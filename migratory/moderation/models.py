"""Proposed changes awaiting the secretariat, dismissed duplicates."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from migratory.accounts.models import User
from migratory.core.models import Base, utcnow
from migratory.core.records import record_kind
from migratory.extensions import db

PROPOSAL_ACTIONS = ("new", "change", "archive")
PROPOSAL_STATES = ("pending", "approved", "rejected")


class Proposal(Base):
    """A change to a record of any kind (or a new record) proposed for
    moderation; the record's kind handles validating and applying it."""

    __tablename__ = "proposals"
    __table_args__ = (Index("ix_proposals_record", "record_kind", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "new", "change" or "archive"
    action: Mapped[str] = mapped_column(String(10))
    # The kind of record (see core.records) and, except for "new", its id.
    record_kind: Mapped[str] = mapped_column(String(30), default="institution")
    record_id: Mapped[int | None]
    proposer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # The full proposed state (for "new" and "change"), as the schema loads it.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # The record's version (revision number) when the proposal was made.
    base_version: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    decided: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)

    proposer: Mapped[User | None] = relationship(foreign_keys=[proposer_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])

    @property
    def target(self):
        """The record proposed for change, loaded through its kind (None for a
        new record not yet approved)."""
        if self.record_id is None:
            return None
        model = record_kind(self.record_kind).model
        return db.session.get(model, self.record_id)


class DismissedDuplicate(Base):
    """A pair of entries the secretariat judged not to be duplicates."""

    __tablename__ = "dismissed_duplicates"
    __table_args__ = (UniqueConstraint("first_id", "second_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE")
    )
    second_id: Mapped[int] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE")
    )
