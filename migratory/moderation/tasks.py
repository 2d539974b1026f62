"""Background jobs of moderation: the daily digest of stale entries."""

import logging

from huey import crontab

from migratory.core.jobs import huey

logger = logging.getLogger(__name__)


@huey.periodic_task(crontab(hour="6", minute="0"))
def send_daily_reminders() -> None:
    """E-mail each focal point due a digest of their stale entries (06:00 UTC)."""
    from migratory.moderation.reminders import send_reminders

    report = send_reminders()
    if report.failed:
        logger.warning("Reminder digests failed for: %s", ", ".join(report.failed))
