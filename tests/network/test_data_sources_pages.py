"""Finding data sources: the list's filters, its CSV and XLSX downloads (the
same rows as the list), the API, the institution and country pages' panels,
and search. The data is read only: built once per database."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.conftest import make_test_app, wipe_inventory
from tests.moderation import table
from tests.network.data_source_helpers import add_data_source, build_network

FORMULA = '=HYPERLINK("https://evil.example","x")'


@pytest.fixture(scope="module")
def site(database_url, tmp_path_factory):
    """Data sources of KZ (two), UZ, an international one of CH, and an
    archived KZ one; (app, institution slugs, data source slugs)."""
    app = make_test_app(database_url, tmp_path_factory.mktemp("data-source-index"))
    slugs = build_network(app)
    made = {
        "kz_census": add_data_source(app, slugs),
        "kz_permits": add_data_source(
            app,
            slugs,
            name="Work permits register",
            names=[],
            type="permits",
            institution="kz-interior",
            coverage=["labour-migration"],
            periodicity="continuous",
        ),
        "uz_census": add_data_source(
            app,
            slugs,
            name="Population census of Uzbekistan",
            names=[],
            institution="uz-stat",
            publication=FORMULA,
        ),
        "ch_survey": add_data_source(
            app,
            slugs,
            name="Survey of migrant households",
            names=[],
            type="household-survey",
            institution="intl-org",
            access="on-request",
            access_url=None,
        ),
        "kz_archived": add_data_source(
            app,
            slugs,
            name="Old border register",
            type="border-crossings",
            status="archived",
        ),
    }
    yield app, slugs, made
    wipe_inventory(app)


def listed(client, query: str = "") -> list[str]:
    """Slugs of the list page's rows for this query string, in order."""
    page = client.get(f"/data-sources?{query}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = table(html, "data-sources") if 'id="data-sources"' in html else []
    slugs = [s for s in html.split('data-slug="')[1:]]
    assert len(slugs) == len(rows)
    return [s.split('"')[0] for s in slugs]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["kz_census", "uz_census", "ch_survey", "kz_permits"]),
        ("country=KZ", ["kz_census", "kz_permits"]),
        ("country=kz&type=permits", ["kz_permits"]),
        ("region=speca", ["kz_census", "uz_census", "kz_permits"]),
        ("type=census", ["kz_census", "uz_census"]),
        ("q=census+Kazakhstan", ["kz_census"]),
        ("q=перепись+Казахстан", ["kz_census"]),
        ("q=labour+migration&country=KZ", ["kz_permits"]),
        ("q=census&region=speca&type=census", ["kz_census", "uz_census"]),
    ],
)
def test_list_filters(site, query, expected):
    app, _, made = site
    found = listed(app.test_client(), query)
    if query.startswith("q="):
        assert sorted(found) == sorted(made[k] for k in expected)
    else:
        assert found == [made[k] for k in expected]  # by name


def test_a_refused_filter_is_explained_and_the_others_apply(site):
    app, _, made = site
    client = app.test_client()
    page = client.get("/data-sources?country=XX&type=census").get_data(as_text=True)
    assert "Unknown country code &#39;XX&#39;." in page
    assert listed(client, "country=XX&type=census") == [
        made["kz_census"],
        made["uz_census"],
    ]


def _csv_slugs(body: bytes) -> tuple[list[str], list[dict]]:
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    return [r["slug"] for r in rows], rows


def _xlsx_slugs(body: bytes) -> tuple[list[str], list[dict]]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    header, *values = list(sheet.iter_rows(values_only=True))
    rows = [dict(zip(header, v, strict=True)) for v in values]
    return [r["slug"] for r in rows], rows


@pytest.mark.parametrize(
    "query", ["", "country=KZ", "region=speca&type=census", "q=census+Kazakhstan"]
)
def test_exports_hold_the_rows_of_the_list(site, query):
    app, _, _ = site
    client = app.test_client()
    shown = listed(client, query)
    for fmt, read in (("csv", _csv_slugs), ("xlsx", _xlsx_slugs)):
        response = client.get(f"/data-sources/export.{fmt}?{query}")
        assert response.status_code == 200
        assert f"data-sources.{fmt}" in response.headers["Content-Disposition"]
        assert read(response.data)[0] == shown, fmt


def test_exports_carry_codes_and_defuse_formulas(site):
    app, slugs, made = site
    client = app.test_client()
    for fmt, read in (("csv", _csv_slugs), ("xlsx", _xlsx_slugs)):
        body = client.get(f"/data-sources/export.{fmt}?type=census").data
        rows = {r["slug"]: r for r in read(body)[1]}
        census = rows[made["kz_census"]]
        assert census["type"] == "census"
        assert census["institution"] == slugs["kz-stat"]
        assert census["country"] == "KZ"
        assert census["coverage"] == "citizenship;country-of-birth;stocks"
        assert rows[made["uz_census"]]["publication"] == "'" + FORMULA
        assessed = census["quality_assessed"]
        assert str(assessed)[:10] == "2023-05-01"  # a date cell in XLSX
    assert client.get("/data-sources/export.pdf").status_code == 404


def test_api_lists_filters_and_pages(site):
    app, slugs, made = site
    client = app.test_client()
    body = client.get("/api/v1/data-sources?country=KZ&per_page=1").get_json()
    assert (body["total"], body["page"], body["per_page"]) == (2, 1, 1)
    assert "page=2" in body["next"]
    [first] = body["results"]
    assert first["slug"] == made["kz_census"]
    assert first["institution"]["slug"] == slugs["kz-stat"]
    assert first["type"] == "census" and first["country"] == "KZ"
    assert first["quality_assessed"] == "2023-05-01"
    assert not {"status", "version", "id"} & set(first)
    second = client.get(body["next"]).get_json()
    assert [r["slug"] for r in second["results"]] == [made["kz_permits"]]
    assert second["next"] is None
    region = client.get("/api/v1/data-sources?region=speca&type=census").get_json()
    assert region["total"] == 2


def test_api_refuses_bad_filters_and_hides_archived(site):
    app, _, made = site
    client = app.test_client()
    response = client.get("/api/v1/data-sources?type=weather")
    assert response.status_code == 422
    assert "type" in response.get_json()["errors"]["query"]
    assert client.get("/api/v1/data-sources?region=nowhere").status_code == 422
    one = client.get(f"/api/v1/data-sources/{made['ch_survey']}").get_json()
    assert (one["country"], one["access"], one["access_url"]) == (
        "CH",
        "on-request",
        None,
    )
    assert client.get(f"/api/v1/data-sources/{made['kz_archived']}").status_code == 404
    assert client.get("/api/v1/data-sources/no-such-source").status_code == 404


def test_institution_page_lists_the_data_sources_it_produces(site):
    app, slugs, made = site
    client = app.test_client()
    page = client.get(f"/institutions/{slugs['kz-stat']}").get_data(as_text=True)
    panel = page.split('id="data-sources-panel"')[1]
    assert made["kz_census"] in panel
    assert made["kz_permits"] not in panel
    assert made["kz_archived"] not in panel  # archived: not listed
    page = client.get(f"/institutions/{slugs['uz-stat']}").get_data(as_text=True)
    assert made["uz_census"] in page.split('id="data-sources-panel"')[1]


def test_country_page_lists_its_data_sources_by_type(site):
    app, _, made = site
    page = app.test_client().get("/countries/KZ").get_data(as_text=True)
    panel = page.split('id="data-sources-panel"')[1]
    census = panel.index('id="data-sources-census"')
    permits = panel.index('id="data-sources-permits"')
    assert census < panel.index(made["kz_census"]) < permits
    assert permits < panel.index(made["kz_permits"])
    assert "Population census" in panel and "Residence and work permits" in panel
    assert made["uz_census"] not in panel
    assert made["kz_archived"] not in panel and "border-crossings" not in panel
    empty = app.test_client().get("/countries/GE").get_data(as_text=True)
    assert "No data source recorded for this country yet." in empty


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("census Kazakhstan", ["kz_census"]),
        ("Kazakhstan census", ["kz_census"]),
        ("перепись Казахстан", ["kz_census"]),
        ("census", ["kz_census", "uz_census"]),
        ("work permits", ["kz_permits"]),
        ("KZ Ministry of Internal Affairs", ["kz_permits"]),
        ("household survey", ["ch_survey"]),
        ("old border", []),  # archived
    ],
)
def test_search_finds_published_data_sources(site, words, expected):
    from migratory.search.kind_search import search_all_kinds, search_kind

    app, _, made = site
    with app.test_request_context():
        found = search_kind("data_source", words)
        assert sorted(h.url.rsplit("/", 1)[1] for h in found.hits) == sorted(
            made[k] for k in expected
        )
        kinds = {r.kind for r in search_all_kinds(words)}
    assert ("data_source" in kinds) == bool(expected)
