"""Migrations build the schema from empty, match the models, and go down and up."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from config import TestConfig
from migratory import create_app
from migratory.extensions import db
from tests.conftest import (
    POSTGRES_URL,
    postgres_reachable,
    require_or_skip,
    scratch_postgres_database,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """An empty database of each kind, not touched by create_all()."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    require_or_skip(
        postgres_reachable(POSTGRES_URL),
        f"PostgreSQL is not reachable at {POSTGRES_URL}",
    )
    with scratch_postgres_database("migratory_migrations") as url:
        yield url


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(empty_database, tmp_path):
    app = create_app(TestConfig(empty_database, str(tmp_path / "index")))
    with app.app_context():
        upgrade()
        assert _tables() == set(db.metadata.tables)
        with db.engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection), db.metadata
            )
        assert differences == [], "models and migrations disagree"
        downgrade(revision="base")
        assert _tables() == set()
        upgrade()
        assert _tables() == set(db.metadata.tables)
        db.engine.dispose()
