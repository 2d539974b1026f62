"""Geocoding services: coordinates for institutions written without them."""

import logging

from flask import current_app, url_for
from flask_babel import gettext as _
from geopy.exc import GeopyError

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
PRECISIONS = ("address", "city", "country")
LIST_LIMIT = 200  # institutions listed under the map; the list page has the rest


def locate(city: str | None, country_code: str) -> tuple[float, float, str] | None:
    """(latitude, longitude, geocoder name) of a city in a country, or None."""
    if not city:
        return None
    name = current_app.config["GEOCODER"]
    try:
        location = current_app.extensions["geocoder"].geocode(
            city, country_codes=country_code
        )
    except GeopyError:
        logger.warning("Geocoder %s failed for %s, %s", name, city, country_code)
        return None
    if location is None:
        return None
    return location.latitude, location.longitude, name


def place(values: dict) -> None:
    """Fill coordinates and their provenance in `values` (a record or changes).

    Entered coordinates are kept and marked so; missing ones come from the
    geocoder by city and country, with city precision.
    """
    if values.get("latitude") is not None:
        values["geo_source"] = values.get("geo_source") or "entered"
        return
    found = locate(values.get("city"), values["country_code"])
    if found:
        latitude, longitude, source = found
        values.update(
            latitude=latitude,
            longitude=longitude,
            geo_source=source,
            geo_precision="city",
        )
    else:
        values.update(geo_source=None, geo_precision=None)


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


def map_config(parts: MapParts, *, fixed: dict | None = None) -> dict:
    """What the map script needs: layer names, URLs, labels, texts.

    `fixed` filters (e.g. one country) apply whatever the page's form says.
    """
    from migratory.inventory.queries import all_countries
    from migratory.inventory.vocab import CATEGORIES

    return {
        "names": parts.names,
        "geojson": url_for("api.institutions_geojson"),
        "outlines": url_for("static", filename="geo/unece-countries.geojson"),
        "presets": {slug: list(map(list, box)) for slug, box in PRESET_BOUNDS.items()},
        "detailUrl": url_for("inventory.detail", slug="SLUG"),
        "listUrl": url_for("inventory.institution_list"),
        "categories": {slug: str(label) for slug, label in CATEGORIES.items()},
        "countries": {c.iso2: c.name for c in all_countries()},
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
