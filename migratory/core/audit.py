"""The audit log: who did what to what, and when; every domain writes to it."""

import logging
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from migratory.core.models import Base, utcnow
from migratory.extensions import db

logger = logging.getLogger(__name__)


class AuditEntry(Base):
    """One action of the secretariat: who did what to what, and when."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped["User | None"] = relationship("User")  # noqa: F821


def record_action(actor, action: str, target: str, **detail) -> AuditEntry:
    """Add an audit entry to the session (committed with the action itself)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None), action=action, target=target, detail=detail
    )
    db.session.add(entry)
    logger.info(
        "Audit: %s %s %s %s", getattr(actor, "id", None), action, target, detail
    )
    return entry


AUDIT_PAGE_SIZE = 50


def audit_log(page: int = 1, action: str | None = None):
    """One page of audit entries, newest first, optionally of one action."""
    query = select(AuditEntry).order_by(AuditEntry.created.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    return db.paginate(
        query, page=max(page, 1), per_page=AUDIT_PAGE_SIZE, error_out=False
    )


def audit_actions() -> list[str]:
    """The kinds of action the log holds, for its filter."""
    return list(
        db.session.scalars(
            select(AuditEntry.action).distinct().order_by(AuditEntry.action)
        )
    )
