"""What a user sets for themselves: the name others see, their language."""

import logging

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from migratory.accounts.models import User
from migratory.core.errors import ValidationFailed
from migratory.extensions import db

logger = logging.getLogger(__name__)


def checked_language(language: str) -> str:
    """`language` if the site speaks it; ValidationFailed otherwise."""
    if language not in current_app.config["LANGUAGES"]:
        message = _("Choose one of the site's languages.")
        raise ValidationFailed(message, errors={"language": [message]})
    return language


def update_profile(
    user: User, name: str, language: str | None = None, position: str | None = None
) -> None:
    """Change what others see of the user (name, position), and the language
    of their mail."""
    user.name = (name or "").strip()[:200]
    user.position = (position or "").strip()[:200] or None
    if language is not None:
        user.language = checked_language(language)
    db.session.commit()


def remember_language(user: User, language: str) -> None:
    """Keep the language a signed-in user switched the site to (their mail
    follows it); nothing is written when it is already theirs."""
    language = checked_language(language)
    if user.language == language:
        return
    user.language = language
    try:
        db.session.commit()
    except SQLAlchemyError:
        # The page was served; the next switch tries again.
        db.session.rollback()
        logger.warning("User %s: language %s not kept", user.id, language)
        return
    logger.info("User %s now reads %s", user.id, language)
