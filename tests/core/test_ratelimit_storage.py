"""The rate-limit storage in the application database: counts, windows, expiry,
atomic increments (SQLite and PostgreSQL)."""

import threading
import time

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    SlidingWindowCounterRateLimiter,
)
from sqlalchemy import func, select

from migratory.core.ratelimit import DatabaseStorage, storage_uri
from migratory.core.ratelimit_models import RateLimitCounter, RateLimitEntry
from migratory.extensions import db, limiter


@pytest.fixture
def storage(ctx):
    """The storage of `database://`, in the test app's context."""
    return storage_from_string("database://")


def test_the_scheme_names_the_database_storage(storage):
    assert isinstance(storage, DatabaseStorage)
    assert storage.check()


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "database://"),
        ({"REDIS_URL": "redis://r:6379/0"}, "redis://r:6379/0"),
        ({"RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": "redis://r"}, "memory://"),
    ],
)
def test_storage_uri_defaults_to_redis_then_the_database(settings, expected):
    assert storage_uri(settings) == expected


def test_the_app_limiter_uses_the_database_by_default(app):
    assert app.config["RATELIMIT_STORAGE_URI"] == "database://"
    assert isinstance(limiter.storage, DatabaseStorage)


def test_incr_counts_and_get_reads(storage):
    assert storage.get("k") == 0
    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("k", 60, amount=5) == 8
    assert storage.get("k") == 8
    assert storage.get("other") == 0


def test_a_count_expires_and_starts_afresh(storage):
    storage.incr("k", 1)
    storage.incr("k", 1)
    expiry = storage.get_expiry("k")
    assert time.time() < expiry <= time.time() + 1

    time.sleep(1.1)

    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1
    assert storage.get_expiry("k") > time.time() + 50


def test_expired_rows_are_purged(storage):
    storage.incr("old", 1)
    time.sleep(1.1)
    storage._last_purge = 0  # the purge runs at most once a minute

    storage.incr("new", 60)

    keys = db.session.scalars(select(RateLimitCounter.key)).all()
    assert keys == ["new"]


def test_decr_clear_and_reset(storage):
    storage.incr("k", 60, amount=3)
    assert storage.decr("k") == 2
    assert storage.decr("k", 5) == 0
    storage.incr("k", 60)
    storage.clear("k")
    assert storage.get("k") == 0
    storage.incr("a", 60)
    storage.acquire_entry("b", 5, 60)

    assert storage.reset() == 2
    assert storage.get("a") == 0
    assert storage.get_moving_window("b", 5, 60)[1] == 0


def test_long_keys_are_kept_apart(storage):
    first, second = "x" * 300 + "1", "x" * 300 + "2"
    storage.incr(first, 60)
    assert storage.get(first) == 1
    assert storage.get(second) == 0


def test_fixed_window_limiter(storage):
    limiter = FixedWindowRateLimiter(storage)
    item = parse("3 per minute")

    assert [limiter.hit(item, "ada") for _ in range(4)] == [True] * 3 + [False]
    assert limiter.hit(item, "bob")
    stats = limiter.get_window_stats(item, "ada")
    assert stats.remaining == 0
    assert stats.reset_time > time.time()


def test_moving_window_limiter(storage):
    limiter = MovingWindowRateLimiter(storage)
    item = parse("3 per 1 second")

    assert [limiter.hit(item, "ada") for _ in range(4)] == [True] * 3 + [False]
    assert limiter.get_window_stats(item, "ada").remaining == 0
    time.sleep(1.1)
    assert limiter.hit(item, "ada")
    assert storage.get_moving_window(item.key_for("ada"), 3, 1)[1] == 1


def test_moving_window_refuses_more_than_the_limit_at_once(storage):
    assert not storage.acquire_entry("k", 3, 60, amount=4)
    assert storage.acquire_entry("k", 3, 60, amount=3)
    assert not storage.acquire_entry("k", 3, 60)
    assert db.session.scalar(select(func.count(RateLimitEntry.id))) == 3


def test_sliding_window_limiter(storage):
    limiter = SlidingWindowCounterRateLimiter(storage)
    item = parse("3 per minute")

    assert [limiter.hit(item, "ada") for _ in range(4)] == [True] * 3 + [False]
    limiter.clear(item, "ada")
    assert limiter.hit(item, "ada")


def _in_threads(app, work, threads: int = 6) -> None:
    def run():
        with app.app_context():
            work()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def test_concurrent_increments_are_atomic(app, storage):
    seen, per_thread = [], 20

    def work():
        local = storage_from_string("database://")
        seen.extend(local.incr("shared", 60) for _ in range(per_thread))

    _in_threads(app, work)

    assert sorted(seen) == list(range(1, 6 * per_thread + 1))
    assert storage.get("shared") == 6 * per_thread


def test_concurrent_moving_window_never_exceeds_the_limit(app, storage):
    granted = []

    def work():
        local = storage_from_string("database://")
        granted.extend(local.acquire_entry("shared", 10, 60) for _ in range(5))

    _in_threads(app, work)

    assert granted.count(True) == 10
    assert storage.get_moving_window("shared", 10, 60)[1] == 10
