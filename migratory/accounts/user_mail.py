"""Mail to an account, written by the job in the account's own language.

`mail_user(user, "password_reset", token=...)` queues the message with the
user's id only; the job reads the account's address and language when it
runs, so a reviewer working in English still writes to a Russian-speaking
focal point in Russian. Mail to an address without an account (an invitation)
goes through `migratory.core.mail.enqueue_mail` in the sender's language.
"""

import logging

from flask import current_app

from migratory.accounts.models import User
from migratory.core.jobs import huey
from migratory.core.mail import render_mail, send_message
from migratory.extensions import db

logger = logging.getLogger(__name__)


def mail_language(user: User, fallback: str | None = None) -> str:
    """The language of mail to `user`: theirs, else `fallback`, else the
    site's default."""
    languages = current_app.config["LANGUAGES"]
    for candidate in (user.language, fallback):
        if candidate in languages:
            return candidate
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@huey.task(retries=5, retry_delay=120)
def deliver_user_mail(
    user_id: int, template: str, context: dict, fallback: str | None = None
) -> None:
    """Render `template` in the account's language and send it to its address."""
    user = db.session.get(User, user_id)
    if user is None:
        logger.info("User %s is gone: %s not mailed", user_id, template)
        return
    language = mail_language(user, fallback)
    subject, body = render_mail(template, language, **context)
    send_message(user.email, subject, body, language=language)


def mail_user(user: User, template: str, fallback: str | None = None, **context):
    """Queue templates/mail/<template>.txt for `user`, in their language.

    `fallback` is the language to use if the account has none (the request's,
    when the request is the user's own). Call it after the commit the job
    reads; `context` holds plain values, never ORM objects.
    """
    return deliver_user_mail(user.id, template, context, fallback)
