"""Names in the reader's language: headings, lists, map data, sort orders."""

import re

import pytest

GEOJSON = "/api/v1/institutions.geojson"


@pytest.fixture
def trio(make_institution):
    """Three entries whose English and Russian alphabetical orders differ."""
    make_institution(
        name="Agency for Migration Statistics",
        names=[{"lang": "ru", "name": "Ярославское агентство"}],
    )
    make_institution(
        name="Zhytomyr Office",
        website="https://z.example.org",
        names=[
            {"lang": "ru", "name": "Ёлочное бюро"},
            {"lang": "fr", "name": "Bureau"},
        ],
    )
    make_institution(
        name="Migration Research Centre",
        website="https://m.example.org",
        names=[{"lang": "ru", "name": "Евразийский центр"}],
    )


def linked_names(page: str) -> list[str]:
    """Names of the institutions listed on a list page, in order."""
    return re.findall(
        r'<a class="fw-semibold" href="/institutions/[^"]+">([^<]+)</a>', page
    )


def test_detail_heading_in_the_readers_language(client, make_institution):
    """The Russian page's heading is the Russian name; the English one follows."""
    slug = make_institution()
    page = client.get(f"/institutions/{slug}?lang=ru").get_data(as_text=True)
    heading = re.search(r"<h1[^>]*>([^<]+)", page)[1].strip()
    assert heading == "Агентство миграционной статистики"
    assert 'lang="en" id="name-en">Agency for Migration Statistics' in page


def test_list_sorted_by_the_displayed_name(client, trio):
    """In Russian, "by name" follows the Russian names (ё with е)."""
    page = client.get("/institutions?sort=name&lang=ru").get_data(as_text=True)
    assert linked_names(page) == [
        "Евразийский центр",
        "Ёлочное бюро",
        "Ярославское агентство",
    ]
    english = client.get("/institutions?sort=name&lang=en").get_data(as_text=True)
    assert linked_names(english) == [
        "Agency for Migration Statistics",
        "Migration Research Centre",
        "Zhytomyr Office",
    ]


def test_geojson_name_in_the_readers_language(client, trio):
    """GeoJSON `name` is the displayed name, `name_en` the English one, by name."""
    features = client.get(f"{GEOJSON}?lang=ru").get_json()["features"]
    pairs = [(f["properties"]["name"], f["properties"]["name_en"]) for f in features]
    assert pairs == [
        ("Евразийский центр", "Migration Research Centre"),
        ("Ёлочное бюро", "Zhytomyr Office"),
        ("Ярославское агентство", "Agency for Migration Statistics"),
    ]
    french = client.get(f"{GEOJSON}?lang=fr").get_json()["features"]
    assert [f["properties"]["name"] for f in french] == [
        "Agency for Migration Statistics",
        "Bureau",
        "Migration Research Centre",
    ]


def test_geojson_etag_differs_by_language(client, trio):
    """A reader who switches language does not get the other language's names."""
    english = client.get(f"{GEOJSON}?lang=en")
    russian = client.get(
        f"{GEOJSON}?lang=ru", headers={"If-None-Match": english.headers["ETag"]}
    )
    assert russian.status_code == 200


def country_links(page: str) -> list[str]:
    return re.findall(r'<a href="/countries/[A-Z]{2}">([^<]+)</a>', page)


def test_countries_follow_russian_order_in_russian(client):
    """The country index in Russian is in Russian alphabetical order."""
    names = country_links(client.get("/countries?lang=ru").get_data(as_text=True))
    assert len(names) == 57
    assert names[:3] == ["Австрия", "Азербайджан", "Албания"]
    assert names == sorted(names, key=lambda n: n.casefold().replace("ё", "е"))


def test_french_country_and_region_names(client):
    """French readers see French names (CLDR territory names, seed groupings)."""
    page = client.get("/countries?lang=fr").get_data(as_text=True)
    names = country_links(page)
    assert "Allemagne" in names and "Moldavie" in names
    assert "Germany" not in names
    assert names.index("Allemagne") < names.index("Autriche") < names.index("Espagne")
    regions = client.get("/regions?lang=fr").get_data(as_text=True)
    assert "Asie centrale" in regions
    assert "Caucase du Sud" in regions
    assert "Central Asia" not in regions


def test_region_page_lists_countries_in_the_readers_order(client):
    page = client.get("/regions/central-asia?lang=ru").get_data(as_text=True)
    names = country_links(page)[:5]
    assert names == [
        "Казахстан",
        "Кыргызстан",
        "Таджикистан",
        "Туркменистан",
        "Узбекистан",
    ]


def test_sort_by_country_follows_displayed_country_names(client, make_institution):
    """Sorted by country, entries follow the country names the reader sees."""
    for name, country in (("Kazakh", "KZ"), ("German", "DE"), ("Austrian", "AT")):
        make_institution(name=f"{name} Office", country=country, website=None, names=[])
    page = client.get("/institutions?sort=country&lang=ru").get_data(as_text=True)
    assert linked_names(page) == ["Austrian Office", "German Office", "Kazakh Office"]
    french = client.get("/institutions?sort=country&lang=fr").get_data(as_text=True)
    # Allemagne < Autriche < Kazakhstan
    assert linked_names(french) == ["German Office", "Austrian Office", "Kazakh Office"]


def test_dashboard_countries_in_russian_order(client, auth, make_user):
    """The secretariat's freshness table follows the reader's country names."""
    make_user("secretariat@example.org", role="secretariat")
    auth.login("secretariat@example.org")
    page = client.get("/secretariat/?lang=ru").get_data(as_text=True)
    codes = re.findall(r'<tr data-country="([A-Z]{2})">', page)
    assert codes[:3] == ["AT", "AZ", "AL"]  # Австрия, Азербайджан, Албания
