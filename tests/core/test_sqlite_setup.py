"""SQLite connections use a write-ahead log and wait for locks instead of failing."""

import sqlite3

import pytest
from sqlalchemy import make_url, text

from migratory.extensions import db
from migratory.inventory.services import create_institution
from tests.conftest import institution_payload, make_test_app, wipe_inventory


@pytest.fixture
def sqlite_app(sqlite_url, tmp_path):
    app = make_test_app(sqlite_url, tmp_path / "index", SQLITE_BUSY_TIMEOUT=7)
    yield app
    wipe_inventory(app)


def test_every_connection_has_wal_and_the_busy_timeout(sqlite_app):
    with sqlite_app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 7000


def test_a_save_commits_while_another_connection_reads(sqlite_app, sqlite_url):
    """A long read (an export, an import's validation) held a shared lock that
    made saves fail with "database is locked" in the rollback-journal mode."""
    reader = sqlite3.connect(make_url(sqlite_url).database, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM institutions").fetchall()
        with sqlite_app.app_context():
            slug = create_institution(institution_payload()).slug
        assert reader.execute("SELECT count(*) FROM institutions").fetchone() == (0,)
        reader.execute("COMMIT")
        assert reader.execute(
            "SELECT count(*) FROM institutions WHERE slug = ?", (slug,)
        ).fetchone() == (1,)
    finally:
        reader.close()
