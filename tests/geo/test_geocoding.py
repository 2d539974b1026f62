"""The offline gazetteer finds real places, in Latin or Cyrillic, and never guesses.

Nominatim is only configured and its answers interpreted: never called.
"""

import pytest
from geopy.distance import geodesic
from sqlalchemy import select

from migratory.extensions import db
from migratory.geo.geocoding import (
    GazetteerGeocoder,
    _index,
    find_location,
    finer,
    fold_place,
    inventory_countries,
    is_code_like,
    make_geocoder,
    nominatim_precision,
)
from migratory.inventory.models import Country
from tests.geo.fakes import FakeNominatim

# Capitals of the 56 UNECE member States and Afghanistan (public coordinates).
CAPITALS = [
    ("AL", "Tirana", 41.33, 19.82),
    ("AD", "Andorra la Vella", 42.51, 1.52),
    ("AM", "Yerevan", 40.18, 44.51),
    ("AT", "Vienna", 48.21, 16.37),
    ("AZ", "Baku", 40.41, 49.87),
    ("BY", "Minsk", 53.90, 27.57),
    ("BE", "Brussels", 50.85, 4.35),
    ("BA", "Sarajevo", 43.86, 18.41),
    ("BG", "Sofia", 42.70, 23.32),
    ("CA", "Ottawa", 45.42, -75.70),
    ("HR", "Zagreb", 45.81, 15.98),
    ("CY", "Nicosia", 35.17, 33.37),
    ("CZ", "Prague", 50.08, 14.44),
    ("DK", "Copenhagen", 55.68, 12.57),
    ("EE", "Tallinn", 59.44, 24.75),
    ("FI", "Helsinki", 60.17, 24.94),
    ("FR", "Paris", 48.86, 2.35),
    ("GE", "Tbilisi", 41.72, 44.79),
    ("DE", "Berlin", 52.52, 13.40),
    ("GR", "Athens", 37.98, 23.73),
    ("HU", "Budapest", 47.50, 19.04),
    ("IS", "Reykjavik", 64.15, -21.94),
    ("IE", "Dublin", 53.35, -6.26),
    ("IL", "Jerusalem", 31.77, 35.22),
    ("IT", "Rome", 41.90, 12.50),
    ("KZ", "Astana", 51.17, 71.45),
    ("KG", "Bishkek", 42.87, 74.59),
    ("LV", "Riga", 56.95, 24.11),
    ("LI", "Vaduz", 47.14, 9.52),
    ("LT", "Vilnius", 54.69, 25.28),
    ("LU", "Luxembourg", 49.61, 6.13),
    ("MT", "Valletta", 35.90, 14.51),
    ("MC", "Monaco", 43.74, 7.42),
    ("ME", "Podgorica", 42.44, 19.26),
    ("NL", "Amsterdam", 52.37, 4.90),
    ("MK", "Skopje", 42.00, 21.43),
    ("NO", "Oslo", 59.91, 10.75),
    ("PL", "Warsaw", 52.23, 21.01),
    ("PT", "Lisbon", 38.72, -9.14),
    ("MD", "Chisinau", 47.01, 28.86),
    ("RO", "Bucharest", 44.43, 26.10),
    ("RU", "Moscow", 55.76, 37.62),
    ("SM", "San Marino", 43.94, 12.45),
    ("RS", "Belgrade", 44.79, 20.45),
    ("SK", "Bratislava", 48.15, 17.11),
    ("SI", "Ljubljana", 46.06, 14.51),
    ("ES", "Madrid", 40.42, -3.70),
    ("SE", "Stockholm", 59.33, 18.07),
    ("CH", "Bern", 46.95, 7.45),
    ("TJ", "Dushanbe", 38.56, 68.79),
    ("TR", "Ankara", 39.93, 32.86),
    ("TM", "Ashgabat", 37.95, 58.38),
    ("UA", "Kyiv", 50.45, 30.52),
    ("GB", "London", 51.51, -0.13),
    ("US", "Washington", 38.91, -77.04),
    ("UZ", "Tashkent", 41.30, 69.24),
    ("AF", "Kabul", 34.53, 69.17),
]


@pytest.fixture(scope="module")
def gazetteer():
    return GazetteerGeocoder()


def test_every_member_state_and_afghanistan_is_covered():
    assert len({country for country, *_ in CAPITALS}) == 57


@pytest.mark.parametrize(("country", "city", "lat", "lon"), CAPITALS)
def test_capitals_resolve_within_25_km(gazetteer, country, city, lat, lon):
    location = gazetteer.geocode(city, country_codes=country)
    assert location is not None, city
    assert geodesic((location.latitude, location.longitude), (lat, lon)).km < 25


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Бишкек", "KG", "Bishkek"),
        ("Москва", "RU", "Moscow"),
        ("Ташкент", "UZ", "Tashkent"),
        ("Київ", "UA", "Kyiv"),
        ("Алма-Ата", "KZ", "Almaty"),
        ("ZÜRICH", "CH", "Zürich"),
        ("chişinău", "MD", "Chisinau"),
    ],
)
def test_other_scripts_cases_and_accents(gazetteer, name, country, expected):
    assert gazetteer.geocode(name, country_codes=country).raw["name"] == expected


def test_unknown_places_give_nothing_rather_than_a_wrong_place(gazetteer):
    assert gazetteer.geocode("Nowhereville", country_codes="KZ") is None
    assert gazetteer.geocode("Almaty", country_codes="FR") is None
    assert gazetteer.geocode("", country_codes="KZ") is None
    assert gazetteer.geocode("   ", country_codes=None) is None


def test_the_most_populous_namesake_wins(gazetteer):
    # Several places in the United States are called Washington.
    location = gazetteer.geocode("Washington", country_codes="US")
    assert geodesic(location.point, (38.91, -77.04)).km < 25


def test_fold_place():
    assert fold_place("  Chişinău ") == fold_place("CHISINAU") == "chisinau"
    assert fold_place("Алма-Ата") == "алма ата"


def test_nominatim_is_configured_not_called():
    geocoder = make_geocoder("nominatim", user_agent="migratory-tests")
    assert geocoder.headers["User-Agent"] == "migratory-tests"
    assert geocoder.geocode.min_delay_seconds == 1.0
    with pytest.raises(ValueError):
        make_geocoder("google")


def test_only_the_inventory_countries_are_indexed(ctx):
    assert inventory_countries() == set(db.session.scalars(select(Country.iso2)))
    assert len(inventory_countries()) == 57
    indexed = {city.countrycode for cities in _index().values() for city in cities}
    assert indexed == inventory_countries()


def test_places_outside_the_region_are_unknown(gazetteer):
    assert gazetteer.geocode("Cairo", country_codes="EG") is None
    assert gazetteer.geocode("Alexandria").raw["countrycode"] != "EG"


@pytest.mark.parametrize("code", ["abc", "ABC", "ALY", "AEX", "Och"])
def test_codes_among_alternate_names_find_nothing(gazetteer, code):
    # Albacete's, Alexandria's (Egypt, Louisiana) airport codes; Osh in French.
    assert gazetteer.geocode(code) is None


def test_real_names_still_resolve_however_short(gazetteer):
    assert gazetteer.geocode("Ош", country_codes="KG").raw["name"] == "Osh"
    assert gazetteer.geocode("Osh").raw["name"] == "Osh"
    # Osh's airport code is also the name of a Dutch town: that one it is.
    assert gazetteer.geocode("OSS").raw["countrycode"] == "NL"


@pytest.mark.parametrize(
    ("alternate", "code_like"),
    [
        ("ABC", True),
        ("KZALA", True),
        ("Os", True),
        ("Oš", True),
        ("A1", True),
        ("Ош", False),
        ("Öşbe", False),
        ("Roma", False),
        ("Алма-Ата", False),
    ],
)
def test_is_code_like(alternate, code_like):
    assert is_code_like(alternate, fold_place(alternate)) is code_like


@pytest.mark.parametrize(
    ("query", "country", "lat", "lon"),
    [
        # San Marino, California is three times the size of the capital.
        ("San Marino", "SM", 43.94, 12.45),
        # Moscow, Idaho and Washington, Pennsylvania are only namesakes.
        ("Moscow", "RU", 55.76, 37.62),
        ("Washington", "US", 38.91, -77.04),
        ("Astana", "KZ", 51.17, 71.45),
    ],
)
def test_without_a_country_a_capital_beats_its_namesakes(
    gazetteer, query, country, lat, lon
):
    location = gazetteer.geocode(query)
    assert location.raw["countrycode"] == country
    assert location.raw["capital"] is True
    assert geodesic(location.point, (lat, lon)).km < 25


def test_without_a_country_the_largest_namesake_of_the_region_wins(gazetteer):
    """Alexandria, Virginia (160,000 people) over Alexandria, Romania (40,000);
    "Alexandria, Romania" picks the other (see test_nearby)."""
    location = gazetteer.geocode("Alexandria")
    assert geodesic(location.point, (38.80, -77.05)).km < 25
    every = gazetteer.geocode("Alexandria", exactly_one=False)
    assert {"US", "RO", "GB"} <= {found.raw["countrycode"] for found in every}


@pytest.mark.parametrize(
    ("raw", "precision"),
    [
        ({"place_rank": 30, "addresstype": "building"}, "address"),
        ({"place_rank": "26", "addresstype": "road"}, "address"),
        ({"place_rank": 16, "addresstype": "city"}, "city"),
        ({"place_rank": 19, "addresstype": "village"}, "city"),
        ({"place_rank": 8, "addresstype": "state"}, "country"),
        ({"place_rank": 4, "addresstype": "country"}, "country"),
        ({"addresstype": "town"}, "city"),
        ({"type": "country"}, "country"),
        ({"class": "amenity", "type": "university"}, "address"),
    ],
)
def test_nominatim_precision_from_its_answer(raw, precision):
    assert nominatim_precision(raw) == precision


def test_the_gazetteer_places_by_city_only(gazetteer):
    found = find_location(
        gazetteer, address="Abai Avenue 10", city="Almaty", country_code="KZ"
    )
    assert (found.source, found.precision) == ("gazetteer", "city")
    assert (
        find_location(gazetteer, address="Abai 10", city=None, country_code="KZ")
        is None
    )


def test_nominatim_is_asked_for_the_full_address_first():
    geocoder = FakeNominatim({"Abai Avenue 10, Almaty": (43.24, 76.95, 30)})
    found = find_location(
        geocoder, address="Abai Avenue 10", city="Almaty", country_code="KZ"
    )
    assert geocoder.queries == [("Abai Avenue 10, Almaty", "kz")]
    assert (found.latitude, found.longitude) == (43.24, 76.95)
    assert (found.source, found.precision) == ("nominatim", "address")


def test_nominatim_falls_back_to_the_city_then_nothing():
    geocoder = FakeNominatim({"Almaty": (43.25, 76.91, 16)})
    found = find_location(
        geocoder, address="Nowhere Lane 1", city="Almaty", country_code="KZ"
    )
    assert [q for q, _ in geocoder.queries] == ["Nowhere Lane 1, Almaty", "Almaty"]
    assert found.precision == "city"
    nothing = FakeNominatim()
    assert find_location(nothing, address=None, city="Xx", country_code="KZ") is None
    assert nothing.queries == [("Xx", "kz")]


def test_finer():
    assert finer("address", "city") and finer("city", "country")
    assert finer("country", None)
    assert not finer("city", "city") and not finer("country", "address")
