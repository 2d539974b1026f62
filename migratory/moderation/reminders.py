"""Digests of stale entries for focal points (`flask reminders send`, daily)."""

import logging
from datetime import datetime, timedelta

import click
from flask import current_app, url_for
from sqlalchemy import select

from migratory.accounts.mail import send_mail
from migratory.accounts.models import User
from migratory.core.models import utcnow
from migratory.extensions import db
from migratory.moderation.dashboard import stale_institutions
from migratory.moderation.upkeep import confirm_token

logger = logging.getLogger(__name__)


class RemindersFailed(click.ClickException):
    """Some digests could not be sent; `flask reminders send` exits with 1."""


def send_reminders() -> int:
    """E-mail each focal point due a digest of their stale entries; return the count.

    A recipient whose mail fails is logged and left for the next run, and the
    others still get theirs; RemindersFailed then reports the failures.
    """
    sent, failed = 0, []
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
        try:
            send_mail(user.email, "Entries to check", _digest(user, stale))
        except OSError:  # smtplib's errors included
            logger.exception("Reminder digest to %s failed", user.email)
            failed.append(user.email)
            continue
        user.last_reminded = now
        user.reminded_institution_ids = sorted(i.id for i in stale)
        db.session.commit()  # one by one: a later failure keeps this record
        sent += 1
    logger.info("Sent %d reminder digests, %d failed", sent, len(failed))
    if failed:
        raise RemindersFailed(
            f"Sent {sent} digests; {len(failed)} failed: {', '.join(failed)}."
        )
    return sent


def _due(user: User, stale, now: datetime) -> bool:
    """Not reminded of exactly these entries within the configured interval."""
    if user.last_reminded is None:
        return True
    if {i.id for i in stale} - set(user.reminded_institution_ids or []):
        return True  # an entry became stale since the last digest
    interval = timedelta(days=current_app.config["REMINDER_INTERVAL_DAYS"])
    return now - user.last_reminded >= interval


def _digest(user: User, stale) -> str:
    lines = [
        f"Hello {user.display_name},",
        "",
        "These entries have not been confirmed for a year. For each, one link "
        "confirms it is still correct, one opens it for editing, and one "
        "proposes archiving it.",
        "",
    ]
    for institution in stale:
        token = confirm_token(user, institution)
        lines += [
            f"* {institution.name}",
            "  Still correct: "
            + url_for(
                "editing.confirm_link",
                slug=institution.slug,
                token=token,
                _external=True,
            ),
            "  Edit: " + url_for("editing.edit", slug=institution.slug, _external=True),
            "  Propose archiving: "
            + url_for("editing.propose_archive", slug=institution.slug, _external=True),
            "",
        ]
    return "\n".join(lines)
