"""JSON API under /api/v1: listing, filters, pagination, single entries, errors."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from migratory.extensions import db
from migratory.inventory.models import Contact, Institution

API = "/api/v1/institutions"
PUBLISHED = [
    {
        "name": "Agency for Migration Statistics",
        "acronym": "AMS",
        "names": [{"lang": "ru", "name": "Агентство миграционной статистики"}],
        "category": "government",
        "website": "https://ams.example.kz",
        "city": "Almaty",
        "country": "KZ",
        "topics": ["labour-migration", "migration-statistics"],
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
        "names": [],
        "category": "non-profit",
        "website": "https://bmf.example.de",
        "city": "Berlin",
        "country": "DE",
        "topics": ["asylum-refugees", "integration"],
        "roles": ["producer", "user"],
    },
    {
        "name": "Kazakh Diaspora Network",
        "acronym": "KDN",
        "names": [],
        "category": "non-profit",
        "website": "https://kdn.example.kz",
        "city": "Astana",
        "country": "KZ",
        "topics": ["diaspora"],
        "roles": ["user"],
    },
]
HIDDEN = [
    {
        "name": "Draft Migration Agency",
        "website": "https://d.example.kz",
        "status": "draft",
    },
    {
        "name": "Archived Migration Institute",
        "website": "https://a.example.kz",
        "status": "archived",
    },
]
REGION_COUNTRIES = {"central-asia": {"KZ", "UZ"}, "eu-efta": {"DE", "CH"}}


def expected(filters: dict) -> set[str]:
    """Names the filters should select, worked out from the test data."""
    names = set()
    for spec in PUBLISHED:
        words = " ".join(
            [spec["name"], spec["acronym"], spec["city"]]
            + [n["name"] for n in spec["names"]]
        ).casefold()
        if (
            filters.get("country", spec["country"]).upper() == spec["country"]
            and spec["country"]
            in REGION_COUNTRIES.get(filters.get("region"), {spec["country"]})
            and filters.get("category", spec["category"]) == spec["category"]
            and filters.get("topic", spec["topics"][0]) in spec["topics"]
            and filters.get("role", "any") in [*spec["roles"], "any"]
            and all(w.casefold() in words for w in filters.get("q", "").split())
        ):
            names.add(spec["name"])
    return names


@pytest.fixture
def inventory(make_institution) -> dict[str, str]:
    """The test inventory created; maps each name to its slug."""
    return {spec["name"]: make_institution(**spec) for spec in PUBLISHED + HIDDEN}


def add_contact(app, slug: str, **fields) -> None:
    with app.app_context():
        institution_id = db.session.scalar(
            select(Institution.id).where(Institution.slug == slug)
        )
        db.session.add(Contact(institution_id=institution_id, **fields))
        db.session.commit()


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_list_shape(client, app, make_institution):
    slug = make_institution(
        email="info@stat.example.org", phone="+7 727 2500000", address="1 Main St"
    )
    add_contact(
        app, slug, name="Public Person", email="pub@example.org", is_public=True
    )
    response = client.get(API)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.json
    assert body["total"] == 1
    assert body["page"] == 1
    assert body["per_page"] == 25
    assert body["next"] is None
    [entry] = body["results"]
    assert entry["slug"] == slug
    assert entry["name"] == "Agency for Migration Statistics"
    assert entry["acronym"] == "AMS"
    assert entry["names"] == [
        {"lang": "ru", "name": "Агентство миграционной статистики"}
    ]
    assert entry["category"] == "government"
    assert entry["country"] == "KZ"
    assert entry["country_name"] == "Kazakhstan"
    assert entry["topics"] == ["labour-migration", "migration-statistics"]
    assert entry["roles"] == ["producer"]
    assert entry["website"] == "https://stat.example.org"
    assert entry["latitude"] == pytest.approx(43.2389)
    assert entry["longitude"] == pytest.approx(76.8897)
    assert entry["url"] == f"http://localhost/institutions/{slug}"
    assert entry["contacts"] == [
        {
            "name": "Public Person",
            "position": None,
            "email": "pub@example.org",
            "phone": None,
        }
    ]


def test_contacts_are_public_only_in_list_and_detail(client, app, make_institution):
    slug = make_institution()
    add_contact(app, slug, name="Shown Person", is_public=True)
    add_contact(
        app,
        slug,
        name="Members Only",
        email="members.only@example.org",
        phone="+7 701 555 0000",
        is_public=False,
    )
    for response in (client.get(API), client.get(f"{API}/{slug}")):
        raw = response.get_data(as_text=True)
        assert "Shown Person" in raw
        assert "Members Only" not in raw
        assert "members.only@example.org" not in raw
        assert "is_public" not in raw
    assert [c["name"] for c in client.get(f"{API}/{slug}").json["contacts"]] == [
        "Shown Person"
    ]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"country": "kz"},
        {"country": "UZ"},
        {"region": "central-asia"},
        {"region": "eu-efta"},
        {"category": "non-profit"},
        {"topic": "migration-statistics"},
        {"role": "producer"},
        {"role": "user"},
        {"q": "berlin"},
        {"q": "Ташкентский"},
        {"q": "astana"},
        {"country": "KZ", "role": "user"},
        {"region": "central-asia", "category": "non-profit", "topic": "diaspora"},
        {"q": "forum", "role": "producer", "region": "eu-efta"},
        {"category": "academic", "country": "DE"},
    ],
    ids=str,
)
def test_list_filters_alone_and_combined(client, inventory, filters):
    body = client.get(API, query_string={**filters, "per_page": 100}).json
    names = [entry["name"] for entry in body["results"]]
    assert set(names) == expected(filters)
    assert len(names) == len(set(names))
    assert body["total"] == len(expected(filters))


def test_list_is_sorted_by_name_by_default(client, inventory):
    names = [entry["name"] for entry in client.get(API).json["results"]]
    assert names == sorted(expected({}), key=str.casefold)


def test_draft_and_archived_are_not_listed(client, inventory):
    body = client.get(API, query_string={"q": "agency", "per_page": 100}).json
    assert {e["name"] for e in body["results"]} == expected({"q": "agency"})
    for spec in HIDDEN:
        assert spec["name"] not in str(body)


@pytest.mark.parametrize("spec", HIDDEN, ids=lambda s: s["status"])
def test_draft_and_archived_are_404_by_slug(client, inventory, spec):
    response = client.get(f"{API}/{inventory[spec['name']]}")
    assert response.status_code == 404
    assert response.json["code"] == 404


def test_next_link_keeps_filters_and_walks_all_pages(client, inventory):
    url = f"{API}?country=kz&per_page=1"
    seen = []
    while url:
        body = client.get(url).json
        assert body["total"] == 2
        assert body["per_page"] == 1
        seen += [entry["name"] for entry in body["results"]]
        url = body["next"]
        if url:
            assert url.startswith("http://localhost/api/v1/institutions?")
            query = query_of(url)
            assert query["country"] == ["KZ"]
            assert query["per_page"] == ["1"]
            assert query["page"] == [str(body["page"] + 1)]
    assert seen == sorted(expected({"country": "KZ"}), key=str.casefold)


def test_next_is_null_on_last_page_and_beyond(client, inventory):
    last = client.get(API, query_string={"per_page": 2, "page": 2}).json
    assert last["next"] is None
    assert len(last["results"]) == 2
    beyond = client.get(API, query_string={"per_page": 2, "page": 9}).json
    assert beyond["results"] == []
    assert beyond["next"] is None
    assert beyond["total"] == len(PUBLISHED)


def test_next_keeps_search_and_sort(client, inventory):
    body = client.get(
        API, query_string={"q": "a", "sort": "country", "per_page": 1}
    ).json
    query = query_of(body["next"])
    assert query["q"] == ["a"]
    assert query["sort"] == ["country"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "many"}, "per_page"),
        ({"page": "0"}, "page"),
        ({"category": "bogus"}, "category"),
        ({"topic": "weather"}, "topic"),
        ({"role": "admin"}, "role"),
        ({"country": "XX"}, "country"),
        ({"region": "atlantis"}, "region"),
        ({"sort": "random"}, "sort"),
    ],
    ids=str,
)
def test_invalid_arguments_answer_422_json(client, inventory, args, field):
    response = client.get(API, query_string=args)
    assert response.status_code == 422
    assert response.mimetype == "application/json"
    body = response.json
    assert body["code"] == 422
    assert list(body["errors"]["query"]) == [field]


def test_per_page_bounds_are_accepted(client, inventory):
    for per_page in (1, 100):
        body = client.get(API, query_string={"per_page": per_page}).json
        assert body["per_page"] == per_page
        assert len(body["results"]) == min(per_page, len(PUBLISHED))


def test_one_institution_by_slug(client, app, inventory):
    slug = inventory["Tashkent Institute of Demography"]
    add_contact(app, slug, name="Dilnoza Public", is_public=True)
    response = client.get(f"{API}/{slug}")
    assert response.status_code == 200
    body = response.json
    assert body["slug"] == slug
    assert body["name"] == "Tashkent Institute of Demography"
    assert body["country"] == "UZ"
    assert body["country_name"] == "Uzbekistan"
    assert body["names"] == PUBLISHED[1]["names"]
    assert body["url"] == f"http://localhost/institutions/{slug}"
    assert body["contacts"][0]["name"] == "Dilnoza Public"


def test_unknown_slug_is_404_json(client):
    response = client.get(f"{API}/no-such-institution")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.json == {
        "code": 404,
        "status": "Not Found",
        "message": "No such institution.",
    }


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v2/institutions", "/api/"])
def test_unknown_api_path_is_404_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.json["code"] == 404


def test_openapi_document_lists_both_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/institutions", "/api/v1/institutions/{slug}"} <= set(spec["paths"])
    parameters = {
        p["name"] for p in spec["paths"]["/api/v1/institutions"]["get"]["parameters"]
    }
    assert {"q", "country", "region", "category", "topic", "role", "page"} <= parameters
