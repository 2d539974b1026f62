"""The /network download builds a whole file: each address may ask for a
limited number, as with every other export."""

import pytest

from tests.conftest import make_test_app, wipe_inventory


@pytest.fixture
def limited(database_url, tmp_path):
    """An application allowing two exports a minute per address."""
    app = make_test_app(database_url, tmp_path / "index", EXPORT_LIMIT_RATE="2/minute")
    yield app
    wipe_inventory(app)


def test_network_exports_beyond_the_limit_are_refused(limited):
    client = limited.test_client()
    statuses = [client.get("/network/export.csv").status_code for _ in range(2)]
    assert statuses == [200, 200]
    assert client.get("/network/export.xlsx").status_code == 429
    assert client.get("/network").status_code == 200
