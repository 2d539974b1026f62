"""Digests of stale entries for focal points (`flask reminders send`, daily)."""

import dataclasses
import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from migratory.accounts.models import User
from migratory.accounts.user_mail import mail_language
from migratory.core.mail import render_mail, send_message, site_context
from migratory.core.models import utcnow
from migratory.extensions import db
from migratory.moderation.dashboard import stale_institutions
from migratory.moderation.upkeep import confirm_token

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class ReminderReport:
    """Digests sent, and the addresses whose digest could not be sent."""

    sent: int = 0
    failed: list[str] = dataclasses.field(default_factory=list)


def send_reminders() -> ReminderReport:
    """E-mail each focal point due a digest of their stale entries.

    Runs as the daily job (moderation.tasks) or `flask reminders send`, never
    in a request. Links are built from SITE_URL. A recipient whose mail fails
    is logged and left for the next run, and the others still get theirs; the
    report names the failures.
    """
    report = ReminderReport()
    now = utcnow()
    focal_points = db.session.scalars(
        select(User)
        .where(User.role == "focal_point", User.active.is_(True))
        .order_by(User.id)
    ).all()
    for user in focal_points:
        stale = stale_institutions(institutions=user.institutions)
        if not stale or not _due(user, stale, now):
            continue
        language = mail_language(user)
        try:
            send_message(user.email, *_digest(user, stale, language), language)
        except OSError:  # smtplib's errors included
            logger.exception("Reminder digest to %s failed", user.email)
            report.failed.append(user.email)
            continue
        user.last_reminded = now
        user.reminded_institution_ids = sorted(i.id for i in stale)
        db.session.commit()  # one by one: a later failure keeps this record
        report.sent += 1
    logger.info("Sent %d reminder digests, %d failed", report.sent, len(report.failed))
    return report


def _due(user: User, stale, now: datetime) -> bool:
    """Not reminded of exactly these entries within the configured interval."""
    if user.last_reminded is None:
        return True
    if {i.id for i in stale} - set(user.reminded_institution_ids or []):
        return True  # an entry became stale since the last digest
    interval = timedelta(days=current_app.config["REMINDER_INTERVAL_DAYS"])
    return now - user.last_reminded >= interval


def _digest(user: User, stale, language: str) -> tuple[str, str]:
    """(subject, body) of a digest in the focal point's language, with
    one-click links on SITE_URL."""
    entries = [
        {
            "name": i.display_name_in(language),
            "slug": i.slug,
            "token": confirm_token(user, i),
        }
        for i in stale
    ]
    with site_context(language):  # "Focal point, Kazakhstan" in their words
        name = user.display_name
    return render_mail(
        "reminder",
        language,
        name=name,
        days=current_app.config["STALE_AFTER_DAYS"],
        entries=entries,
    )
