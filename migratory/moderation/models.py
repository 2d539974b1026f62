"""Proposed changes awaiting the secretariat, dismissed duplicates."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from migratory.accounts.models import User
from migratory.core.models import Base, utcnow
from migratory.inventory.models import Institution

PROPOSAL_KINDS = ("new", "change", "archive")
PROPOSAL_STATES = ("pending", "approved", "rejected")


class Proposal(Base):
    """A change to an entry (or a new entry) proposed for moderation."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    proposer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # The full proposed state (for "new" and "change"), as the schema loads it.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # The entry's version when the proposal was made.
    base_version: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    created: Mapped[datetime] = mapped_column(default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    decided: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)

    institution: Mapped[Institution | None] = relationship()
    proposer: Mapped[User | None] = relationship(foreign_keys=[proposer_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])


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
