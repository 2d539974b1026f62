"""Geo services: where institutions are (geocoding on save) and their maps."""

import logging
from collections.abc import Mapping

from flask import current_app, url_for
from flask_babel import gettext as _
from geopy.exc import GeopyError
from geopy.geocoders.base import Geocoder

from migratory.geo.geocoding import Found, find_location, offline_geocoder
from migratory.geo.maps import (
    PRESET_BOUNDS,
    Assets,
    MapParts,
    Tiles,
    location_map,
    overview_map,
    tiles_from_setting,
)

logger = logging.getLogger(__name__)
LIST_LIMIT = 200  # institutions listed under the map; the list page has the rest
LOCATION_FIELDS = ("address", "city", "country_code")
COORDINATE_FIELDS = ("latitude", "longitude", "geo_source", "geo_precision")
# Coordinates typed by a person are taken as pointing at the building.
ENTERED_PRECISION = "address"
SAME_POINT_DEGREES = 1e-6  # about 10 cm: what a form's round trip may change


def locate(values: dict, geocoder: Geocoder | None = None) -> Found | None:
    """Where the address, city and country of `values` are, or None.

    Without a geocoder, the offline gazetteer: saves never wait on the network
    (they happen during page requests); `flask geo fill` passes the configured
    one.
    """
    geocoder = geocoder or offline_geocoder()
    try:
        return find_location(
            geocoder,
            address=values.get("address"),
            city=values.get("city"),
            country_code=values["country_code"],
        )
    except GeopyError:
        logger.warning(
            "Geocoder %s failed for %s, %s",
            type(geocoder).__name__,
            values.get("city"),
            values["country_code"],
        )
        return None


def placement(stored: dict, data: dict) -> dict:
    """The coordinate fields an entry should have once `data` is applied.

    `stored` holds the entry's location and coordinate fields as saved (empty
    for a new entry); `data` the validated changes, where a missing key means
    "keep". Coordinates that differ from the stored ones were entered by hand
    (at address precision), unless `data` says where they came from and how
    precise they are (imports, restores, the seed). Unchanged ones are kept, except
    that an entry whose address, city or country changed is geocoded again,
    and cleared if its new place cannot be found: no coordinates are better
    than a wrong place. Only coordinates a person entered stay where they are.
    """
    after = {**stored, **data}
    coordinates = (after.get("latitude"), after.get("longitude"))
    current = {field: after.get(field) for field in COORDINATE_FIELDS}
    if coordinates[0] is not None and not _same_point(coordinates, stored):
        source = data.get("geo_source") or "entered"
        default = {"entered": ENTERED_PRECISION, "gazetteer": "city"}.get(source)
        current.update(
            geo_source=source, geo_precision=data.get("geo_precision") or default
        )
        return current
    moved = any(after.get(f) != stored.get(f) for f in LOCATION_FIELDS if f in data)
    if coordinates[0] is not None and (not moved or _pinned(current)):
        return current
    found = locate(after)
    if found is None:
        return dict.fromkeys(COORDINATE_FIELDS)
    return {
        "latitude": found.latitude,
        "longitude": found.longitude,
        "geo_source": found.source,
        "geo_precision": found.precision,
    }


def _pinned(current: dict) -> bool:
    """Entered coordinates stay when the entry moves, unless they were only
    ever its city's or country's (the seed's are), which a move makes wrong."""
    precise = current["geo_precision"] not in ("city", "country")
    return current["geo_source"] == "entered" and precise


def _same_point(coordinates: tuple, stored: dict) -> bool:
    if stored.get("latitude") is None or stored.get("longitude") is None:
        return False
    return (
        abs(coordinates[0] - stored["latitude"]) < SAME_POINT_DEGREES
        and abs(coordinates[1] - stored["longitude"]) < SAME_POINT_DEGREES
    )


def place(values: dict) -> None:
    """Fill the coordinates and their provenance of a new record in place."""
    values.update(placement({}, values))


def map_tiles() -> Tiles:
    """The configured base layer (MAP_TILES)."""
    return tiles_from_setting(
        current_app.config["MAP_TILES"], current_app.config["MAP_TILES_ATTRIBUTION"]
    )


def map_assets() -> Assets:
    """Leaflet and Leaflet.markercluster, served by the app itself."""
    return Assets(
        leaflet_js=_vendor("leaflet", "leaflet.js"),
        leaflet_css=_vendor("leaflet", "leaflet.css"),
        cluster_js=_vendor("leaflet_markercluster", "leaflet.markercluster.js"),
        cluster_css=(
            _vendor("leaflet_markercluster", "MarkerCluster.css"),
            _vendor("leaflet_markercluster", "MarkerCluster.Default.css"),
        ),
    )


def _vendor(package: str, filename: str) -> str:
    return url_for("geo.vendor", package=package, filename=filename)


def browsing_map(region: str | None = None) -> MapParts:
    """The overview map, first fitted to a region preset (or the whole region)."""
    bounds = PRESET_BOUNDS.get(region or "", PRESET_BOUNDS[""])
    return overview_map(
        map_tiles(),
        map_assets(),
        bounds=bounds,
        layer_names=(_("Institutions"), _("Institutions per country")),
    )


def small_map(latitude: float, longitude: float) -> MapParts:
    """A small map of one location."""
    return location_map(map_tiles(), map_assets(), latitude, longitude)


def map_config(
    parts: MapParts,
    *,
    countries: Mapping[str, str],
    categories: Mapping[str, str],
    fixed: dict | None = None,
) -> dict:
    """What the map script needs: layer names, URLs, labels, texts.

    `countries` and `categories` name the codes the points carry (country
    code -> name, category -> label); `fixed` filters (e.g. one country)
    apply whatever the page's form says.
    """
    from migratory.geo.outlines import current_outlines

    return {
        "names": parts.names,
        "geojson": url_for("api.institutions_geojson"),
        "outlines": url_for("geo.outlines", version=current_outlines().version),
        "presets": {slug: list(map(list, box)) for slug, box in PRESET_BOUNDS.items()},
        "detailUrl": url_for("inventory.detail", slug="SLUG"),
        "listUrl": url_for("inventory.institution_list"),
        "categories": {slug: str(label) for slug, label in categories.items()},
        "countries": dict(countries),
        "fixed": fixed,
        "listLimit": LIST_LIMIT,
        "text": {
            "loading": _("Loading institutions…"),
            "count": _("%(shown)s institutions on the map", shown="{n}"),
            "none": _("No institution with a location matches these filters."),
            "failed": _(
                "The institutions could not be loaded. "
                "Check your connection and try again."
            ),
            "more": _("The first %(limit)s are listed, by name.", limit="{limit}"),
            "seeAll": _("See all %(total)s in the list view", total="{n}"),
            "details": _("Details"),
            "inCountry": _("%(count)s institutions", count="{n}"),
            "listCountry": _("List them"),
        },
    }
