"""What is near a place: institutions within a radius, nearest first.

The place is a city name (looked up in the offline gazetteer, never a network
service, since this runs during page requests) or "latitude,longitude".
Distances shown are geodesic (geopy.distance). A bounding box narrows the
candidates in SQL, then a great-circle formula (a few hundred times cheaper
than geopy's ellipsoid) filters and orders them; only entries within 0.6% of
the radius, where the two can disagree, and those on the page shown get the
geodesic distance. So a circle over a whole region costs milliseconds, not
seconds.
"""

import math
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from geopy.distance import geodesic
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from migratory.core.errors import ValidationFailed
from migratory.extensions import db
from migratory.geo.geocoding import fold_place, offline_geocoder
from migratory.inventory.models import Country, Institution
from migratory.inventory.queries import filtered_select
from migratory.search.querying import has_search_words
from migratory.search.services import matching_ids

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


@dataclass
class NearbyPage:
    """A page of (institution, distance in km), nearest first."""

    place: Place
    radius_km: float
    total: int
    page: int
    per_page: int
    items: list[tuple[Institution, float]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def resolve_place(text: str) -> Place:
    """The point named by `text`: coordinates, or a city of the inventory's
    countries ("Almaty", "Алматы", "Vienna, Austria"); ValidationFailed if unknown.
    """
    text = (text or "").strip()[:200]
    match = COORDINATES.match(text)
    if match:
        latitude, longitude = float(match[1]), float(match[2])
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ValidationFailed(_("Coordinates are out of range."))
        return Place(latitude, longitude, f"{latitude:.4f}, {longitude:.4f}")
    countries = _countries_by_name()
    city, _comma, tail = text.rpartition(",")
    country = countries.get(fold_place(tail)) if city else None
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


def _countries_by_name() -> dict[str, str]:
    """Folded country names, aliases and codes -> alpha-2 code."""
    names = {}
    for country in db.session.scalars(select(Country)):
        aliases = (country.aliases or "").split(";")
        for name in (country.iso2, country.name_en, country.name_ru, *aliases):
            if name and name.strip():
                names[fold_place(name)] = country.iso2
    return names


def distances_near(
    place: Place, radius_km: float, filters: dict, ids: list[int] | None = None
) -> list[tuple[int, float]]:
    """(id, km) of the published institutions matching `filters` (and among
    `ids`, if given) within `radius_km` of `place`, nearest first."""
    query = filtered_select(filters).where(*_bounding_box(place, radius_km))
    if ids is not None:
        query = query.where(Institution.id.in_(ids))
    rows = db.session.execute(
        query.with_only_columns(
            Institution.id,
            Institution.latitude,
            Institution.longitude,
            Institution.name_key,
        )
    )
    origin = (place.latitude, place.longitude)
    found = []
    for ident, latitude, longitude, name_key in rows:
        distance = _great_circle_km(origin, latitude, longitude)
        if distance > radius_km * (1 + BORDERLINE):
            continue
        if distance > radius_km * (1 - BORDERLINE):
            distance = geodesic(origin, (latitude, longitude)).km
            if distance > radius_km:
                continue
        found.append((distance, name_key, ident))
    found.sort()
    return [(ident, distance) for distance, _key, ident in found]


def institutions_by_ids(wanted: list[int]) -> list[Institution]:
    """These institutions in this order, names and topics loaded with them."""
    loaded = {
        i.id: i
        for i in db.session.scalars(
            select(Institution)
            .where(Institution.id.in_(wanted))
            .options(
                selectinload(Institution.names), selectinload(Institution.topic_links)
            )
        )
    }
    return [loaded[ident] for ident in wanted if ident in loaded]


def institutions_for_export(filters: dict, limit: int) -> list[Institution]:
    """The institutions of a `near` filter, nearest first, for a download."""
    place, radius, ids = near_search(filters)
    near = distances_near(place, radius, filters, ids)[:limit]
    return institutions_by_ids([ident for ident, _km in near])


def _with_distances(place: Place, near: list[tuple[int, float]]) -> list:
    """The institutions of `near`, in its order, with geodesic distances."""
    loaded = {i.id: i for i in institutions_by_ids([ident for ident, _km in near])}
    wanted = [ident for ident, _km in near]
    origin = (place.latitude, place.longitude)
    return [
        (
            loaded[ident],
            geodesic(origin, (loaded[ident].latitude, loaded[ident].longitude)).km,
        )
        for ident in wanted
        if ident in loaded
    ]


def _great_circle_km(origin: tuple[float, float], latitude, longitude) -> float:
    """Haversine distance on the mean-radius sphere."""
    phi1, phi2 = math.radians(origin[0]), math.radians(latitude)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(longitude - origin[1]) / 2
    a = (
        math.sin(half_dphi) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _bounding_box(place: Place, radius_km: float) -> list:
    """SQL conditions of a latitude/longitude box that holds the whole circle."""
    spread = radius_km / KM_PER_DEGREE * 1.01
    conditions = [
        Institution.latitude.is_not(None),
        Institution.latitude.between(place.latitude - spread, place.latitude + spread),
    ]
    cosine = math.cos(math.radians(min(abs(place.latitude) + spread, 90.0)))
    if cosine > 0.01:
        width = spread / cosine
        west, east = place.longitude - width, place.longitude + width
        if west >= -180 and east <= 180:  # else the box crosses the antimeridian
            conditions.append(Institution.longitude.between(west, east))
    return conditions


def nearby_page(
    place: Place,
    radius_km: float,
    filters: dict,
    *,
    page: int,
    per_page: int,
    ids: list[int] | None = None,
) -> NearbyPage:
    """One page of the institutions near `place`; only its entries are loaded."""
    near = distances_near(place, radius_km, filters, ids)
    start = (page - 1) * per_page
    items = _with_distances(place, near[start : start + per_page])
    return NearbyPage(place, radius_km, len(near), page, per_page, items)


def find_nearby(filters: dict, *, page: int, per_page: int) -> NearbyPage:
    """The list filters' `near` search: place resolved, words (`q`) applied."""
    place, radius, ids = near_search(filters)
    return nearby_page(place, radius, filters, page=page, per_page=per_page, ids=ids)


def near_search(filters: dict) -> tuple[Place, float, list[int] | None]:
    """The place, radius and (with words in `q`) matching ids of a `near` filter."""
    place = resolve_place(filters["near"])
    ids = None
    if has_search_words(filters.get("q")):
        ids = matching_ids(filters["q"], filters)
    return place, filters.get("radius_km") or DEFAULT_RADIUS_KM, ids
