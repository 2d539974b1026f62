"""Sign-in throttling: failures counted per account, per address and per pair.

The counts live where every server process sees them: in the database by
default, in Redis when RATELIMIT_STORAGE_URI (redis://...) or REDIS_URL says
so. Past a limit the next attempt waits, and each further failure doubles the
wait up to the limit's window: a back-off, not a lock. An account's own count
(failures from every address) does not hold back an address the account
signed in from before, so nobody can lock the secretariat out by typing wrong
passwords elsewhere; that address has its own pair count.
"""

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from limits import parse
from sqlalchemy import delete, func, select

from migratory.accounts.models import LoginFailure, User
from migratory.accounts.sessions import digest, is_known_address
from migratory.extensions import db

FIRST_WAIT_SECONDS = 30


@dataclass(frozen=True)
class Limit:
    """Free failures within a window, e.g. "5 per 15 minutes"."""

    amount: int
    window: int  # seconds

    @classmethod
    def from_setting(cls, setting: str) -> "Limit":
        item = parse(setting)
        return cls(item.amount, item.get_expiry())

    def wait(self, failures: int, last: float | None, now: float) -> int:
        """Seconds before the next attempt may be made (0: now)."""
        if failures < self.amount or last is None:
            return 0
        backoff = FIRST_WAIT_SECONDS * 2 ** min(failures - self.amount, 20)
        return max(0, int(min(backoff, self.window) - (now - last) + 0.999))


class DatabaseCounters:
    """Failure counts in the login_failures table (SQLite or PostgreSQL)."""

    def add(self, counters: list[str], now: float, keep: int) -> None:
        """Count a failure under each counter; forget failures older than `keep`."""
        when = datetime.fromtimestamp(now, UTC)
        db.session.execute(
            delete(LoginFailure).where(
                LoginFailure.created < when - timedelta(seconds=keep)
            )
        )
        db.session.add_all(LoginFailure(counter=c, created=when) for c in counters)
        db.session.flush()

    def count(self, counter: str, since: float) -> tuple[int, float | None]:
        """Failures under `counter` since `since`, and when the last one was."""
        number, last = db.session.execute(
            select(func.count(LoginFailure.id), func.max(LoginFailure.created)).where(
                LoginFailure.counter == counter,
                LoginFailure.created >= datetime.fromtimestamp(since, UTC),
            )
        ).one()
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        return number, last.timestamp() if last else None


class RedisCounters:
    """Failure counts in Redis: one sorted set of failure times per counter."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = f"{prefix}migratory:login:"

    def add(self, counters: list[str], now: float, keep: int) -> None:
        """Count a failure under each counter; forget failures older than `keep`."""
        pipe = self.client.pipeline()
        for counter in counters:
            key = self.prefix + counter
            pipe.zadd(key, {f"{now}:{uuid.uuid4().hex[:8]}": now})
            pipe.zremrangebyscore(key, 0, now - keep)
            pipe.expire(key, keep)
        pipe.execute()

    def count(self, counter: str, since: float) -> tuple[int, float | None]:
        """Failures under `counter` since `since`, and when the last one was."""
        key = self.prefix + counter
        pipe = self.client.pipeline()
        pipe.zcount(key, since, "+inf")
        pipe.zrange(key, -1, -1, withscores=True)
        number, last = pipe.execute()
        return number, (last[0][1] if number and last else None)


def _counters():
    """The store of this application, made once."""
    app = current_app._get_current_object()
    store = app.extensions.get("login_throttle")
    if store is None:
        uri = app.config.get("RATELIMIT_STORAGE_URI") or ""
        url = uri if uri.startswith(("redis://", "rediss://")) else None
        url = url or app.config.get("REDIS_URL")
        prefix = app.config.get("RATELIMIT_KEY_PREFIX") or ""
        store = RedisCounters(url, prefix) if url else DatabaseCounters()
        app.extensions["login_throttle"] = store
    return store


def _limits() -> tuple[Limit, Limit]:
    config = current_app.config
    return (
        Limit.from_setting(config["LOGIN_LIMIT_PER_ACCOUNT"]),
        Limit.from_setting(config["LOGIN_LIMIT_PER_ADDRESS"]),
    )


def _names(email: str, address: str) -> dict[str, str]:
    account = (email or "").strip().lower()
    return {
        "account": "a:" + digest(f"account:{account}")[:40],
        "address": "i:" + digest(f"address:{address}")[:40],
        "pair": "p:" + digest(f"pair:{account}|{address}")[:40],
    }


def login_wait(email: str, address: str, user: User | None) -> int:
    """Seconds this address must wait before trying this account again (0: none)."""
    per_account, per_address = _limits()
    names, store, now = _names(email, address), _counters(), time.time()
    checks = [(names["pair"], per_account), (names["address"], per_address)]
    if user is None or not is_known_address(user, address):
        checks.append((names["account"], per_account))
    waits = [
        limit.wait(*store.count(name, now - limit.window), now)
        for name, limit in checks
    ]
    return max(waits)


def record_login_failure(email: str, address: str) -> None:
    """Count one failed sign-in for the account, the address and the pair;
    in the database, the caller commits."""
    keep = max(limit.window for limit in _limits())
    _counters().add(list(_names(email, address).values()), time.time(), keep)
