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


def audit_log(limit: int = 200) -> list[AuditEntry]:
    """The most recent audit entries first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .order_by(AuditEntry.created.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )
