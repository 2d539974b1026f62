"""Rate limits whose counts every server process shares: Redis, or the database.

Flask-Limiter (the `limiter` of migratory.extensions) keeps its counts in the
storage named by RATELIMIT_STORAGE_URI. Unset, that is Redis when REDIS_URL is
set, otherwise `database://`: the storage below, two tables of the
application's own database (SQLite or PostgreSQL), so that several gunicorn
workers, or several machines on one PostgreSQL, count together. `memory://`
keeps one count per process: it suits a single process only.

Every operation is one short transaction on its own connection, committed at
once and independent of the request's session: a count survives the rollback
of the request that made it, and never commits the request's half-done work.
Increments are single upsert statements; a moving window takes a lock per key
(an advisory lock on PostgreSQL, the write lock on SQLite) before it counts.
"""

import hashlib
import time

from flask import Flask, current_app
from flask_limiter import Limiter
from limits.errors import ConfigurationError
from limits.storage import (
    MovingWindowSupport,
    SlidingWindowCounterSupport,
    Storage,
)
from limits.storage.base import TimestampedSlidingWindow
from sqlalchemy import case, delete, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from migratory.core.ratelimit_models import KEY_LENGTH, RateLimitCounter, RateLimitEntry

DATABASE_SCHEME = "database"
PURGE_EVERY_SECONDS = 60
COUNTERS = RateLimitCounter.__table__
ENTRIES = RateLimitEntry.__table__


def storage_uri(config) -> str:
    """The limiter's storage: RATELIMIT_STORAGE_URI, else Redis at REDIS_URL,
    else the application database."""
    return (
        config.get("RATELIMIT_STORAGE_URI")
        or config.get("REDIS_URL")
        or f"{DATABASE_SCHEME}://"
    )


class SharedLimiter(Limiter):
    """Flask-Limiter whose storage defaults to one every process shares."""

    def init_app(self, app: Flask) -> None:
        """Bind to `app`, its storage chosen by `storage_uri`."""
        app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config)
        super().init_app(app)


def _stored_key(key: str) -> str:
    """The key as stored: long keys are shortened to a digest, never cut."""
    if len(key) <= KEY_LENGTH:
        return key
    return key[:150] + "#" + hashlib.sha256(key.encode()).hexdigest()


class DatabaseStorage(
    Storage, MovingWindowSupport, SlidingWindowCounterSupport, TimestampedSlidingWindow
):
    """limits storage in the application database (`database://`): fixed,
    moving and sliding windows. Used inside an application context."""

    STORAGE_SCHEME = [DATABASE_SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self._last_purge = 0.0

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    # Connections

    @staticmethod
    def _engine():
        """The engine of the application in use (one storage may serve the
        applications of a test run in turn)."""
        return current_app.extensions["sqlalchemy"].engine

    def _upsert(self, dialect: str):
        if dialect == "postgresql":
            return postgresql.insert(COUNTERS)
        if dialect == "sqlite":
            return sqlite.insert(COUNTERS)
        raise ConfigurationError(
            f"Rate limits in the database need SQLite or PostgreSQL, not {dialect}"
        )

    def _purge(self, connection, now: float) -> None:
        """Forget expired counts and entries, at most once a minute per process."""
        if now - self._last_purge < PURGE_EVERY_SECONDS:
            return
        self._last_purge = now
        connection.execute(delete(COUNTERS).where(COUNTERS.c.expires_at <= now))
        connection.execute(delete(ENTRIES).where(ENTRIES.c.expires_at <= now))

    # Fixed window

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add `amount` to the count of `key`; a new or expired count starts
        afresh and expires `expiry` seconds from now. One atomic statement."""
        key, now = _stored_key(key), time.time()
        engine = self._engine()
        expired = COUNTERS.c.expires_at <= now
        statement = (
            self._upsert(engine.dialect.name)
            .values(key=key, hits=amount, expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=[COUNTERS.c.key],
                set_={
                    "hits": case((expired, amount), else_=COUNTERS.c.hits + amount),
                    "expires_at": case(
                        (expired, now + expiry), else_=COUNTERS.c.expires_at
                    ),
                },
            )
            .returning(COUNTERS.c.hits)
        )
        with engine.begin() as connection:
            hits = connection.execute(statement).scalar_one()
            self._purge(connection, now)
        return hits

    def decr(self, key: str, amount: int = 1) -> int:
        """Take `amount` back from a live count (never below 0)."""
        key, now = _stored_key(key), time.time()
        with self._engine().begin() as connection:
            connection.execute(
                COUNTERS.update()
                .where(COUNTERS.c.key == key, COUNTERS.c.expires_at > now)
                .values(
                    hits=case(
                        (COUNTERS.c.hits > amount, COUNTERS.c.hits - amount), else_=0
                    )
                )
            )
        return self.get(key)

    def _live(self, key: str, column):
        now = time.time()
        with self._engine().connect() as connection:
            return connection.execute(
                select(column).where(
                    COUNTERS.c.key == _stored_key(key), COUNTERS.c.expires_at > now
                )
            ).scalar()

    def get(self, key: str) -> int:
        """The live count of `key` (0 when absent or expired)."""
        return self._live(key, COUNTERS.c.hits) or 0

    def get_expiry(self, key: str) -> float:
        """When the count of `key` expires (now when there is none)."""
        return self._live(key, COUNTERS.c.expires_at) or time.time()

    def clear(self, key: str) -> None:
        """Forget every count and entry of `key`."""
        key = _stored_key(key)
        with self._engine().begin() as connection:
            connection.execute(delete(COUNTERS).where(COUNTERS.c.key == key))
            connection.execute(delete(ENTRIES).where(ENTRIES.c.key == key))

    def reset(self) -> int:
        """Forget everything; the number of counts and entries forgotten."""
        with self._engine().begin() as connection:
            counts = connection.execute(delete(COUNTERS)).rowcount
            entries = connection.execute(delete(ENTRIES)).rowcount
        return counts + entries

    def check(self) -> bool:
        """True if the database answers."""
        try:
            with self._engine().connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    # Moving window

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Record `amount` hits unless that would exceed `limit` in the last
        `expiry` seconds; counted and written under a lock on the key."""
        if amount > limit:
            return False
        key, now = _stored_key(key), time.time()
        engine = self._engine()
        with engine.begin() as connection:
            self._lock(connection, engine.dialect.name, key, now)
            in_window = connection.execute(
                select(func.count())
                .select_from(ENTRIES)
                .where(ENTRIES.c.key == key, ENTRIES.c.at > now - expiry)
            ).scalar_one()
            if in_window + amount > limit:
                return False
            connection.execute(
                ENTRIES.insert(),
                [{"key": key, "at": now, "expires_at": now + expiry}] * amount,
            )
            self._purge(connection, now)
        return True

    @staticmethod
    def _lock(connection, dialect: str, key: str, now: float) -> None:
        """Serialise moving-window writers of one key until the commit."""
        if dialect == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                {"key": key},
            )
        else:
            # SQLite's first write takes the database's write lock; the
            # transaction then reads the latest committed entries.
            connection.execute(
                delete(ENTRIES).where(ENTRIES.c.key == key, ENTRIES.c.expires_at <= now)
            )

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """(start of the window, hits in it) for `key`."""
        now = time.time()
        with self._engine().connect() as connection:
            oldest, hits = connection.execute(
                select(func.min(ENTRIES.c.at), func.count()).where(
                    ENTRIES.c.key == _stored_key(key), ENTRIES.c.at > now - expiry
                )
            ).one()
        return (oldest if hits else now), hits

    # Sliding window counter: two fixed windows, weighted

    def acquire_sliding_window_entry(
        self, key: str, limit: int, expiry: int, amount: int = 1
    ) -> bool:
        """Count a hit in the current window unless the weighted count of
        this and the previous window would exceed `limit`."""
        if amount > limit:
            return False
        previous, previous_ttl, current, _ = self.get_sliding_window(key, expiry)
        weighted_previous = previous * previous_ttl / expiry
        if int(weighted_previous + current) + amount > limit:
            return False
        _, current_key = self.sliding_window_keys(key, expiry, time.time())
        current = self.incr(current_key, 2 * expiry, amount)
        if int(weighted_previous + current) > limit:
            self.decr(current_key, amount)  # another process won the race
            return False
        return True

    def get_sliding_window(
        self, key: str, expiry: int
    ) -> tuple[int, float, int, float]:
        """(previous count, its weight in seconds, current count, current TTL)."""
        now = time.time()
        previous_key, current_key = self.sliding_window_keys(key, expiry, now)
        previous, current = self.get(previous_key), self.get(current_key)
        previous_ttl = (
            (1 - (((now - expiry) / expiry) % 1)) * expiry if previous else 0.0
        )
        current_ttl = (1 - ((now / expiry) % 1)) * expiry + expiry
        return previous, previous_ttl, current, current_ttl

    def clear_sliding_window(self, key: str, expiry: int) -> None:
        """Forget both windows of `key`."""
        for window_key in self.sliding_window_keys(key, expiry, time.time()):
            self.clear(window_key)
