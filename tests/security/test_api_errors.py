"""The API answers every error in JSON (500 included) and its OpenAPI document
declares what it refuses, with bodies shaped as it really sends them."""

import pytest

from tests.conftest import make_test_app, wipe_inventory


@pytest.fixture
def openapi(client):
    return client.get("/api/v1/openapi.json").json


def operations(openapi):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield path, method, operation


def test_every_operation_declares_nul_and_busy_refusals(openapi):
    for path, method, operation in operations(openapi):
        responses = operation["responses"]
        assert "400" in responses, (path, method)
        assert "503" in responses, (path, method)
        assert "Retry-After" in responses["503"]["headers"]


def test_filtered_lists_declare_the_unknown_country(openapi):
    filtered = [
        "/api/v1/institutions",
        "/api/v1/institutions.geojson",
        "/api/v1/search",
    ]
    for path in filtered:
        refused = openapi["paths"][path]["get"]["responses"]["422"]
        assert "country" in refused["description"], path
        example = refused["content"]["application/json"]["example"]
        assert "country" in example["errors"]["query"]


def test_detail_declares_not_found(openapi):
    responses = openapi["paths"]["/api/v1/institutions/{slug}"]["get"]["responses"]

    assert "404" in responses


def test_unknown_country_is_refused_as_documented(client, openapi):
    documented = openapi["paths"]["/api/v1/institutions"]["get"]["responses"]["422"]
    example = documented["content"]["application/json"]["example"]

    response = client.get("/api/v1/institutions?country=XX")

    assert response.status_code == 422
    assert response.json["errors"].keys() == example["errors"].keys()
    assert response.json["errors"]["query"].keys() == {"country"}
    assert "Unknown country code" in response.json["errors"]["query"]["country"][0]
    error_fields = set(openapi["components"]["schemas"]["Error"]["properties"])
    assert set(response.json) <= error_fields


def test_unknown_slug_is_json_with_the_error_fields(client, openapi):
    response = client.get("/api/v1/institutions/no-such-entry")

    assert response.status_code == 404
    assert response.json["code"] == 404
    assert response.json["status"] == "Not Found"
    assert set(response.json) <= set(
        openapi["components"]["schemas"]["Error"]["properties"]
    )


@pytest.fixture
def failing_app(database_url, tmp_path):
    """An application, run as in production (exceptions not propagated), with
    one API route and one page that fail."""
    app = make_test_app(database_url, tmp_path / "index", PROPAGATE_EXCEPTIONS=False)

    def fail():
        raise RuntimeError("a bug")

    app.add_url_rule("/api/v1/failing", "api_failing", fail)
    app.add_url_rule("/failing", "failing", fail)
    yield app
    wipe_inventory(app)


def test_a_bug_under_api_answers_json_500(failing_app):
    response = failing_app.test_client().get("/api/v1/failing")

    assert response.status_code == 500
    assert response.json == {"code": 500, "status": "Internal Server Error"}


def test_a_bug_on_a_page_answers_the_500_page(failing_app):
    response = failing_app.test_client().get("/failing")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
