"""The map page, and the map libraries served from installed packages."""

import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from flask import Blueprint, abort, render_template, request, send_from_directory
from flask_babel import lazy_gettext as _l

from migratory.geo.services import browsing_map, map_config, map_tiles
from migratory.inventory import queries
from migratory.inventory.schemas import parse_filters

bp = Blueprint("geo", __name__)

VENDOR_DIRS = {
    "leaflet": xstatic.pkg.leaflet.BASE_DIR,
    "leaflet_markercluster": xstatic.pkg.leaflet_markercluster.BASE_DIR,
}
PRESETS = (
    ("", _l("Whole UNECE region")),
    ("central-asia", _l("Central Asia")),
    ("south-caucasus", _l("South Caucasus")),
    ("eastern-europe", _l("Eastern Europe")),
    ("western-balkans", _l("Western Balkans")),
    ("eu-efta", _l("EU/EFTA")),
    ("north-america", _l("North America")),
)


@bp.get("/map")
def map_page():
    """Institutions on a map, filtered like the list; points come from the API."""
    filters, errors = parse_filters(request.args)
    parts = browsing_map(filters.get("region"))
    return render_template(
        "geo/map.html",
        map=parts,
        config=map_config(parts),
        tiles=map_tiles(),
        filters=filters,
        filter_errors=errors,
        countries=queries.all_countries(),
        regions=queries.all_regions(),
        presets=PRESETS,
    )


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    """A file of a front-end library installed as an xstatic package."""
    if package not in VENDOR_DIRS:
        abort(404)
    return send_from_directory(VENDOR_DIRS[package], filename, max_age=86400)
