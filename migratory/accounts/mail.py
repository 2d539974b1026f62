"""Outgoing e-mail through Flask-Mail, or into files under instance/ in development."""

import logging
from pathlib import Path

from flask import current_app
from flask_mail import Message

from migratory.core.models import utcnow
from migratory.extensions import mail

logger = logging.getLogger(__name__)


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message; with MAIL_FILE_DIR set, write it there instead."""
    message = Message(subject=f"[migratory] {subject}", recipients=[to], body=body)
    folder = current_app.config.get("MAIL_FILE_DIR")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%d-%H%M%S-%f}.eml"
        (path / name).write_text(message.as_string(), encoding="utf-8")
        logger.info("Mail to %s written to %s", to, path / name)
        return
    mail.send(message)
    logger.info("Mail sent to %s: %s", to, subject)
