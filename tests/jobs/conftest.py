"""Applications whose jobs really queue: SQLite storage, or Redis."""

import uuid

import pytest

from migratory.core.jobs import huey
from tests.conftest import mail_settings, make_test_app, require_or_skip, wipe_inventory
from tests.jobs import SITE_URL

REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_reachable() -> bool:
    """True if Redis answers at REDIS_URL."""
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError:
        return False


def queued_app(database_url, tmp_path, smtp_server, **settings):
    """An app that queues its jobs (no immediate mode), links on SITE_URL."""
    return make_test_app(
        database_url,
        tmp_path / "index",
        JOBS_IMMEDIATE=False,
        JOBS_DB=str(tmp_path / "jobs.db"),
        SITE_URL=SITE_URL,
        **mail_settings(smtp_server),
        **settings,
    )


@pytest.fixture
def app(database_url, tmp_path, smtp_server):
    """The suite's app, but its jobs wait in SQLite storage for a consumer."""
    app = queued_app(database_url, tmp_path, smtp_server)
    yield app
    wipe_inventory(app)


def redis_settings() -> dict:
    """Redis storage, in a queue of its own for this test."""
    require_or_skip(redis_reachable(), f"Redis is not reachable at {REDIS_URL}")
    return {
        "REDIS_URL": REDIS_URL,
        "JOBS_QUEUE_NAME": f"migratory-test-{uuid.uuid4().hex}",
    }


@pytest.fixture(params=["sqlite", "redis"])
def storage_app(request, database_url, tmp_path, smtp_server):
    """An app queueing on each storage: SQLite (the default) and Redis."""
    settings = redis_settings() if request.param == "redis" else {}
    app = queued_app(database_url, tmp_path, smtp_server, **settings)
    yield app
    with app.app_context():
        huey.storage.flush_all()
    wipe_inventory(app)
