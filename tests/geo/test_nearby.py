"""What is near a place: resolving the place, the radius, nearest first."""

import pytest
from geopy.distance import geodesic

from migratory.core.errors import ValidationFailed
from migratory.geo.nearby import Place, resolve_place
from migratory.search.finder import (
    FoundPage,
    InstitutionFilters,
    find_institutions,
    resolve_near,
)

ALMATY = (43.2567, 76.9286)

# name, country, latitude, longitude (real cities; distances from Almaty)
PLACES = [
    ("Almaty Office", "KZ", "Almaty", 43.2389, 76.8897),  # ~3 km
    ("Talgar Office", "KZ", "Talgar", 43.3033, 77.2400),  # ~25 km
    ("Bishkek Office", "KG", "Bishkek", 42.8700, 74.5900),  # ~195 km
    ("Tashkent Office", "UZ", "Tashkent", 41.2995, 69.2401),  # ~670 km
]


def find_nearby(filters: dict, *, page: int, per_page: int) -> FoundPage:
    """The finder's page for `filters` (which hold `near`)."""
    wanted = InstitutionFilters.from_mapping(filters)
    return find_institutions(wanted, page=page, per_page=per_page)


@pytest.fixture
def placed(ctx, make_institution):
    """Four institutions at known distances from Almaty."""
    for name, country, city, lat, lon in PLACES:
        make_institution(
            name=name,
            acronym=None,
            names=[],
            website=None,
            country=country,
            city=city,
            latitude=lat,
            longitude=lon,
        )
    return ctx


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Almaty", ALMATY),
        ("Алматы", ALMATY),
        ("almaty, Kazakhstan", ALMATY),
        ("Almaty, KZ", ALMATY),
        ("43.2567, 76.9286", ALMATY),
        ("43.2567 76.9286", ALMATY),
    ],
)
def test_places_resolve_by_name_or_coordinates(ctx, text, expected):
    place = resolve_near(text)
    assert geodesic((place.latitude, place.longitude), expected).km < 15


@pytest.mark.parametrize(
    "text", ["Nowhereville", "", "   ", "91, 10", "45, 200", "x" * 500, "<script>"]
)
def test_unknown_or_invalid_places_are_refused_with_a_message(ctx, text):
    with pytest.raises(ValidationFailed) as error:
        resolve_near(text)
    assert error.value.message


def test_a_country_after_the_comma_narrows_the_city(ctx):
    """There are several Alexandrias; the country decides which one."""
    place = resolve_near("Alexandria, Romania")
    assert 43 < place.latitude < 44.5 and 24 < place.longitude < 26


def test_within_radius_nearest_first_with_distances(placed):
    page = find_nearby({"near": "Almaty", "radius_km": 250}, page=1, per_page=10)
    names = [institution.name for institution in page.institutions]
    assert names == ["Almaty Office", "Talgar Office", "Bishkek Office"]
    distances = page.distances_km
    assert distances == sorted(distances)
    assert 150 < distances[-1] < 250
    assert page.total == 3


def test_default_radius_is_200_km(placed):
    page = find_nearby({"near": "Almaty"}, page=1, per_page=10)
    assert page.radius_km == 200
    assert page.total == 3


def test_other_filters_and_words_apply(placed):
    page = find_nearby(
        {"near": "Almaty", "radius_km": 1000, "country": "KG"}, page=1, per_page=10
    )
    assert [i.name for i in page.institutions] == ["Bishkek Office"]
    page = find_nearby(
        {"near": "Almaty", "radius_km": 1000, "q": "Tashkent"}, page=1, per_page=10
    )
    assert [i.name for i in page.institutions] == ["Tashkent Office"]


def test_pages_of_nearby_results(placed):
    first = find_nearby({"near": "Almaty", "radius_km": 1000}, page=1, per_page=2)
    second = find_nearby({"near": "Almaty", "radius_km": 1000}, page=2, per_page=2)
    assert first.total == second.total == 4 and first.pages == 2
    names = [i.name for i in second.institutions]
    assert names == ["Bishkek Office", "Tashkent Office"]


def test_unpublished_and_unplaced_entries_are_not_near(placed, make_institution):
    from migratory.inventory.services import update_institution
    from tests.conftest import institution_payload

    slug = make_institution(name="Archived Almaty Office", acronym=None, names=[])
    update_institution(
        slug, institution_payload(name="Archived Almaty Office", status="archived")
    )
    make_institution(
        name="Unplaced Office", city="Nowhereville", latitude=None, longitude=None
    )
    page = find_nearby({"near": "Almaty", "radius_km": 5000}, page=1, per_page=50)
    names = {i.name for i in page.institutions}
    assert "Archived Almaty Office" not in names and "Unplaced Office" not in names


def test_the_box_works_across_the_antimeridian(ctx, make_institution):
    """Chukotka sits on both sides of 180°; a circle around it must too."""
    make_institution(
        name="Anadyr Office", country="RU", city="Anadyr", latitude=64.73,
        longitude=177.5,
    )  # fmt: skip
    page = find_nearby({"near": "65.0, -179.5", "radius_km": 400}, page=1, per_page=10)
    assert [i.name for i in page.institutions] == ["Anadyr Office"]


def test_place_label_is_shown(ctx):
    assert resolve_near("Bishkek").label.startswith("Bishkek")
    assert isinstance(resolve_near("40, 70"), Place)


def test_list_page_shows_distances_nearest_first(placed, client):
    page = client.get("/institutions?near=Almaty&radius_km=250").get_data(as_text=True)
    assert page.index("Almaty Office") < page.index("Talgar Office")
    assert page.index("Talgar Office") < page.index("Bishkek Office")
    assert "Tashkent Office" not in page
    assert "km away" in page and "nearest first" in page


def test_list_page_explains_an_unknown_place(placed, client):
    response = client.get("/institutions?near=Nowhereville")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "No city called" in text
    assert "Tashkent Office" in text  # the other filters still list everything


def test_unknown_place_is_explained_in_the_readers_language(placed, client):
    text = client.get("/institutions?near=Nowhereville&lang=ru").get_data(as_text=True)

    assert "Город «Nowhereville» в странах справочника не найден" in text


@pytest.mark.parametrize("radius", ["0", "-5", "abc", "99999"])
def test_bad_radius_is_ignored_with_a_message(placed, client, radius):
    response = client.get(f"/institutions?near=Almaty&radius_km={radius}")
    assert response.status_code == 200
    assert "radius_km" in response.get_data(as_text=True)


def test_api_gives_distances_and_refuses_unknown_places(placed, client):
    body = client.get("/api/v1/institutions?near=Almaty&radius_km=30").get_json()
    assert [r["name"] for r in body["results"]] == ["Almaty Office", "Talgar Office"]
    assert body["distances_km"][0] < body["distances_km"][1] < 30
    response = client.get("/api/v1/institutions?near=Nowhereville")
    assert response.status_code == 422
    assert "No city called" in response.get_json()["message"]


def test_export_holds_what_is_near(placed, client):
    text = client.get("/institutions/export.csv?near=Almaty&radius_km=30").get_data(
        as_text=True
    )
    assert "Almaty Office" in text and "Talgar Office" in text
    assert "Bishkek Office" not in text


def test_a_place_resolves_with_the_country_names_given(app):
    """Pure geography: the caller brings the country names, no database."""
    with app.test_request_context():
        place = resolve_place("Alexandria, Romania", {"Romania": "RO", "RO": "RO"})
        assert 43 < place.latitude < 44.5 and 24 < place.longitude < 26
        assert resolve_place("Almaty", {}).label.startswith("Almaty")


def test_a_capital_beats_a_foreign_namesake(ctx):
    """San Marino, California is larger than the capital of San Marino."""
    place = resolve_near("San Marino")
    assert geodesic((place.latitude, place.longitude), (43.94, 12.45)).km < 10
    assert place.label == "San Marino, SM"


@pytest.mark.parametrize("code", ["abc", "ALY"])
def test_airport_codes_are_not_places(ctx, code):
    """Albacete and Alexandria carry these codes among their alternate names."""
    with pytest.raises(ValidationFailed):
        resolve_near(code)
