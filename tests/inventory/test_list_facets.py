"""Facets with several values (list page, search page, API), the collapsible
filters of small screens, and links that keep every value."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

COUNTRIES = ("KZ", "UZ", "KG", "TJ", "TM", "DE", "FR", "IT", "ES", "PL", "AT")


@pytest.fixture
def spread(make_institution):
    """One government office per country, plus a KZ research centre."""
    for code in COUNTRIES:
        make_institution(
            name=f"Migration Office {code}",
            acronym=f"MO{code}",
            website=f"https://mo.example.{code.lower()}",
            country=code,
            city=None,
            latitude=None,
            longitude=None,
            names=[],
            summary="Produces migration statistics.",
        )
    make_institution(
        name="Steppe Research Centre",
        acronym="SRC",
        website="https://src.example.kz",
        category="academic",
        names=[],
        summary="Research on migration.",
    )


def names(page: str) -> set[str]:
    """Names of the result rows."""
    results = page.split('id="results"', 1)[1].split("</ul>", 1)[0]
    return set(re.findall(r'class="fw-semibold"[^>]*>([^<]+)<', results))


def facet(page: str, name: str) -> str:
    """The fieldset of facet `name` ('' if not shown)."""
    start = f'data-facet="{name}"'
    return page.split(start, 1)[1].split("</fieldset>", 1)[0] if start in page else ""


def test_several_countries_are_alternatives(client, spread):
    page = client.get("/institutions?country=KZ&country=uz").text
    assert names(page) == {
        "Migration Office KZ",
        "Migration Office UZ",
        "Steppe Research Centre",
    }
    countries = facet(page, "country")
    for code in ("KZ", "UZ"):
        assert re.search(rf'value="{code}"[^>]*checked', countries)
    assert not re.search(r'value="DE"[^>]*checked', countries)


def test_values_of_different_facets_all_apply(client, spread):
    page = client.get(
        "/institutions?country=KZ&country=UZ&category=academic&category=other"
    ).text
    assert names(page) == {"Steppe Research Centre"}


def test_each_chip_removes_one_value(client, spread):
    page = client.get("/institutions?country=KZ&country=UZ").text
    chips = re.findall(r'filter-chip" data-filter="country"\s+href="([^"]+)"', page)
    kept = sorted(
        parse_qs(urlsplit(h.replace("&amp;", "&")).query)["country"] for h in chips
    )
    assert kept == [["KZ"], ["UZ"]]


def test_pager_keeps_every_value(client, spread):
    page = client.get("/institutions?country=KZ&country=UZ&per_page=1").text
    nexts = re.findall(r'href="([^"]+)" rel="next"', page)
    query = parse_qs(urlsplit(nexts[0].replace("&amp;", "&")).query)
    assert query["country"] == ["KZ", "UZ"] and query["page"] == ["2"]


def test_facets_count_hide_empty_values_and_show_more(client, spread):
    page = client.get("/institutions?category=government").text
    countries = facet(page, "country")
    shown, more = countries.split('class="facet-more"', 1)
    assert len(re.findall(r'type="checkbox"', shown)) == 8
    assert "Show 3 more" in more and len(re.findall('type="checkbox"', more)) == 3
    assert 'value="AM"' not in countries  # no entry in Armenia: hidden
    categories = facet(page, "category")
    # Counted under the other filters, so that another category can be added.
    assert re.search(r'value="academic".*?facet-count">1<', categories, re.S)
    assert re.search(r'value="government".*?facet-count">11<', categories, re.S)
    assert 'value="non-profit"' not in categories


def test_overlapping_regions_are_grouped_by_kind(client, spread):
    regions = facet(client.get("/institutions").text, "region")
    groupings = regions.index("Groupings")
    assert groupings < regions.index('value="central-asia"')
    assert "World regions" in regions or "Sub-regions" in regions
    assert re.search(r'value="central-asia".*?facet-count">6<', regions, re.S)


def test_search_page_takes_several_values(client, spread):
    page = client.get("/institutions?q=migration&country=KZ&country=DE").text
    assert names(page) == {
        "Migration Office KZ",
        "Migration Office DE",
        "Steppe Research Centre",
    }
    assert re.search(r'value="DE"[^>]*checked', facet(page, "country"))


def test_api_lists_and_searches_several_countries(client, spread):
    listed = client.get("/api/v1/institutions?country=KZ&country=UZ").json
    assert listed["total"] == 3
    assert {r["country"] for r in listed["results"]} == {"KZ", "UZ"}
    found = client.get("/api/v1/search?q=migration&country=KZ&country=UZ").json
    assert found["total"] == 3 and found["facets"]["country"] == {"KZ": 2, "UZ": 1}
    bad = client.get("/api/v1/institutions?country=KZ&country=XX")
    assert bad.status_code == 422


def test_small_screens_get_a_collapsible_filters_control(client, spread):
    page = client.get("/institutions?country=KZ&category=government").text
    panel = re.search(
        r'<details class="filters-panel" id="filters-panel">\s*<summary[^>]*>([^<]+)<',
        page,
    )
    assert panel and panel[1].strip() == "Filters (2)"
    # Closed by default, and the results follow it at once.
    assert page.index("</details>\n  </aside>") < page.index('id="results"')


def test_map_link_keeps_near(client, spread):
    page = client.get("/institutions?near=Almaty&radius_km=1000&country=KZ").text
    link = re.search(r'<a href="(/map[^"]*)">', page)[1].replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    assert query["near"] == ["Almaty"] and query["radius_km"] == ["1000"]
    assert query["country"] == ["KZ"]
