"""What is near a place: the place, the distances, and a box around a circle.

The place is a city name (looked up in the offline gazetteer, never a network
service, since this runs during page requests) or "latitude,longitude".
Distances shown are geodesic (geopy.distance). A bounding box narrows the
candidates in SQL, then a great-circle formula (a few hundred times cheaper
than geopy's ellipsoid) filters and orders them; only entries within 0.6% of
the radius, where the two can disagree, and those on the page shown get the
geodesic distance. So a circle over a whole region costs milliseconds, not
seconds.

Pure geography: the caller brings the country names, the columns and the rows.
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from geopy.distance import geodesic

from migratory.core.errors import ValidationFailed
from migratory.geo.geocoding import fold_place, offline_geocoder

NUMBER = r"(-?\d{1,3}(?:\.\d+)?)"
COORDINATES = re.compile(rf"^\s*{NUMBER}\s*[,; ]\s*{NUMBER}\s*$")
KM_PER_DEGREE = 111.2
DEFAULT_RADIUS_KM = 200.0
EARTH_RADIUS_KM = 6371.0088  # mean radius: great-circle within 0.5% of geodesic
BORDERLINE = 0.006  # relative band around the radius decided by geodesic


@dataclass(frozen=True)
class Place:
    """A resolved point with the name it was found under."""

    latitude: float
    longitude: float
    label: str


def resolve_place(text: str, country_names: Mapping[str, str]) -> Place:
    """The point named by `text`: coordinates, or a city of the inventory's
    countries ("Almaty", "Алматы", "Vienna, Austria"); ValidationFailed if unknown.

    `country_names` maps the countries' names, aliases and codes to their
    alpha-2 codes: a country after the last comma narrows the city.
    """
    text = (text or "").strip()[:200]
    match = COORDINATES.match(text)
    if match:
        latitude, longitude = float(match[1]), float(match[2])
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValidationFailed(_("Coordinates are out of range."))
        return Place(latitude, longitude, f"{latitude:.4f}, {longitude:.4f}")
    city, _comma, tail = text.rpartition(",")
    country = _folded(country_names).get(fold_place(tail)) if city else None
    # The gazetteer holds the inventory's countries only; without one named,
    # a capital beats its namesakes, then the most populous wins.
    location = offline_geocoder().geocode(
        city if country else text, country_codes=country
    )
    if location is None:
        raise ValidationFailed(
            _(
                "No city called “%(place)s” is known in the inventory's countries. "
                "Try another spelling, or coordinates such as 43.24, 76.89.",
                place=text,
            )
        )
    return Place(location.latitude, location.longitude, location.address)


def _folded(country_names: Mapping[str, str]) -> dict[str, str]:
    """Folded names -> alpha-2 code (blank names left out)."""
    return {
        fold_place(name): code for name, code in country_names.items() if name.strip()
    }


def within_radius(
    place: Place, radius_km: float, rows: Iterable[tuple]
) -> list[tuple[int, float]]:
    """(id, km) of the `rows` (id, latitude, longitude, tie-breaker) within
    `radius_km` of `place`, nearest first (equal distances by tie-breaker)."""
    origin = (place.latitude, place.longitude)
    found = []
    for ident, latitude, longitude, tie in rows:
        distance = great_circle_km(origin, latitude, longitude)
        if distance > radius_km * (1 + BORDERLINE):
            continue
        if distance > radius_km * (1 - BORDERLINE):
            distance = geodesic(origin, (latitude, longitude)).km
            if distance > radius_km:
                continue
        found.append((distance, tie, ident))
    found.sort()
    return [(ident, distance) for distance, _tie, ident in found]


def geodesic_km(place: Place, latitude: float, longitude: float) -> float:
    """The distance shown to readers: geodesic, on the WGS-84 ellipsoid."""
    return geodesic((place.latitude, place.longitude), (latitude, longitude)).km


def great_circle_km(origin: tuple[float, float], latitude, longitude) -> float:
    """Haversine distance on the mean-radius sphere."""
    phi1, phi2 = math.radians(origin[0]), math.radians(latitude)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(longitude - origin[1]) / 2
    a = (
        math.sin(half_dphi) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(place: Place, radius_km: float, latitude, longitude) -> list:
    """SQL conditions on the `latitude` and `longitude` columns of a box that
    holds the whole circle."""
    spread = radius_km / KM_PER_DEGREE * 1.01
    conditions = [
        latitude.is_not(None),
        latitude.between(place.latitude - spread, place.latitude + spread),
    ]
    cosine = math.cos(math.radians(min(abs(place.latitude) + spread, 90.0)))
    if cosine > 0.01:
        width = spread / cosine
        west, east = place.longitude - width, place.longitude + width
        if west >= -180 and east <= 180:  # else the box crosses the antimeridian
            conditions.append(longitude.between(west, east))
    return conditions
