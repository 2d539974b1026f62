"""The offline gazetteer finds real places, in Latin or Cyrillic, and never guesses."""

import pytest
from geopy.distance import geodesic

from migratory.geo.geocoding import GazetteerGeocoder, fold_place, make_geocoder

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
