"""Public HTML pages: home, list with filters, detail, places, exports, errors."""

import csv
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from migratory.extensions import db
from migratory.inventory.models import Contact, Country, Institution
from migratory.inventory.services import update_institution
from tests.conftest import institution_payload

# Published entries of the small inventory most tests run on.
PUBLISHED = [
    {
        "name": "Agency for Migration Statistics",
        "acronym": "AMS",
        "names": [{"lang": "ru", "name": "Агентство миграционной статистики"}],
        "category": "government",
        "website": "https://ams.example.kz",
        "city": "Almaty",
        "country": "KZ",
        "topics": ["migration-statistics", "labour-migration"],
        "roles": ["producer"],
    },
    {
        "name": "Tashkent Institute of Demography",
        "acronym": "TID",
        "names": [{"lang": "ru", "name": "Ташкентский институт демографии"}],
        "category": "academic",
        "website": "https://tid.example.uz",
        "city": "Tashkent",
        "country": "UZ",
        "topics": ["population-census"],
        "roles": ["user"],
    },
    {
        "name": "Berlin Migration Forum",
        "acronym": "BMF",
        "names": [{"lang": "de", "name": "Berliner Migrationsforum"}],
        "category": "non-profit",
        "website": "https://bmf.example.de",
        "city": "Berlin",
        "country": "DE",
        "topics": ["asylum-refugees", "integration"],
        "roles": ["user"],
    },
    {
        "name": "Geneva Office for Refugees",
        "acronym": "GOR",
        "names": [],
        "category": "international",
        "website": "https://gor.example.ch",
        "city": "Geneva",
        "country": "CH",
        "topics": ["asylum-refugees", "migration-statistics"],
        "roles": ["producer", "user"],
    },
    {
        "name": "Census Bureau of Migration",
        "acronym": "CBM",
        "names": [],
        "category": "government",
        "website": "https://cbm.example.us",
        "city": "Washington",
        "country": "US",
        "topics": ["population-census", "migration-statistics"],
        "roles": ["producer"],
    },
    {
        "name": "Astana Remittance Observatory",
        "acronym": "ARO",
        "names": [
            {"lang": "ru", "name": "Астанинская обсерватория денежных переводов"}
        ],
        "category": "non-profit",
        "website": "https://aro.example.kz",
        "city": "Astana",
        "country": "KZ",
        "topics": ["remittances"],
        "roles": [],
    },
]
# Not published: they match most filters, so a leak would show.
HIDDEN = [
    {
        "name": "Draft Migration Agency",
        "acronym": "DMA",
        "website": "https://dma.example.kz",
        "status": "draft",
    },
    {
        "name": "Archived Migration Institute",
        "acronym": "AMI",
        "website": "https://ami.example.kz",
        "status": "archived",
    },
]
ALL_NAMES = {spec["name"] for spec in PUBLISHED}
# Seed geography of the countries used above.
REGION_COUNTRIES = {
    "central-asia": {"KZ", "UZ"},
    "eecca": {"KZ", "UZ"},
    "eu-efta": {"DE", "CH"},
    "north-america": {"US"},
}
COUNTRY_NAMES = {
    "KZ": "Kazakhstan",
    "UZ": "Uzbekistan",
    "DE": "Germany",
    "CH": "Switzerland",
    "US": "United States of America",
}


def matches(spec: dict, filters: dict) -> bool:
    """What the list filters should select, worked out from the test data."""
    if "country" in filters and spec["country"] != filters["country"].upper():
        return False
    if (
        "region" in filters
        and spec["country"] not in REGION_COUNTRIES[filters["region"]]
    ):
        return False
    if "category" in filters and spec["category"] != filters["category"]:
        return False
    if "topic" in filters and filters["topic"] not in spec["topics"]:
        return False
    if "role" in filters and filters["role"] not in spec["roles"]:
        return False
    if "q" in filters:
        # The cases use words found only in names, acronyms or cities, so the
        # search (which also reads summaries and topics) must select exactly these.
        haystack = " ".join(
            [spec["name"], spec["acronym"], spec["city"]]
            + [n["name"] for n in spec["names"]]
        ).casefold()
        return all(word.casefold() in haystack for word in filters["q"].split())
    return True


def expected(filters: dict) -> set[str]:
    return {spec["name"] for spec in PUBLISHED if matches(spec, filters)}


@pytest.fixture
def inventory(make_institution) -> dict[str, str]:
    """The test inventory created; maps each name to its slug."""
    return {spec["name"]: make_institution(**spec) for spec in PUBLISHED + HIDDEN}


def text(response) -> str:
    return response.get_data(as_text=True)


def section(page: str, start: str, end: str) -> str:
    """The part of `page` from `start` to the next `end` ('' if absent)."""
    if start not in page:
        return ""
    return page.split(start, 1)[1].split(end, 1)[0]


class _Anchors(HTMLParser):
    """Collects the attributes (unescaped) and text of every <a> element."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[dict, str]] = []
        self._open: list[tuple[dict, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open.append((dict(attrs), []))

    def handle_data(self, data):
        for _, parts in self._open:
            parts.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            attrs, parts = self._open.pop()
            self.found.append((attrs, " ".join("".join(parts).split())))


def anchors(fragment: str) -> list[tuple[dict, str]]:
    """(attributes, text) of the links in an HTML fragment, in order."""
    parser = _Anchors()
    parser.feed(fragment)
    parser.close()
    return parser.found


def with_class(fragment: str, css_class: str) -> list[tuple[dict, str]]:
    return [
        (attrs, label)
        for attrs, label in anchors(fragment)
        if css_class in (attrs.get("class") or "").split()
    ]


def row_slugs(fragment: str) -> list[str]:
    """Slugs of the institution rows in an HTML fragment, in order."""
    return [
        attrs["href"].removeprefix("/institutions/")
        for attrs, _ in with_class(fragment, "fw-semibold")
        if attrs.get("href", "").startswith("/institutions/")
    ]


def result_slugs(page: str) -> list[str]:
    return row_slugs(section(page, 'id="results"', "</ul>"))


def result_count(page: str) -> int:
    return int(re.search(r'<span id="result-count">(\d+)</span>', page).group(1))


def query_of(href: str) -> dict[str, list[str]]:
    """Query arguments of an (already unescaped) link."""
    return parse_qs(urlsplit(href).query)


def names_of(slugs, inventory) -> list[str]:
    by_slug = {slug: name for name, slug in inventory.items()}
    return [by_slug[slug] for slug in slugs]


def listed(client, inventory, **args) -> tuple[str, list[str]]:
    """The list page for `args`: its HTML and the names of its results."""
    response = client.get("/institutions", query_string=args)
    assert response.status_code == 200
    page = text(response)
    return page, names_of(result_slugs(page), inventory)


# Home page


def test_home_shows_totals_counts_recent_and_search_form(client, inventory):
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    total = re.search(r"(\d+) published institutions?</p>", page)
    assert int(total.group(1)) == len(PUBLISHED)
    for category in ("government", "non-profit", "academic", "international"):
        count = sum(spec["category"] == category for spec in PUBLISHED)
        assert f'data-category="{category}">{count}</span>' in page
    assert 'data-category="other">0</span>' in page
    assert f'data-region="eecca">{len(expected({"region": "eecca"}))}<' in page
    assert f'data-region="eu-efta">{len(expected({"region": "eu-efta"}))}<' in page
    recent = section(page, 'aria-labelledby="recent"', "</section>")
    assert set(names_of(row_slugs(recent), inventory)) == ALL_NAMES
    form = re.search(
        r'<form class="row g-2" role="search"([^>]*)>(.*?)</form>', page, re.S
    )
    assert 'action="/institutions"' in form.group(1)
    assert 'method="get"' in form.group(1)
    assert 'name="q"' in form.group(2)


def test_home_without_institutions_shows_zero(client):
    page = text(client.get("/"))
    assert "0 published institutions</p>" in page
    assert 'data-category="government">0</span>' in page


# List page: filters


FILTER_CASES = [
    {},
    {"country": "KZ"},
    {"country": "kz"},
    {"country": "De"},
    {"region": "central-asia"},
    {"region": "eecca"},
    {"region": "eu-efta"},
    {"category": "government"},
    {"category": "non-profit"},
    {"topic": "migration-statistics"},
    {"topic": "asylum-refugees"},
    {"role": "producer"},
    {"role": "user"},
    {"q": "forum"},
    {"country": "kz", "category": "government"},
    {"region": "eu-efta", "role": "producer"},
    {"region": "central-asia", "topic": "population-census"},
    {"category": "government", "topic": "migration-statistics", "role": "producer"},
    {"q": "geneva", "region": "eu-efta"},
    {"q": "Astana", "country": "KZ", "category": "non-profit"},
    {"country": "DE", "category": "government"},
    {
        "q": "agency",
        "country": "KZ",
        "region": "eecca",
        "category": "government",
        "topic": "labour-migration",
        "role": "producer",
    },
]


@pytest.mark.parametrize("filters", FILTER_CASES, ids=str)
def test_list_filters_alone_and_combined(client, inventory, filters):
    page, names = listed(client, inventory, **filters)
    assert set(names) == expected(filters)
    assert len(names) == len(set(names))
    assert result_count(page) == len(expected(filters))
    assert "alert-warning" not in page


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("Agency Statistics", {"Agency for Migration Statistics"}),
        ("tid", {"Tashkent Institute of Demography"}),
        ("geneva", {"Geneva Office for Refugees"}),
        ("Migrationsforum", {"Berlin Migration Forum"}),
        ("Ташкентский", {"Tashkent Institute of Demography"}),
        ("обсерватория", {"Astana Remittance Observatory"}),
        ("астанинская", {"Astana Remittance Observatory"}),
        ("АГЕНТСТВО", {"Agency for Migration Statistics"}),
        ("astana remittance", {"Astana Remittance Observatory"}),
        (
            "berlin tashkent",
            {"Berlin Migration Forum", "Tashkent Institute of Demography"},
        ),
        ("%", ALL_NAMES),
        ("_", ALL_NAMES),
    ],
    ids=[
        "name-words",
        "acronym-lowercase",
        "city-lowercase",
        "german-name",
        "cyrillic-as-stored",
        "cyrillic-lowercase-word",
        "cyrillic-other-case",
        "cyrillic-upper-case",
        "two-words-one-entry",
        "words-in-different-entries-match-any",
        "percent-is-no-search",
        "underscore-is-no-search",
    ],
)
def test_list_search_matches_names_acronyms_cities_and_other_languages(
    client, inventory, q, names
):
    page, found = listed(client, inventory, q=q)
    assert set(found) == names
    assert result_count(page) == len(names)


def test_list_never_shows_draft_or_archived(client, inventory):
    for args in ({}, {"q": "migration"}, {"country": "KZ"}, {"per_page": "100"}):
        page, names = listed(client, inventory, **args)
        assert not {spec["name"] for spec in HIDDEN} & set(names)
        for spec in HIDDEN:
            assert spec["name"] not in page


# List page: sorting and pagination


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("name", lambda spec: spec["name"].casefold()),
        ("country", lambda spec: (COUNTRY_NAMES[spec["country"]], spec["name"])),
    ],
)
def test_list_sorting(client, inventory, sort, key):
    _, names = listed(client, inventory, sort=sort)
    assert names == [spec["name"] for spec in sorted(PUBLISHED, key=key)]


def test_list_default_sort_is_by_name(client, inventory):
    _, names = listed(client, inventory)
    assert names == sorted(ALL_NAMES, key=str.casefold)


def test_list_sort_by_updated_puts_latest_change_first(client, app, inventory):
    with app.app_context():
        update_institution(
            inventory["Berlin Migration Forum"],
            institution_payload(**PUBLISHED[2], summary="Changed just now."),
        )
    _, names = listed(client, inventory, sort="updated")
    created_latest_first = [
        spec["name"] for spec in reversed(PUBLISHED) if spec is not PUBLISHED[2]
    ]
    assert names == ["Berlin Migration Forum", *created_latest_first]


def test_list_pagination_walks_every_result_once(client, inventory):
    pages = [listed(client, inventory, per_page=2, page=n)[1] for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [2, 2, 2]
    assert sum(pages, []) == sorted(ALL_NAMES, key=str.casefold)


def test_list_page_beyond_the_end_is_empty_not_an_error(client, inventory):
    page, names = listed(client, inventory, per_page=2, page=50)
    assert names == []
    assert result_count(page) == len(PUBLISHED)
    assert "No institution matches these filters." in page


def test_pager_links_keep_filters(client, inventory):
    page, names = listed(client, inventory, category="government", per_page=1)
    assert len(names) == 1
    [next_link] = [a for a, _ in anchors(page) if a.get("rel") == "next"]
    assert query_of(next_link["href"]) == {
        "category": ["government"],
        "per_page": ["1"],
        "page": ["2"],
    }


def test_category_facet_counts_within_the_other_filters(client, inventory):
    args = {"country": "kz", "role": "producer"}
    page, _ = listed(client, inventory, **args)
    facet = section(page, 'data-facet="category"', "</fieldset>")
    boxes = re.findall(
        r'value="([\w-]+)"[^>]*>\s*<label.*?facet-count">(\d+)<', facet, re.S
    )
    assert boxes, facet
    for category, count in boxes:
        assert int(count) == len(expected({**args, "category": category})) > 0
    shown = {category for category, _ in boxes}
    present = {spec["category"] for spec in PUBLISHED if matches(spec, args)}
    assert shown == present  # values without an entry are hidden


def test_remove_filter_chips_keep_the_other_filters(client, inventory):
    args = {"country": "kz", "topic": "migration-statistics", "q": "agency"}
    page, names = listed(client, inventory, **args)
    assert names == ["Agency for Migration Statistics"]
    chip_links = with_class(page, "filter-chip")
    chips = [attrs["href"] for attrs, _ in chip_links]
    assert len(chips) == len(args)
    labels = " ".join(label for _, label in chip_links)
    assert "Kazakhstan" in labels
    assert "agency" in labels
    removed = []
    for href in chips:
        query = query_of(href)
        [gone] = set(args) - set(query)
        removed.append(gone)
        assert query == {k: [v] for k, v in args.items() if k != gone}
    assert sorted(removed) == sorted(args)


@pytest.mark.parametrize(
    ("args", "bad", "kept"),
    [
        ({"category": "bogus", "country": "KZ"}, "category", {"country": "KZ"}),
        (
            {"country": "XX", "category": "academic"},
            "country",
            {"category": "academic"},
        ),
        ({"region": "atlantis", "role": "user"}, "region", {"role": "user"}),
        ({"topic": "weather", "region": "eu-efta"}, "topic", {"region": "eu-efta"}),
        (
            {"role": "admin", "topic": "asylum-refugees"},
            "role",
            {"topic": "asylum-refugees"},
        ),
        (
            {"sort": "random", "category": "government"},
            "sort",
            {"category": "government"},
        ),
        ({"page": "abc", "category": "government"}, "page", {"category": "government"}),
        ({"per_page": "0", "country": "kz"}, "per_page", {"country": "kz"}),
        ({"topic": "nonsense", "role": "producer"}, "topic", {"role": "producer"}),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_invalid_filter_is_ignored_with_a_warning(client, inventory, args, bad, kept):
    page, names = listed(client, inventory, **args)
    warnings = re.findall(
        r'<div class="alert alert-warning" role="alert">(.*?)</div>', page, re.S
    )
    assert len(warnings) == 1
    assert f"“{bad}”" in warnings[0]
    assert set(names) == expected(kept)
    assert result_count(page) == len(expected(kept))


# Detail page


@pytest.fixture
def full_entry(make_institution) -> str:
    return make_institution(
        name="State Migration Service",
        acronym="SMS",
        names=[
            {"lang": "ru", "name": "Государственная миграционная служба"},
            {"lang": "kk", "name": "Мемлекеттік көші-қон қызметі"},
        ],
        summary="Keeps the register of foreign workers.",
        website="https://sms.example.kz/en",
        email="info@sms.example.kz",
        phone="+7 7172 123456",
        address="12 Abai Avenue",
        city="Astana",
        country="KZ",
        latitude=51.1694,
        longitude=71.4491,
        topics=["labour-migration", "border-management"],
        roles=["producer", "user"],
        ror_id="0abcdef12",
        last_verified="2024-05-01T09:00:00+00:00",
    )


def test_detail_shows_every_field(client, full_entry):
    response = client.get(f"/institutions/{full_entry}")
    assert response.status_code == 200
    page = text(response)
    for shown in (
        "State Migration Service",
        "(SMS)",
        "Government",
        "Statistics producer",
        "Data user",
        '<li lang="ru"><span class="text-body-secondary small text-uppercase">ru'
        "</span> Государственная миграционная служба</li>",
        '<li lang="kk">',
        "Мемлекеттік көші-қон қызметі",
        "Keeps the register of foreign workers.",
        '<a href="https://sms.example.kz/en" rel="noopener nofollow">',
        'href="mailto:info@sms.example.kz"',
        "+7 7172 123456",
        "12 Abai Avenue, Astana,",
        '<a href="/countries/KZ">Kazakhstan</a>',
        "(51.1694, 71.4491)",
        "https://ror.org/0abcdef12",
        "2024-05-01",
        "Labour migration",
        "Border management",
    ):
        assert shown in page, shown


def test_detail_topics_link_to_filtered_lists(client, full_entry):
    page = text(client.get(f"/institutions/{full_entry}"))
    topic_links = [
        a["href"]
        for a, _ in anchors(page)
        if a.get("href", "").startswith("/institutions?")
    ]
    assert sorted(query_of(h)["topic"][0] for h in topic_links) == [
        "border-management",
        "labour-migration",
    ]
    for href in topic_links:
        listing = text(client.get(href))
        assert row_slugs(section(listing, 'id="results"', "</ul>")) == [full_entry]


def json_ld_of(page: str) -> dict:
    block = section(page, '<script type="application/ld+json">', "</script>")
    return json.loads(block)


def test_detail_json_ld_describes_the_organization(client, full_entry):
    data = json_ld_of(text(client.get(f"/institutions/{full_entry}")))
    assert data["@type"] == "Organization"
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "State Migration Service"
    assert data["url"] == f"http://localhost/institutions/{full_entry}"
    assert set(data["alternateName"]) == {
        "Государственная миграционная служба",
        "Мемлекеттік көші-қон қызметі",
        "SMS",
    }
    assert data["address"]["addressCountry"] == "KZ"
    assert data["geo"]["latitude"] == pytest.approx(51.1694)
    assert data["sameAs"] == "https://sms.example.kz/en"


def add_contact(slug: str, **fields) -> None:
    institution_id = db.session.scalar(
        select(Institution.id).where(Institution.slug == slug)
    )
    db.session.add(Contact(institution_id=institution_id, **fields))
    db.session.commit()


def test_detail_shows_public_contacts_only(client, app, make_institution):
    slug = make_institution()
    with app.app_context():
        add_contact(
            slug,
            name="Aigerim Public",
            position="Head of unit",
            email="aigerim@stat.example.org",
            is_public=True,
        )
        add_contact(
            slug,
            name="Bolat Private",
            email="bolat.private@stat.example.org",
            phone="+7 701 555 0000",
            is_public=False,
        )
    page = text(client.get(f"/institutions/{slug}"))
    assert "Aigerim Public" in page
    assert "Head of unit" in page
    assert "mailto:aigerim@stat.example.org" in page
    assert "Bolat Private" not in page
    assert "bolat.private@stat.example.org" not in page
    assert "+7 701 555 0000" not in page


def test_detail_without_public_contact_says_so(client, app, make_institution):
    slug = make_institution()
    with app.app_context():
        add_contact(slug, name="Hidden Person", is_public=False)
    page = text(client.get(f"/institutions/{slug}"))
    assert "No public contact listed." in page
    assert "Hidden Person" not in page


def test_detail_escapes_injected_markup(client, make_institution):
    name = "<script>alert(1)</script> Bureau"
    summary = 'Data </script><script>alert(2)</script><img src=x onerror="alert(3)">'
    slug = make_institution(name=name, acronym="<b>X</b>", summary=summary)
    page = text(client.get(f"/institutions/{slug}"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bureau" in page
    assert "&lt;b&gt;X&lt;/b&gt;" in page
    assert "&lt;img src=x" in page
    for raw in ("<script>alert(", "<b>X</b>", "<img src=x"):
        assert raw not in page
    data = json_ld_of(page)
    assert data["name"] == name
    assert data["description"] == summary


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_detail_of_unpublished_entry_is_404(client, make_institution, status):
    slug = make_institution(status=status)
    response = client.get(f"/institutions/{slug}")
    assert response.status_code == 404
    assert "Agency for Migration Statistics" not in text(response)


def test_unknown_slug_is_404_in_site_style(client):
    response = client.get("/institutions/no-such-institution")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = text(response)
    assert "Page not found" in page
    assert "No such institution." in page
    assert 'class="navbar-brand fw-semibold" href="/">migratory</a>' in page


# Countries and regions


def test_country_index_lists_every_country(client, ctx):
    page = text(client.get("/countries"))
    codes = set(db.session.scalars(select(Country.iso2)))
    linked = {a.get("href") for a, _ in anchors(page)}
    assert {f"/countries/{code}" for code in codes} <= linked
    assert '<a href="/countries/KZ">Kazakhstan</a>' in page
    afghanistan = section(page, '<a href="/countries/AF">', "</li>")
    assert "SPECA, not a UNECE member" in afghanistan


@pytest.mark.parametrize("code", ["KZ", "kz"])
def test_country_page_groups_published_institutions_by_category(
    client, inventory, code
):
    response = client.get(f"/countries/{code}")
    assert response.status_code == 200
    page = text(response)
    assert '<h1 class="h3">Kazakhstan</h1>' in page
    groups = dict(
        re.findall(
            r'<section aria-labelledby="cat-([\w-]+)">(.*?)</section>', page, re.S
        )
    )
    kazakh = [spec for spec in PUBLISHED if spec["country"] == "KZ"]
    assert set(groups) == {spec["category"] for spec in kazakh}
    for category, fragment in groups.items():
        wanted = {s["name"] for s in kazakh if s["category"] == category}
        assert set(names_of(row_slugs(fragment), inventory)) == wanted
        assert f'text-bg-secondary">{len(wanted)}</span>' in fragment
    assert 'href="/institutions?country=KZ"' in page
    for spec in HIDDEN:
        assert spec["name"] not in page


def test_country_without_institutions_says_so(client, inventory):
    page = text(client.get("/countries/FR"))
    assert "No published institution here yet." in page
    assert row_slugs(page) == []


@pytest.mark.parametrize("code", ["XX", "KAZ", "k"])
def test_unknown_country_is_404(client, code):
    response = client.get(f"/countries/{code}")
    assert response.status_code == 404
    assert "No such country." in text(response)


def test_region_index_lists_groupings_and_m49_regions(client):
    page = text(client.get("/regions"))
    assert '<a href="/regions/eu-efta">EU/EFTA</a>' in page
    assert '<a href="/regions/central-asia">Central Asia</a>' in page
    assert '<a href="/regions/europe">Europe</a>' in page
    assert "Groupings" in page


def test_region_page_lists_its_countries_and_institutions(client, inventory):
    response = client.get("/regions/central-asia")
    assert response.status_code == 200
    page = text(response)
    assert '<a href="/countries/KZ">Kazakhstan</a>' in page
    assert '<a href="/countries/UZ">Uzbekistan</a>' in page
    assert '<a href="/countries/DE">' not in page
    assert set(names_of(row_slugs(page), inventory)) == expected(
        {"region": "central-asia"}
    )
    assert 'href="/institutions?region=central-asia"' in page


def test_unknown_region_is_404(client):
    response = client.get("/regions/atlantis")
    assert response.status_code == 404
    assert "No such region." in text(response)


# Exports


def export_slugs(fmt: str, body: bytes) -> list[str]:
    """Slugs in an export body, parsed with the format's own reader."""
    if fmt == "csv":
        return [
            row["slug"] for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
        ]
    if fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
        column = rows[0].index("slug")
        return [row[column] for row in rows[1:]]
    if fmt == "json":
        return [record["slug"] for record in json.loads(body)]
    return [f["properties"]["slug"] for f in json.loads(body)["features"]]


EXPORT_FORMATS = ["csv", "xlsx", "json", "geojson"]


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("json", "application/json"),
        ("geojson", "application/geo+json"),
    ],
)
def test_export_is_a_download_of_the_right_type(client, inventory, fmt, content_type):
    response = client.get(f"/institutions/export.{fmt}")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename=institutions.{fmt}"
    assert response.headers["Content-Type"] == content_type


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"country": "kz"},
        {"region": "eu-efta", "role": "producer"},
        {"q": "migration", "category": "government"},
        {"category": "bogus", "country": "KZ"},
    ],
    ids=str,
)
def test_export_contains_only_the_filtered_institutions(
    client, inventory, fmt, filters
):
    response = client.get(f"/institutions/export.{fmt}", query_string=filters)
    assert response.status_code == 200
    slugs = export_slugs(fmt, response.data)
    assert len(slugs) == len(set(slugs))
    valid = {k: v for k, v in filters.items() if v != "bogus"}
    assert set(names_of(slugs, inventory)) == expected(valid)


def test_geojson_features_carry_coordinates(client, make_institution):
    slug = make_institution(latitude=51.5, longitude=-0.12, country="GB")
    make_institution(  # a town the gazetteer does not know stays unplaced
        name="No Place Bureau",
        website=None,
        city="Nowhereville",
        latitude=None,
        longitude=None,
    )
    collection = json.loads(client.get("/institutions/export.geojson").data)
    assert collection["type"] == "FeatureCollection"
    [feature] = collection["features"]
    assert feature["properties"]["slug"] == slug
    assert feature["geometry"] == {"type": "Point", "coordinates": [-0.12, 51.5]}


def test_export_links_on_list_page_carry_filters(client, inventory):
    page, _ = listed(client, inventory, country="KZ", topic="remittances")
    links = [
        a["href"]
        for a, _ in anchors(page)
        if a.get("href", "").startswith("/institutions/export.")
    ]
    formats = {urlsplit(href).path.rsplit(".", 1)[1] for href in links}
    assert formats == {"csv", "xlsx", "json", "geojson"}
    for href in links:
        assert query_of(href) == {"country": ["KZ"], "topic": ["remittances"]}


@pytest.mark.parametrize("fmt", ["pdf", "xml", "CSV"])
def test_unknown_export_format_is_404(client, inventory, fmt):
    assert client.get(f"/institutions/export.{fmt}").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_spreadsheet_exports_defuse_formulas(client, make_institution, fmt):
    make_institution(
        name='=HYPERLINK("http://evil.example","click")',
        summary="@SUM(A1:A9)",
        names=[{"lang": "ru", "name": "=1+2"}],
        phone="+7 727 2500000",
        longitude=-76.8897,
    )
    body = client.get(f"/institutions/export.{fmt}").data
    if fmt == "csv":
        [row] = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
        row = dict(zip(rows[0], rows[1], strict=True))
    assert row["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["summary"] == "'@SUM(A1:A9)"
    assert row["name_ru"] == "'=1+2"
    assert row["phone"] == "+7 727 2500000"
    assert float(row["longitude"]) == pytest.approx(-76.8897)


# Language, headers and error pages


def test_lang_parameter_switches_to_russian_and_is_remembered(client):
    response = client.get("/countries?lang=ru")
    page = text(response)
    assert "Казахстан" in page
    assert '<html lang="ru">' in page
    cookie = client.get_cookie("lang")
    assert cookie is not None and cookie.value == "ru"
    assert "Казахстан" in text(client.get("/countries"))


def test_home_lang_parameter_sets_cookie(client):
    response = client.get("/?lang=ru")
    assert response.status_code == 200
    assert "lang=ru" in response.headers["Set-Cookie"]


def test_accept_language_selects_russian(client):
    page = text(client.get("/countries", headers={"Accept-Language": "ru,en;q=0.5"}))
    assert "Казахстан" in page
    assert "Kazakhstan" not in page


def test_english_is_the_default(client):
    page = text(client.get("/countries"))
    assert "Kazakhstan" in page
    assert "Казахстан" not in page
    assert client.get_cookie("lang") is None


def test_russian_list_shows_russian_names_where_recorded(client, inventory):
    page, _ = listed(client, inventory, lang="ru", country="KZ")
    assert "Агентство миграционной статистики" in page
    assert "Казахстан" in page


@pytest.mark.parametrize(
    "path",
    ["/", "/institutions", "/countries", "/no-such-page", "/api/v1/institutions"],
)
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/?endpoint=x",
        "/institutions?_method=POST",
        "/institutions?fmt=csv",
        "/countries/KZ?alpha2=FR",
    ],
)
def test_unrelated_query_arguments_do_not_break_pages(client, path):
    assert client.get(path).status_code == 200


@pytest.fixture
def failing_app(fresh_app):
    """The app with routes that fail, and errors handled as in production."""
    app = fresh_app

    def boom():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_server_error_page_in_site_style(failing_app):
    response = failing_app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    page = text(response)
    assert "Something went wrong on our side" in page
    assert 'class="navbar-brand fw-semibold" href="/">migratory</a>' in page
    assert "secret internal detail" not in page
    assert "Traceback" not in page
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_server_error_under_api_is_json(failing_app):
    response = failing_app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    assert response.mimetype == "application/json"
    assert response.json["code"] == 500
    assert "secret internal detail" not in text(response)
