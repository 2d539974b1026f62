"""Fixtures of the accounts tests."""

import pytest

from tests.conftest import make_test_app, wipe_inventory


@pytest.fixture
def build_app(database_url, tmp_path):
    """Factory: another application (another worker) on the same database,
    with these settings; wiped afterwards."""
    built = []

    def build(**settings):
        app = make_test_app(database_url, tmp_path / f"index{len(built)}", **settings)
        built.append(app)
        return app

    yield build
    for app in reversed(built):
        wipe_inventory(app)
