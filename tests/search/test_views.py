"""The search page, the search API and autocomplete, on every backend."""

import re

import pytest

from migratory.inventory.services import create_institution
from tests.conftest import institution_payload


@pytest.fixture
def inventory(search_ctx):
    """Three institutions, two of them about remittances."""
    for number, (name, country, summary) in enumerate(
        [
            ("Remittance Observatory", "KZ", "Tracks money sent home by migrants."),
            ("Bank of Remittances", "UZ", "Central bank statistics on remittances."),
            ("Refugee Council", "DE", "Supports refugees and asylum seekers."),
        ]
    ):
        create_institution(
            institution_payload(
                name=name,
                country=country,
                summary=summary,
                acronym=None,
                names=[],
                website=f"https://s{number}.example.org",
                topics=["remittances"] if "Remitt" in name else ["asylum-refugees"],
            )
        )


def test_search_page_ranks_highlights_and_facets(search_app, inventory):
    page = search_app.test_client().get("/institutions?q=remittances")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'id="result-count">2<', html)
    assert "<mark>remittances</mark>" in html  # the matched word, highlighted
    facets = re.search(r'id="facets"(.*?)</form>', html, re.S).group(1)
    assert 'data-value="KZ"' in facets and 'data-value="UZ"' in facets
    assert 'data-value="DE"' not in facets
    # Checkboxes of the search's form: several values of a facet combine.
    assert 'name="country" value="KZ"' in facets


def test_facet_link_narrows_the_search(search_app, inventory):
    html = (
        search_app.test_client()
        .get("/institutions?q=remittances&country=UZ")
        .get_data(as_text=True)
    )
    assert re.search(r'id="result-count">1<', html)
    assert "Bank of Remittances" in html and "Remittance Observatory" not in html


def test_did_you_mean_is_offered(search_app, inventory):
    html = (
        search_app.test_client()
        .get("/institutions?q=refugess+zzzyyq&country=UZ")
        .get_data(as_text=True)
    )
    assert 'id="did-you-mean"' in html
    assert "refugees zzzyyq" in html


def test_search_api_shape(search_app, inventory):
    body = search_app.test_client().get("/api/v1/search?q=remittance").json
    assert body["total"] == 2 and body["page"] == 1
    first = body["results"][0]
    assert set(first) == {
        "slug",
        "name",
        "acronym",
        "country",
        "category",
        "score",
        "snippet",
    }
    assert first["score"] > 0
    assert set(body["facets"]) == {"category", "country", "region", "topic"}
    assert body["facets"]["country"] == {"KZ": 1, "UZ": 1}
    assert body["facets"]["topic"] == {"remittances": 2}


def test_search_api_exports_what_was_found(search_app, inventory):
    response = search_app.test_client().get("/institutions/export.json?q=remittances")
    assert {entry["name"] for entry in response.json} == {
        "Remittance Observatory",
        "Bank of Remittances",
    }


def test_suggest_endpoint(search_app, inventory):
    body = search_app.test_client().get("/api/v1/search/suggest?q=rem").json
    assert {entry["name"] for entry in body} == {
        "Remittance Observatory",
        "Bank of Remittances",
    }
    assert all(entry["url"].startswith("/institutions/") for entry in body)
    assert (
        search_app.test_client().get("/api/v1/search/suggest?q=r&limit=11").status_code
        == 422
    )


def test_search_box_wires_autocomplete_without_inline_script(search_app, inventory):
    html = search_app.test_client().get("/institutions").get_data(as_text=True)
    assert 'data-suggest="/api/v1/search/suggest"' in html
    assert re.search(r'<script src="/static/js/suggest.js', html)
    assert "<script>" not in html
