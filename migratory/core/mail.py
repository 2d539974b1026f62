"""Outgoing mail: rendered from templates/mail/, links from SITE_URL, sent by a job.

`enqueue_mail(to, "invitation", token=...)` queues a message to an address;
the job renders `templates/mail/invitation.txt` in the given language (the
request's by default), under a request context on SITE_URL (so
`url_for(..., _external=True)` never sees the Host header of the request that
caused the mail), and sends it through Flask-Mail, or writes it under
MAIL_FILE_DIR; its Content-Language says the language. Mail to an account is
written in the account's language: `migratory.accounts.user_mail.mail_user`.
"""

import logging
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, has_request_context
from flask_babel import force_locale, get_locale
from flask_mail import Message

from migratory.core.jobs import huey
from migratory.core.models import utcnow

logger = logging.getLogger(__name__)
SUBJECT_PREFIX = "[migratory] "


def send_message(to: str, subject: str, body: str, language: str | None = None):
    """Send a plain-text message now; with MAIL_FILE_DIR set, write it there.

    `language` (the one it is written in) goes into its Content-Language.
    """
    headers = {"Content-Language": language} if language else None
    message = Message(
        subject=SUBJECT_PREFIX + subject,
        recipients=[to],
        body=body,
        extra_headers=headers,
    )
    folder = current_app.config.get("MAIL_FILE_DIR")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%d-%H%M%S-%f}.eml"
        (path / name).write_text(message.as_string(), encoding="utf-8")
        logger.info("Mail to %s written to %s", to, path / name)
        return
    current_app.extensions["mail"].send(message)
    logger.info("Mail sent to %s: %s", to, subject)


@contextmanager
def site_context(locale: str | None = None):
    """A request context on SITE_URL in `locale`: links and text as mail needs."""
    app = current_app._get_current_object()
    with app.test_request_context(base_url=app.config["SITE_URL"]):
        with force_locale(locale or app.config["BABEL_DEFAULT_LOCALE"]):
            yield


def render_mail(template: str, locale: str | None = None, **context):
    """(subject, body) of templates/mail/<template>.txt in `locale`.

    The template sets its subject with `{% set subject = _("...") %}`.
    """
    app = current_app._get_current_object()
    with site_context(locale):
        values = dict(context)
        app.update_template_context(values)
        module = app.jinja_env.get_template(f"mail/{template}.txt").make_module(values)
        subject = str(getattr(module, "subject", "")).strip()
        body = str(module)
    return subject, body.strip() + "\n"


def request_locale() -> str:
    """The language of the request being served, or the default one."""
    if has_request_context():
        locale = get_locale()
        if locale is not None:
            return str(locale)
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@huey.task(retries=5, retry_delay=120)
def deliver_mail(to: str, template: str, locale: str, context: dict) -> None:
    """Render and send one message (retried when the mail server fails)."""
    subject, body = render_mail(template, locale, **context)
    send_message(to, subject, body, language=locale)


def enqueue_mail(to: str, template: str, locale: str | None = None, **context):
    """Queue a message; its language is `locale`, else the current request's.

    Call it after the transaction it depends on has committed; `context`
    holds plain values (ids, names, tokens), never ORM objects.
    """
    return deliver_mail(to, template, locale or request_locale(), context)
