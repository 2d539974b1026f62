"""Migration 0010 keeps the institution documents, keys them by (kind, id),
and goes down again without losing them; on SQLite and PostgreSQL."""

import shutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from config import TestConfig
from migratory import create_app
from migratory.extensions import db
from tests.conftest import (
    POSTGRES_URL,
    ROOT,
    postgres_reachable,
    require_or_skip,
    scratch_postgres_database,
)

BEFORE, AFTER = "0009_generic_records", "0010_search_kinds"
COUNTRY = (
    "INSERT INTO countries (iso2, iso3, m49, name_en, is_unece_member, is_speca) "
    "VALUES ('KZ', 'KAZ', '398', 'Kazakhstan', TRUE, TRUE)"
)
INSTITUTION = (
    "INSERT INTO institutions (id, slug, name, category, country_code, is_producer,"
    " is_user, status, version, is_synthetic, name_key, created, updated) VALUES"
    " ({id}, 'office-{id}', 'Office {id}', 'government', 'KZ', TRUE, FALSE,"
    " 'published', 1, FALSE, 'office {id}', :now, :now)"
)
# A document as the backend writes it (tsvectors as text literals).
DOCUMENT = (
    "INSERT INTO search_documents ({key}, document, suggest, spell, names_text,"
    " country, category, topics, roles, topic_mask, name_sort, country_sort,"
    " updated{extra}) VALUES ({values}, 'offic', 'off', 'office',"
    " 'office', {country}, 'government', '{{}}', '{{}}', 0, 'office', 'Kazakhstan',"
    " 1.5{extra_values})"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """An empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kinds.db'}"
        return
    require_or_skip(
        postgres_reachable(POSTGRES_URL),
        f"PostgreSQL is not reachable at {POSTGRES_URL}",
    )
    with scratch_postgres_database("migratory_kinds") as url:
        yield url


@pytest.fixture
def migrations(tmp_path):
    """The migrations up to this one (later ones may need other domains' work)."""
    directory = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", directory)
    for path in (directory / "versions").glob("*.py"):
        if path.name[:4].isdigit() and path.name[:4] > AFTER[:4]:
            path.unlink()
    return str(directory)


def _rows(sql: str) -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def _execute(*statements: str) -> None:
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), {"now": "2026-01-01 00:00:00"})


def _differences_from_the_model() -> list:
    """What autogenerate would change in search_documents to match the model."""
    with db.engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection), db.metadata
        )
    return [d for d in differences if "search_documents" in repr(d)]


def test_institution_documents_survive_up_and_down(database, migrations, tmp_path):
    app = create_app(TestConfig(database, str(tmp_path / "index")))
    with app.app_context():
        upgrade(directory=migrations, revision=BEFORE)
        _execute(
            COUNTRY,
            INSTITUTION.format(id=1),
            INSTITUTION.format(id=2),
            *(
                DOCUMENT.format(
                    key="institution_id",
                    values=i,
                    country="'KZ'",
                    extra="",
                    extra_values="",
                )
                for i in (1, 2)
            ),
        )
        upgrade(directory=migrations, revision=AFTER)
        assert _rows(
            "SELECT kind, record_id, country, updated FROM search_documents "
            "ORDER BY record_id"
        ) == [("institution", 1, "KZ", 1.5), ("institution", 2, "KZ", 1.5)]
        primary_key = inspect(db.engine).get_pk_constraint("search_documents")
        assert primary_key["constrained_columns"] == ["kind", "record_id"]
        assert _differences_from_the_model() == []
        # Another kind's document with the same id, and one without a country.
        _execute(
            DOCUMENT.format(
                key="kind, record_id",
                values="'link', 1",
                country="NULL",
                extra=", facets",
                extra_values=", '{flow=census}'",
            )
        )
        assert len(_rows("SELECT * FROM search_documents")) == 3

        downgrade(directory=migrations, revision=BEFORE)
        assert _rows(
            "SELECT institution_id, country FROM search_documents "
            "ORDER BY institution_id"
        ) == [(1, "KZ"), (2, "KZ")]
        foreign_keys = inspect(db.engine).get_foreign_keys("search_documents")
        assert [fk["referred_table"] for fk in foreign_keys] == ["institutions"]
        upgrade(directory=migrations, revision=AFTER)
        assert len(_rows("SELECT * FROM search_documents")) == 2
        db.engine.dispose()
