"""A locked SQLite database (a long import holding the write lock) answers 503
with a retry message, as a page or as JSON under /api/, never a 500."""

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import select, update

from migratory.accounts.models import User
from migratory.extensions import csrf, db
from tests.conftest import PASSWORD, Auth, make_test_app, wipe_inventory


@pytest.fixture
def busy_app(sqlite_url, tmp_path):
    """An application on the SQLite file that gives up on a lock quickly, with
    one API route that writes."""
    app = make_test_app(
        sqlite_url,
        tmp_path / "index",
        SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.2}},
        SQLITE_BUSY_TIMEOUT=0.2,
    )

    def rename_everyone():
        db.session.execute(update(User).values(name="Renamed"))
        db.session.commit()
        return {"done": True}

    app.add_url_rule(
        "/api/v1/test-rename", "test_rename", rename_everyone, methods=["POST"]
    )
    csrf.exempt(rename_everyone)  # like the rest of the API
    yield app
    wipe_inventory(app)


@contextmanager
def write_lock(sqlite_url):
    """Another process's transaction holding the database's write lock."""
    connection = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        connection.rollback()
        connection.close()


def add_user(app):
    from migratory.accounts.services import create_user

    with app.app_context():
        create_user("ada@example.org", "member", PASSWORD)


def test_sign_in_on_a_locked_database_asks_to_retry(busy_app, sqlite_url):
    add_user(busy_app)
    client = busy_app.test_client()
    auth = Auth(client)

    with write_lock(sqlite_url):
        response = auth.login("ada@example.org")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "try again in a few seconds" in page
    # Once the lock is gone, the same sign-in works.
    assert auth.login("ada@example.org").status_code == 302


def test_api_write_on_a_locked_database_answers_json_503(busy_app, sqlite_url):
    add_user(busy_app)
    client = busy_app.test_client()

    with write_lock(sqlite_url):
        response = client.post("/api/v1/test-rename")

    assert response.status_code == 503
    assert response.is_json
    assert response.json["code"] == 503
    assert response.json["status"] == "Service Unavailable"
    assert "try again" in response.json["message"]
    assert "Retry-After" in response.headers
    with busy_app.app_context():
        assert db.session.scalar(select(User.name)) != "Renamed"


def test_other_database_errors_stay_server_errors(busy_app):
    """Only a lock is worth a retry; a real fault is still a 500 (and logged)."""
    from sqlalchemy.exc import OperationalError

    def broken():
        db.session.execute(select(db.text("no_such_column")))

    busy_app.add_url_rule("/test-broken", "test_broken", broken)

    with pytest.raises(OperationalError):
        busy_app.test_client().get("/test-broken")
