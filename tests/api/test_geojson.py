"""GET /api/v1/institutions.geojson: valid GeoJSON, filtered like the list,
public data only."""

import gzip
import json

import pytest

from migratory.inventory.services import update_institution
from tests.conftest import institution_payload

URL = "/api/v1/institutions.geojson"


@pytest.fixture
def mapped(app, make_institution):
    """Institutions of several kinds, states and places."""
    make_institution(name="Kazakh Statistics Office", acronym="KSO", names=[])
    make_institution(
        name="Georgian Migration Research Centre",
        acronym="GMRC",
        names=[],
        category="academic",
        country="GE",
        city="Tbilisi",
        latitude=41.7151,
        longitude=44.8271,
        topics=["remittances"],
        contacts=[
            {"name": "Public Desk", "email": "desk@gmrc.example.org", "is_public": 1},
            {"name": "Members Only", "email": "secret@gmrc.example.org"},
        ],
    )
    make_institution(
        name="Draft Bureau", acronym="DB", names=[], status="draft", country="KG"
    )
    archived = make_institution(name="Old Archived Office", acronym="OAO", names=[])
    with app.app_context():
        update_institution(
            archived, institution_payload(name="Old Archived Office", status="archived")
        )
    make_institution(
        name="Unplaced Network",
        acronym="UN1",
        names=[],
        city="Nowhereville",
        latitude=None,
        longitude=None,
    )


def _features(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    assert response.content_type == "application/geo+json"
    return response.get_json()["features"]


def test_valid_geojson_points_with_public_properties(client, mapped):
    body = client.get(URL).get_json()
    assert body["type"] == "FeatureCollection"
    names = {f["properties"]["name"] for f in body["features"]}
    assert names == {"Kazakh Statistics Office", "Georgian Migration Research Centre"}
    for feature in body["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        longitude, latitude = feature["geometry"]["coordinates"]
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
        assert set(feature["properties"]) == {
            "slug",
            "name",
            "name_en",
            "category",
            "city",
            "country",
        }
    tbilisi = next(f for f in body["features"] if f["properties"]["country"] == "GE")
    assert tbilisi["geometry"]["coordinates"] == [44.8271, 41.7151]  # lon, lat


def test_no_contact_data_at_all(client, mapped):
    text = client.get(URL).get_data(as_text=True)
    assert "@" not in text and "Members Only" not in text and "Public Desk" not in text


NAMES = {
    "KSO": "Kazakh Statistics Office",
    "GMRC": "Georgian Migration Research Centre",
}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?country=GE", {"GMRC"}),
        ("?country=ge", {"GMRC"}),
        ("?region=central-asia", {"KSO"}),
        ("?region=south-caucasus", {"GMRC"}),
        ("?category=academic", {"GMRC"}),
        ("?topic=remittances", {"GMRC"}),
        ("?q=Kazakh", {"KSO"}),
        ("?q=statistics", {"KSO", "GMRC"}),
        ("?q=Tbilisi&category=academic", {"GMRC"}),
        ("?q=nothingmatchesthis", set()),
        ("?region=eu-efta", set()),
        ("?near=Tbilisi&radius_km=50", {"GMRC"}),
        ("?near=Tbilisi&radius_km=3000", {"GMRC", "KSO"}),
    ],
)
def test_filters_as_on_the_list_page(client, mapped, query, expected):
    names = {f["properties"]["name"] for f in _features(client, query)}
    assert names == {NAMES[acronym] for acronym in expected}


@pytest.mark.parametrize(
    "query",
    ["?category=nonsense", "?country=XX", "?region=atlantis", "?radius_km=0"],
)
def test_invalid_filters_are_refused_clearly(client, mapped, query):
    response = client.get(URL + query)
    assert response.status_code == 422
    assert response.get_json()["errors"]


def test_an_unknown_place_is_refused_clearly(client, mapped):
    response = client.get(URL + "?near=Nowhereville")
    assert response.status_code == 422
    assert "No city called" in response.get_json()["message"]


def test_unchanged_data_is_not_downloaded_again(client, mapped, make_institution):
    first = client.get(URL)
    again = client.get(URL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    make_institution(name="Brand New Institute", acronym="BNI", names=[])
    changed = client.get(URL, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert "Brand New Institute" in changed.get_data(as_text=True)


def test_gzip_for_slow_links(client, mapped):
    response = client.get(URL, headers={"Accept-Encoding": "gzip"})
    if response.headers.get("Content-Encoding") != "gzip":
        # Responses under Flask-Compress's minimum size are sent as they are.
        assert len(response.data) < 500
        return
    body = json.loads(gzip.decompress(response.data))
    assert body["type"] == "FeatureCollection"


def test_documented_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/institutions.geojson"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "q",
        "country",
        "region",
        "category",
        "topic",
    }


def test_revalidation_works_for_compressed_downloads_too(
    client, mapped, make_institution, monkeypatch
):
    """Browsers ask with gzip and send back the ETag of the compressed body."""
    for number in range(12):  # enough for Flask-Compress's minimum size
        make_institution(
            name=f"Statistics Office {number}", acronym=None, names=[], website=None
        )
    gzip = {"Accept-Encoding": "gzip"}
    first = client.get(URL, headers=gzip)
    built = []
    import migratory.api.views as api_views

    real = api_views.institution_features
    monkeypatch.setattr(
        api_views, "institution_features", lambda f: built.append(f) or real(f)
    )
    again = client.get(URL, headers={**gzip, "If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200
    assert first.headers["Content-Encoding"] == "gzip"
    assert again.status_code == 304 and again.data == b""
    assert built == []  # answered from the ETag alone


def test_each_filter_has_its_own_etag(client, mapped):
    everything = client.get(URL).headers["ETag"]
    one_country = client.get(URL + "?country=KZ")

    assert one_country.headers["ETag"] != everything
    assert (
        client.get(
            URL + "?country=KZ", headers={"If-None-Match": everything}
        ).status_code
        == 200
    )
