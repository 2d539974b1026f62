"""Migration 0012 goes down without leaving the search documents of links
and data sources behind (their tables are gone); institutions' documents
stay. On SQLite and PostgreSQL."""

import shutil

import pytest
from flask_migrate import downgrade, upgrade

from config import TestConfig
from migratory import create_app
from tests.conftest import ROOT
from tests.search.test_kinds_migration import (  # noqa: F401 (fixture)
    COUNTRY,
    DOCUMENT,
    INSTITUTION,
    _execute,
    _rows,
    database,
)

BEFORE, AFTER = "0011_network_roles", "0012_network_records"


@pytest.fixture
def migrations(tmp_path):
    """The migrations up to 0012 (later ones may need other domains' work)."""
    directory = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", directory)
    for path in (directory / "versions").glob("*.py"):
        if path.name[:4].isdigit() and path.name[:4] > AFTER[:4]:
            path.unlink()
    return str(directory)


def _document(kind: str, ident: int) -> str:
    return DOCUMENT.format(
        key="kind, record_id",
        values=f"'{kind}', {ident}",
        country="'KZ'",
        extra=", facets",
        extra_values=", '{}'",
    )


def test_downgrade_removes_the_network_documents(database, migrations, tmp_path):  # noqa: F811
    app = create_app(TestConfig(database, str(tmp_path / "index")))
    with app.app_context():
        upgrade(directory=migrations, revision=AFTER)
        _execute(
            COUNTRY,
            INSTITUTION.format(id=1),
            _document("institution", 1),
            _document("link", 1),
            _document("data_source", 1),
        )
        assert len(_rows("SELECT kind FROM search_documents")) == 3
        downgrade(directory=migrations, revision=BEFORE)
        assert _rows("SELECT kind, record_id FROM search_documents") == [
            ("institution", 1)
        ]
