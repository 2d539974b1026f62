"""No 500 from hostile input on any route: NUL bytes in paths, filters and
forms, and numbers too large for the database, anonymous and signed in, on
SQLite and PostgreSQL. Errors under /api/ are JSON; 405 carries Allow."""

import re

import pytest

from tests.conftest import Auth

HUGE = "99999999999999999999999"
PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
HOSTILE_QUERY = (
    f"?page={HUGE}&per_page={HUGE}&country=%00&region=%00&q=%00"
    "&category=%00&sort=%00&near=%00&action=%00&lang=%00"
)
BENIGN = {"int": "1", "default": "kz", "path": "x"}


def build_path(rule, hostile: bool) -> str:
    """The rule's path with every parameter filled, hostile or benign."""

    def fill(match):
        converter = match[1] or "default"
        if not hostile:
            return BENIGN.get(converter, "x")
        return HUGE if converter == "int" else "a%00b"

    return PARAMETER.sub(fill, rule.rule)


def requests_to_try(app):
    """(method, url) for every route: hostile path, then hostile query."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            has_parameters = bool(rule.arguments)
            if has_parameters:
                yield method, build_path(rule, hostile=True)
            yield method, build_path(rule, hostile=False) + HOSTILE_QUERY


def check(client, method, url) -> list[str]:
    """What is wrong with the answer to a hostile request, if anything."""
    form = {"name": "x\x00y", "email": "a\x00@example.org", "q": "\x00"}
    response = client.open(url, method=method, data=form if method != "GET" else None)
    problems = []
    if response.status_code >= 500:
        problems.append(f"{method} {url}: {response.status_code}")
    if url.startswith("/api/") and response.status_code >= 400:
        if not response.is_json:
            problems.append(f"{method} {url}: {response.mimetype}, not JSON")
    if response.status_code == 405 and "Allow" not in response.headers:
        problems.append(f"{method} {url}: 405 without Allow")
    return problems


@pytest.fixture
def secretariat_client(app, make_user):
    make_user("sec@example.org", role="secretariat")
    client = app.test_client()
    assert Auth(client).login("sec@example.org").status_code == 302
    return client


def test_no_route_answers_500_to_an_anonymous_visitor(app, client, make_institution):
    make_institution()

    problems = [p for m, u in requests_to_try(app) for p in check(client, m, u)]

    assert problems == []


def test_no_route_answers_500_to_a_signed_in_secretariat(
    app, secretariat_client, make_institution
):
    make_institution()

    problems = [
        p for m, u in requests_to_try(app) for p in check(secretariat_client, m, u)
    ]

    assert problems == []


@pytest.mark.parametrize(
    "url",
    [
        "/institutions?country=%00",
        "/institutions?q=%00",
        "/institutions/%00",
        "/institutions/a%00b",
        "/api/v1/institutions?country=%00",
        "/api/v1/institutions?q=%00",
        "/api/v1/institutions.geojson?region=%00",
        "/api/v1/search?q=%00",
        "/api/v1/search/suggest?q=%00",
        "/api/v1/institutions/%00",
    ],
)
def test_nul_bytes_are_a_bad_request(client, url):
    response = client.get(url)

    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json["code"] == 400
        assert "NUL" in response.json["message"]


def test_nul_byte_in_a_sign_in_form_is_a_bad_request(app, client, make_user):
    make_user("ada@example.org")

    response = Auth(client).login("ada\x00@example.org")

    assert response.status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        f"/secretariat/proposals/{HUGE}",
        f"/secretariat/users/{HUGE}",
        "/secretariat/proposals/9223372036854775808",
    ],
)
def test_huge_ids_are_not_found(secretariat_client, url):
    assert secretariat_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url", [f"/secretariat/audit?page={HUGE}", f"/institutions?page={HUGE}"]
)
def test_huge_page_numbers_are_no_server_error(secretariat_client, url):
    assert secretariat_client.get(url).status_code in (200, 400, 404)


def test_huge_page_number_in_the_api_is_refused_as_json(client):
    response = client.get(f"/api/v1/institutions?page={HUGE}")

    assert response.status_code == 422
    assert "page" in response.json["errors"]["query"]


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("DELETE", "/institutions", {"GET"}),
        ("POST", "/api/v1/institutions", {"GET"}),
        ("PUT", "/api/v1/search", {"GET"}),
        ("GET", "/auth/logout", {"POST"}),
    ],
)
def test_405_says_what_is_allowed(client, method, url, allowed):
    response = client.open(url, method=method)

    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
    if url.startswith("/api/"):
        assert response.is_json
        assert response.json["code"] == 405


def test_unknown_api_path_is_json(client):
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.json == {
        "code": 404,
        "status": "Not Found",
        "message": response.json["message"],
    }
