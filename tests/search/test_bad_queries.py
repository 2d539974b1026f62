"""Whatever people type, search answers 200 with a valid (maybe empty) result."""

import pytest

from migratory.inventory.services import create_institution
from tests.conftest import institution_payload

BAD_QUERIES = [
    '"unbalanced quote',
    "(unbalanced (parens",
    "AND",
    "OR NOT",
    "*",
    "~",
    "migration~2",
    "mig*",
    "name:foo",
    "[a TO z]",
    "x" * 10_000,
    "word " * 3_000,
    "\x01\x02 control \x7f",
    "'; DROP TABLE institutions; --",
    "1' OR '1'='1",
    "<script>alert(1)</script>",
    "%_%",
    "\\",
    "'",
    "''",
    ":*",
    "!!!",
    "🙂 emoji",
    "مهاجرت",
    "  ",
]


@pytest.fixture
def one_entry(search_ctx):
    create_institution(institution_payload())


@pytest.mark.parametrize("query", BAD_QUERIES, ids=range(len(BAD_QUERIES)))
def test_bad_queries_never_fail(search_app, one_entry, query):
    client = search_app.test_client()
    api = client.get("/api/v1/search", query_string={"q": query})
    assert api.status_code == 200, api.json
    body = api.json
    assert set(body) >= {"total", "page", "results", "facets"}
    assert body["total"] >= len(body["results"])
    page = client.get("/institutions", query_string={"q": query})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.get_data(as_text=True)
    suggest = client.get("/api/v1/search/suggest", query_string={"q": query})
    assert suggest.status_code == 200
    assert isinstance(suggest.json, list)


def test_a_nul_character_is_refused_with_400(search_app, one_entry):
    """NUL cannot reach PostgreSQL: refused with a message, never a 500."""
    client = search_app.test_client()
    for path in ("/api/v1/search", "/api/v1/search/suggest", "/institutions"):
        response = client.get(path, query_string={"q": "\x00 control"})
        assert response.status_code == 400, path


def test_bad_filters_are_422_on_the_api_not_500(search_app, one_entry):
    client = search_app.test_client()
    for args in (
        {"q": "x", "page": "abc"},
        {"q": "x", "category": "zzz"},
        {"q": "x", "per_page": "1000"},
        {"q": "x", "country": "ZZ"},
    ):
        response = client.get("/api/v1/search", query_string=args)
        assert response.status_code == 422
        assert response.json["errors"]
