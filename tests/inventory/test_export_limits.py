"""Exports build whole files: each address may ask for a limited number."""

import pytest

from tests.conftest import make_test_app, wipe_inventory


@pytest.fixture
def limited(database_url, tmp_path):
    """An application allowing two exports a minute per address."""
    app = make_test_app(database_url, tmp_path / "index", EXPORT_LIMIT_RATE="2/minute")
    yield app
    wipe_inventory(app)


def test_exports_beyond_the_limit_are_refused_with_an_explanation(limited):
    client = limited.test_client()

    statuses = [client.get("/institutions/export.csv").status_code for _ in range(2)]
    refused = client.get("/institutions/export.json")

    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)


def test_the_export_limit_leaves_browsing_alone(limited):
    client = limited.test_client()
    for _ in range(3):
        client.get("/institutions/export.csv")

    assert client.get("/institutions").status_code == 200
    assert client.get("/api/v1/institutions").status_code == 200


def test_another_address_may_still_export(limited):
    for _ in range(3):
        limited.test_client().get("/institutions/export.csv")

    other = limited.test_client().get(
        "/institutions/export.csv", environ_base={"REMOTE_ADDR": "192.0.2.7"}
    )

    assert other.status_code == 200
