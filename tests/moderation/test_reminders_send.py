"""`flask reminders send`: one failing recipient stops no one else, and a focal
point is not sent the same digest again before the configured interval."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.moderation import make_stale

FIRST = "focal.one@example.org"
SECOND = "focal.two@example.org"
REFUSED = "focal.refused@example.org"


@pytest.fixture
def stale_entry(app, make_institution):
    """Factory: a published entry of Kazakhstan, stale; returns its slug."""

    def make(name):
        slug = make_institution(name=name, website=None)
        make_stale(app, slug)
        return slug

    return make


@pytest.fixture
def focal_points(make_user, stale_entry):
    """Three focal points of Kazakhstan, each with a stale entry of their own."""
    for number, email in enumerate((FIRST, REFUSED, SECOND)):
        slug = stale_entry(f"Stale Office Number {number}")
        make_user(email, role="focal_point", country="KZ", institutions=[slug])


@pytest.fixture
def refusing(mailbox, monkeypatch):
    """The local SMTP server refuses mail to REFUSED (550), accepts the rest."""

    async def handle_rcpt(server, session, envelope, address, options):
        if address == REFUSED:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    # aiosmtpd looks the hook up on each new connection; Flask-Mail opens one
    # per message.
    monkeypatch.setattr(mailbox, "handle_RCPT", handle_rcpt, raising=False)
    return mailbox


def send(runner):
    return runner.invoke(args=["reminders", "send"])


def last_reminded(app, email):
    from migratory.accounts.models import User
    from migratory.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return user.last_reminded


def reminded_days_ago(app, email, days):
    """Pretend the last digest went out `days` ago."""
    from migratory.accounts.models import User
    from migratory.core.models import utcnow
    from migratory.extensions import db

    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.email == email)
            .values(last_reminded=utcnow() - timedelta(days=days))
        )
        db.session.commit()


# A failing recipient.


def test_a_refused_recipient_does_not_stop_the_others(
    app, runner, focal_points, refusing
):
    result = send(runner)

    assert [m["To"] for m in refusing.messages] == [FIRST, SECOND]
    assert result.exit_code == 1
    assert f"Sent 2 digests; 1 failed: {REFUSED}." in result.output


def test_only_delivered_digests_are_recorded(app, runner, focal_points, refusing):
    send(runner)

    assert last_reminded(app, FIRST) is not None
    assert last_reminded(app, SECOND) is not None
    assert last_reminded(app, REFUSED) is None


def test_the_failed_recipient_is_tried_again_on_the_next_run(
    app, runner, focal_points, refusing, monkeypatch
):
    send(runner)
    monkeypatch.delattr(refusing, "handle_RCPT")
    refusing.messages.clear()

    result = send(runner)

    assert result.exit_code == 0, result.output
    assert "Sent 1 digests." in result.output
    assert [m["To"] for m in refusing.messages] == [REFUSED]


def test_an_unreachable_server_fails_every_digest_and_the_run(
    app, runner, focal_points, mailbox, monkeypatch
):
    import socket

    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    # Flask-Mail reads its settings once, when the app is made.
    monkeypatch.setattr(app.extensions["mail"], "port", closed)

    result = send(runner)

    assert result.exit_code == 1
    assert "Sent 0 digests; 3 failed:" in result.output
    assert last_reminded(app, FIRST) is None


# Not the same digest every day.


def test_the_same_digest_is_not_sent_again_the_next_day(
    app, runner, focal_points, mailbox
):
    assert send(runner).exit_code == 0
    mailbox.messages.clear()

    result = send(runner)

    assert result.exit_code == 0
    assert "Sent 0 digests." in result.output
    assert mailbox.messages == []


def test_the_digest_is_sent_again_after_the_interval(
    app, runner, focal_points, mailbox
):
    send(runner)
    reminded_days_ago(app, FIRST, app.config["REMINDER_INTERVAL_DAYS"])
    mailbox.messages.clear()

    result = send(runner)

    assert "Sent 1 digests." in result.output
    assert [m["To"] for m in mailbox.messages] == [FIRST]


def test_the_interval_is_configurable(app, runner, focal_points, mailbox):
    send(runner)
    reminded_days_ago(app, FIRST, 2)
    mailbox.messages.clear()

    app.config["REMINDER_INTERVAL_DAYS"] = 3
    assert "Sent 0 digests." in send(runner).output
    app.config["REMINDER_INTERVAL_DAYS"] = 2
    assert "Sent 1 digests." in send(runner).output


def test_a_newly_stale_entry_brings_the_digest_forward(
    app, runner, make_institution, make_user, mailbox
):
    from migratory.accounts.models import User
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    old = make_institution(name="Long Stale Office", website=None)
    new = make_institution(name="Recently Stale Office", website=None)
    make_stale(app, old)
    make_user(FIRST, role="focal_point", country="KZ", institutions=[old, new])
    send(runner)
    mailbox.messages.clear()

    make_stale(app, new)
    result = send(runner)

    assert "Sent 1 digests." in result.output
    body = mailbox.last_body(FIRST)
    assert "* Long Stale Office" in body
    assert "* Recently Stale Office" in body
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == FIRST))
        listed = db.session.scalars(
            select(Institution.slug).where(
                Institution.id.in_(user.reminded_institution_ids)
            )
        ).all()
    assert sorted(listed) == sorted([old, new])
