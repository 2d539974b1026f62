"""huey's consumer runs queued tasks in an app context, retries them, and runs
the daily reminders as a periodic task; on SQLite storage and on Redis."""

from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from migratory.core.jobs import huey
from migratory.extensions import db
from migratory.inventory.models import Country
from tests.jobs import pending_jobs, running_consumer, wait_for

SEEN: list = []
ATTEMPTS: dict = {}


@huey.task()
def record_context(tag: str) -> None:
    """Note what the task sees of the application and its database."""
    countries = db.session.scalar(select(func.count()).select_from(Country))
    SEEN.append((tag, current_app.config["JOBS_QUEUE_NAME"], countries))


@huey.task(retries=2, retry_delay=0)
def flaky(key: str, failures: int) -> None:
    """Fail the first `failures` times, then succeed."""
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] <= failures:
        raise OSError("mail server away")


def test_a_task_waits_in_storage_until_the_consumer_runs_it(storage_app, request):
    tag = request.node.nodeid
    with storage_app.app_context():
        record_context(tag)
        queue = current_app.config["JOBS_QUEUE_NAME"]

    assert [seen for seen in SEEN if seen[0] == tag] == []  # not in the caller
    assert [name for name, _ in pending_jobs(storage_app)] == ["record_context"]
    with running_consumer(storage_app):
        wait_for(lambda: (tag, queue, 57) in SEEN)
    assert pending_jobs(storage_app) == []


def test_a_failing_task_is_retried_until_it_succeeds(storage_app, request):
    key = request.node.nodeid
    with storage_app.app_context():
        flaky(key, failures=2)

    with running_consumer(storage_app):
        wait_for(lambda: ATTEMPTS.get(key) == 3, what="the third attempt")
    assert pending_jobs(storage_app) == []


def test_retries_are_bounded(storage_app, request):
    key = request.node.nodeid
    with storage_app.app_context():
        flaky(key, failures=99)

    with running_consumer(storage_app):
        wait_for(lambda: ATTEMPTS.get(key) == 3, what="the last retry")
        wait_for(lambda: pending_jobs(storage_app) == [], what="an empty queue")
    assert ATTEMPTS[key] == 3  # the first try and two retries


def test_the_daily_reminders_are_a_periodic_task(storage_app):
    names = {task.name for task in huey.read_periodic(datetime(2026, 3, 2, 6, 0))}
    later = {task.name for task in huey.read_periodic(datetime(2026, 3, 2, 7, 0))}

    assert "send_daily_reminders" in names
    assert "send_daily_reminders" not in later
