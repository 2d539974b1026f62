"""The audit log of secretariat actions."""

import logging

from sqlalchemy import select

from migratory.extensions import db
from migratory.moderation.models import AuditEntry

logger = logging.getLogger(__name__)


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
