"""Digests of stale entries for focal points (`flask reminders send`, daily)."""

import logging

from flask import url_for
from sqlalchemy import select

from migratory.accounts.mail import send_mail
from migratory.accounts.models import User
from migratory.extensions import db
from migratory.moderation.dashboard import stale_institutions
from migratory.moderation.upkeep import confirm_token

logger = logging.getLogger(__name__)


def send_reminders() -> int:
    """E-mail each focal point the stale entries linked to them; return the count."""
    sent = 0
    focal_points = db.session.scalars(
        select(User).where(User.role == "focal_point", User.active.is_(True))
    )
    for user in focal_points:
        stale = stale_institutions(institutions=user.institutions)
        if not stale:
            continue
        send_mail(user.email, "Entries to check", _digest(user, stale))
        sent += 1
    logger.info("Sent %d reminder digests", sent)
    return sent


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
