"""Search tests run against every backend: Whoosh on both databases, PostgreSQL."""

import pytest

from migratory.extensions import db
from migratory.inventory.seeding import load_institutions
from tests.conftest import make_test_app, wipe_inventory

BACKENDS = {
    "whoosh-sqlite": ("sqlite_url", "whoosh"),
    "whoosh-postgresql": ("postgresql_url", "whoosh"),
    "postgresql": ("postgresql_url", "postgresql"),
}


@pytest.fixture(params=list(BACKENDS))
def search_app(request, tmp_path):
    """An application on each search backend, with an empty inventory."""
    url_fixture, backend = BACKENDS[request.param]
    app = make_test_app(
        request.getfixturevalue(url_fixture), tmp_path / "index", SEARCH_BACKEND=backend
    )
    yield app
    wipe_inventory(app)


@pytest.fixture
def search_ctx(search_app):
    """An application context on each backend."""
    with search_app.app_context():
        yield search_app


@pytest.fixture(scope="module", params=list(BACKENDS))
def seeded_search_app(request, tmp_path_factory):
    """The real seed loaded and indexed once per module and backend (read-only)."""
    url_fixture, backend = BACKENDS[request.param]
    app = make_test_app(
        request.getfixturevalue(url_fixture),
        tmp_path_factory.mktemp("index"),
        SEARCH_BACKEND=backend,
    )
    with app.app_context():
        assert load_institutions().ok
        db.session.remove()
    yield app
    wipe_inventory(app)
