"""Limits on sign-in (per account and per address; in the database or in Redis)
and on mail requests."""

import uuid

import pytest
from sqlalchemy import func, select

from migratory.accounts.models import LoginFailure
from migratory.accounts.services import create_user
from migratory.extensions import db, limiter
from tests.conftest import (
    PASSWORD,
    Auth,
    csrf_token,
    require_or_skip,
)

WRONG = "not the right password"
REDIS_URL = "redis://127.0.0.1:6379/0"


def add_users(app, *emails):
    with app.app_context():
        for email in emails:
            create_user(email, "member", PASSWORD)


def attempt(app, email, password=PASSWORD) -> int:
    """The status of one sign-in from a fresh browser (same address)."""
    return Auth(app.test_client()).login(email, password).status_code


def test_five_failures_block_the_account(app, make_user):
    make_user("ada@example.org")

    failures = [attempt(app, "ada@example.org", WRONG) for _ in range(5)]

    assert failures == [401] * 5
    assert attempt(app, "ada@example.org") == 429


def test_four_failures_do_not_block_the_account(app, make_user):
    make_user("ada@example.org")
    for _ in range(4):
        attempt(app, "ada@example.org", WRONG)

    assert attempt(app, "ada@example.org") == 302


def test_account_limit_ignores_the_case_of_the_address(app, make_user):
    make_user("ada@example.org")
    for email in ["ada@example.org", "ADA@example.org", "Ada@Example.org"] * 2:
        attempt(app, email, WRONG)

    assert attempt(app, "ada@example.org") == 429


def test_blocked_account_shows_a_429_page(app, make_user):
    make_user("ada@example.org")
    for _ in range(5):
        attempt(app, "ada@example.org", WRONG)

    response = Auth(app.test_client()).login("ada@example.org")

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_other_account_still_signs_in_from_the_same_address(app, make_user):
    make_user("ada@example.org")
    make_user("bob@example.org")
    for _ in range(6):
        attempt(app, "ada@example.org", WRONG)

    assert attempt(app, "bob@example.org") == 302


def test_successful_sign_ins_do_not_count(app, make_user):
    make_user("ada@example.org")

    statuses = [attempt(app, "ada@example.org") for _ in range(7)]

    assert statuses == [302] * 7


def test_address_limit_blocks_every_account(build_app):
    app = build_app(LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    add_users(app, "ada@example.org", "bob@example.org")

    failures = [attempt(app, f"u{n}@example.org", WRONG) for n in range(3)]

    assert failures == [401] * 3
    assert attempt(app, "ada@example.org") == 429
    assert attempt(app, "bob@example.org") == 429


def test_address_limit_allows_up_to_its_count(build_app):
    app = build_app(LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    add_users(app, "ada@example.org")
    for n in range(2):
        attempt(app, f"u{n}@example.org", WRONG)

    assert attempt(app, "ada@example.org") == 302


def test_address_limit_counts_per_address(build_app):
    app = build_app(LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    add_users(app, "ada@example.org")
    for n in range(3):
        attempt(app, f"u{n}@example.org", WRONG)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"

    assert Auth(other).login("ada@example.org").status_code == 302


def test_get_of_the_sign_in_page_is_not_limited(build_app):
    app = build_app(LOGIN_LIMIT_PER_ADDRESS="3 per minute")
    client = app.test_client()

    statuses = [client.get("/auth/login").status_code for _ in range(5)]

    assert statuses == [200] * 5


def forgot(client, email):
    token = csrf_token(client, "/auth/forgot")
    return client.post("/auth/forgot", data={"csrf_token": token, "email": email})


def test_reset_requests_are_limited_per_hour(app, client, mailbox, make_user):
    make_user("ada@example.org")

    statuses = [forgot(client, "ada@example.org").status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]
    assert len(mailbox.to("ada@example.org")) == 5


def test_registrations_are_limited_per_hour(app, client, mailbox):
    def register(n):
        token = csrf_token(client, "/auth/register")
        return client.post(
            "/auth/register",
            data={
                "csrf_token": token,
                "name": "Ada",
                "email": f"ada{n}@example.org",
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        ).status_code

    statuses = [register(n) for n in range(6)]

    assert statuses == [200] * 5 + [429]
    assert mailbox.to("ada5@example.org") == []


# Redis


def redis_client():
    """A client of the local Redis server, or None if none answers."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        return None
    return client


@pytest.fixture
def redis_app(build_app, monkeypatch):
    """Factory: an application whose limits live in Redis under a fresh prefix."""
    store = redis_client()
    require_or_skip(store is not None, f"Redis is not reachable at {REDIS_URL}")
    prefix = f"migratory-test-{uuid.uuid4().hex}"
    # The limiter is module-level and keeps the first key prefix it was given.
    monkeypatch.setattr(limiter, "_key_prefix", "")

    def build():
        app = build_app(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
        return app, store, prefix

    yield build
    keys = store.keys(f"*{prefix}*")
    if keys:
        store.delete(*keys)


def test_redis_blocks_the_account_after_five_failures(redis_app):
    app, store, prefix = redis_app()
    add_users(app, "ada@example.org")

    failures = [attempt(app, "ada@example.org", WRONG) for _ in range(5)]

    assert failures == [401] * 5
    assert attempt(app, "ada@example.org") == 429
    assert store.keys(f"*{prefix}*")


def test_redis_keeps_the_counts_for_another_process(redis_app):
    first, _, _ = redis_app()
    add_users(first, "ada@example.org")
    for _ in range(5):
        attempt(first, "ada@example.org", WRONG)

    second, _, _ = redis_app()

    assert attempt(second, "ada@example.org") == 429


def test_redis_stores_the_account_address_and_pair_counters(redis_app):
    app, store, prefix = redis_app()
    add_users(app, "ada@example.org")

    attempt(app, "ada@example.org", WRONG)

    keys = [key.decode() for key in store.keys(f"*{prefix}*")]
    kinds = sorted(key.rsplit(":", 2)[-2] for key in keys)
    assert kinds == ["a", "i", "p"]
    # Addresses and e-mail addresses are kept as keyed digests only.
    # (Looked for after the random hex prefix, which may itself hold "ada".)
    stored = [key.split(prefix, 1)[1] for key in keys]
    assert not any("ada" in key or "127.0.0.1" in key for key in stored)


def test_redis_counts_leave_the_database_alone(redis_app):
    app, _, _ = redis_app()
    add_users(app, "ada@example.org")

    attempt(app, "ada@example.org", WRONG)

    with app.app_context():
        assert db.session.scalar(select(func.count(LoginFailure.id))) == 0
