"""One way to find institutions: the list page, the API, the GeoJSON and the
CSV/XLSX exports find the same institutions for the same filters."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from migratory.inventory.services import create_institution
from migratory.search.finder import (
    FoundPage,
    InstitutionFilters,
    find_institutions,
    found_ids,
    iter_found,
)
from tests.conftest import institution_payload

# Real cities: Almaty-Bishkek ~195 km, Almaty-Tashkent ~670 km,
# Almaty-Astana ~970 km, Geneva-Berlin ~880 km.
PUBLISHED = {
    "AMS": dict(
        name="Agency for Migration Statistics",
        category="government",
        city="Almaty",
        country="KZ",
        latitude=43.2389,
        longitude=76.8897,
        topics=["migration-statistics"],
        roles=["producer"],
    ),
    "TID": dict(
        name="Tashkent Institute of Demography",
        category="academic",
        city="Tashkent",
        country="UZ",
        latitude=41.2995,
        longitude=69.2401,
        topics=["population-census"],
        roles=["user"],
    ),
    "BMF": dict(
        name="Berlin Migration Forum",
        category="non-profit",
        city="Berlin",
        country="DE",
        latitude=52.52,
        longitude=13.405,
        topics=["asylum-refugees"],
        roles=["user"],
    ),
    "GOR": dict(
        name="Geneva Office for Refugees",
        category="international",
        city="Geneva",
        country="CH",
        latitude=46.2044,
        longitude=6.1432,
        topics=["asylum-refugees", "migration-statistics"],
        roles=["producer", "user"],
    ),
    "BLM": dict(
        name="Bishkek Labour Migration Centre",
        category="government",
        city="Bishkek",
        country="KG",
        latitude=42.87,
        longitude=74.59,
        topics=["labour-migration"],
        roles=["producer"],
    ),
    "ARO": dict(
        name="Astana Remittance Observatory",
        category="non-profit",
        city="Astana",
        country="KZ",
        latitude=51.1694,
        longitude=71.4491,
        topics=["remittances"],
        roles=[],
    ),
}
# Not published, and matching most filters: a leak would show.
HIDDEN = {
    "DMA": dict(name="Draft Migration Agency", city="Almaty", status="draft"),
    "AMI": dict(name="Archived Migration Institute", city="Almaty", status="archived"),
}

# filters -> the acronyms found (in the order the list shows them, where the
# order is certain: by name, or nearest first)
CASES = [
    pytest.param({}, ["AMS", "ARO", "BMF", "BLM", "GOR", "TID"], id="plain"),
    pytest.param({"sort": "country"}, None, id="plain-by-country"),
    pytest.param({"country": ["KZ", "UZ"]}, ["AMS", "ARO", "TID"], id="countries"),
    pytest.param({"region": "eu-efta", "role": "producer"}, ["GOR"], id="region"),
    pytest.param({"category": "government"}, ["AMS", "BLM"], id="category"),
    pytest.param({"topic": "asylum-refugees"}, ["BMF", "GOR"], id="topic"),
    pytest.param({"q": "Tashkent"}, ["TID"], id="words"),
    pytest.param({"q": "forum"}, ["BMF"], id="word-in-name"),
    pytest.param({"q": "migration"}, None, id="words-many"),
    pytest.param({"q": "migration", "country": "KZ"}, ["AMS"], id="words-facets"),
    pytest.param({"q": "nothingmatchesthis"}, [], id="words-none"),
    pytest.param({"near": "Almaty", "radius_km": 300}, ["AMS", "BLM"], id="near"),
    pytest.param(
        {"near": "Almaty", "radius_km": 800}, ["AMS", "BLM", "TID"], id="near-800"
    ),
    pytest.param(
        {"near": "Almaty", "radius_km": 800, "country": "KZ"}, ["AMS"], id="near-facet"
    ),
    pytest.param(
        {"near": "Almaty", "radius_km": 800, "q": "Tashkent"}, ["TID"], id="near-words"
    ),
    pytest.param({"near": "46.2, 6.14", "radius_km": 1000}, ["GOR", "BMF"], id="xy"),
]


@pytest.fixture
def inventory(app, make_institution) -> dict[str, str]:
    """The institutions above; acronym -> slug."""
    slugs = {}
    for acronym, spec in {**PUBLISHED, **HIDDEN}.items():
        slugs[acronym] = make_institution(
            acronym=acronym,
            names=[],
            summary=None,
            website=f"https://{acronym.lower()}.example.org",
            **spec,
        )
    return slugs


def list_page_slugs(client, filters: dict) -> list[str]:
    """Slugs of the list page's results, in order (all on one page)."""
    page = client.get("/institutions", query_string={**filters, "per_page": 100})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    total = int(re.search(r'id="result-count">(\d+)<', html)[1])
    results = html.split('id="results"', 1)[1].split("</ul>", 1)[0] if total else ""
    slugs = re.findall(r'<a class="fw-semibold" href="/institutions/([^"]+)"', results)
    assert len(slugs) == total
    return slugs


def api_slugs(client, filters: dict) -> list[str]:
    """Slugs of the API's results, in order."""
    body = client.get(
        "/api/v1/institutions", query_string={**filters, "per_page": 100}
    ).get_json()
    assert body["total"] == len(body["results"]) and body["next"] is None
    return [record["slug"] for record in body["results"]]


def geojson_slugs(client, filters: dict) -> list[str]:
    """Slugs of the map's points (by name)."""
    response = client.get("/api/v1/institutions.geojson", query_string=filters)
    assert response.status_code == 200
    return [f["properties"]["slug"] for f in response.get_json()["features"]]


def export_slugs(client, filters: dict, fmt: str) -> list[str]:
    """Slugs of a CSV or XLSX download, in order."""
    response = client.get(f"/institutions/export.{fmt}", query_string=filters)
    assert response.status_code == 200
    if fmt == "csv":
        rows = csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")))
        return [row["slug"] for row in rows]
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [row[header.index("slug")] for row in rows]


@pytest.mark.parametrize(("filters", "expected"), CASES)
def test_every_consumer_finds_the_same_institutions(
    app, client, inventory, filters, expected
):
    listed = list_page_slugs(client, filters)
    by_slug = {slug: acronym for acronym, slug in inventory.items()}

    with app.test_request_context():
        wanted = InstitutionFilters.from_mapping(filters)
        exported = [i.slug for i in iter_found(wanted)]
    # Downloads keep the list's order, except that a plain list's sort is not
    # theirs: they come by name.
    in_order = listed if "sort" not in filters else sorted(listed, key=exported.index)
    assert api_slugs(client, filters) == listed
    assert exported == in_order
    assert export_slugs(client, filters, "csv") == in_order
    assert export_slugs(client, filters, "xlsx") == in_order
    assert sorted(geojson_slugs(client, filters)) == sorted(listed)
    if expected is not None:
        assert [by_slug[slug] for slug in listed] == expected
    assert not {"DMA", "AMI"} & {by_slug[slug] for slug in listed}


@pytest.mark.parametrize(
    "filters",
    [
        {"q": "migration"},
        {"q": "migration", "country": "KZ"},
        {"q": "Tashkent", "near": "Almaty", "radius_km": 800},
    ],
    ids=["words", "words-facets", "near-words"],
)
def test_every_search_backend_agrees_with_itself(search_ctx, filters):
    """On Whoosh and PostgreSQL full-text search alike."""
    for acronym, spec in {**PUBLISHED, **HIDDEN}.items():
        payload = institution_payload(
            acronym=acronym, names=[], summary=None, website=None, **spec
        )
        create_institution(payload)
    client = search_ctx.test_client()

    listed = list_page_slugs(client, filters)

    assert listed
    assert api_slugs(client, filters) == listed
    assert export_slugs(client, filters, "csv") == listed
    assert sorted(geojson_slugs(client, filters)) == sorted(listed)


def test_the_map_lists_by_name_whatever_the_order_of_the_list(client, inventory):
    near = {"near": "Almaty", "radius_km": 800}
    names = {slug: acronym for acronym, slug in inventory.items()}

    assert [names[s] for s in list_page_slugs(client, near)] == ["AMS", "BLM", "TID"]
    assert [names[s] for s in geojson_slugs(client, near)] == ["AMS", "BLM", "TID"]
    by_country = list_page_slugs(client, {"sort": "country"})
    assert [names[s] for s in by_country][:2] == ["BMF", "AMS"]  # Germany, Kazakhstan


def test_an_unknown_place_is_refused_by_the_api_and_explained_on_the_page(
    client, inventory
):
    filters = {"near": "Nowhereville", "category": "government"}

    assert client.get("/api/v1/institutions", query_string=filters).status_code == 422
    geojson = client.get("/api/v1/institutions.geojson", query_string=filters)
    assert geojson.status_code == 422
    page = client.get("/institutions", query_string=filters).get_data(as_text=True)
    assert "No city called" in page
    assert len(list_page_slugs(client, filters)) == 2  # the category still applies


def test_pages_of_each_way_add_up_to_what_is_found(ctx, inventory):
    for filters in (
        {},
        {"q": "migration"},
        {"near": "Almaty", "radius_km": 5000},
        {"country": ["KZ", "KG"]},
    ):
        wanted = InstitutionFilters.from_mapping(filters)
        first = find_institutions(wanted, page=1, per_page=2)
        pages = [first] + [
            find_institutions(wanted, page=n, per_page=2)
            for n in range(2, first.pages + 1)
        ]
        seen = [i.slug for found in pages for i in found.institutions]
        assert seen == [i.slug for i in iter_found(wanted)], filters
        assert first.total == len(seen) and len(set(seen)) == len(seen)
        assert [found.has_next for found in pages][-1] is False


def test_what_each_way_brings_besides_the_institutions(ctx, inventory):
    near = find_institutions(InstitutionFilters(near="Almaty", radius_km=300))
    assert near.place.label.startswith("Almaty") and near.radius_km == 300
    assert near.search is None and near.snippets == [None, None]
    assert 0 < near.distances_km[0] < 10 < 150 < near.distances_km[1] < 250

    searched = find_institutions(InstitutionFilters(q="Geneva"))
    assert searched.search is not None and searched.search.facets["country"]
    assert searched.place is None and searched.distances_km == [None]
    assert [row[0].acronym for row in searched.rows] == ["GOR"]

    listed = find_institutions(InstitutionFilters(), page=9, per_page=5)
    assert (listed.total, listed.institutions, listed.pages) == (6, [], 2)
    assert not listed.has_next


def test_filters_from_the_query_string_and_back(ctx):
    wanted = InstitutionFilters.from_mapping(
        {"q": " ", "country": "KZ", "region": [], "radius_km": 50.0, "page": 3}
    )

    assert wanted == InstitutionFilters(q=" ", country=("KZ",), radius_km=50.0)
    assert not wanted.has_words and wanted.radius == 50
    assert wanted.as_dict() == {"q": " ", "country": ["KZ"], "radius_km": 50.0}
    assert InstitutionFilters().radius == 200
    assert found_ids(InstitutionFilters(country=("KZ",))) is None  # facets decide
    assert isinstance(find_institutions(wanted), FoundPage)
