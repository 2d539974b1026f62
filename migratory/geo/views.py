"""The map page, the outline background, and the map libraries from packages."""

import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import lazy_gettext as _l

from migratory.core.errors import ValidationFailed
from migratory.geo.outlines import current_outlines
from migratory.geo.services import browsing_map, map_config, map_tiles
from migratory.geo.texts import map_texts
from migratory.inventory import queries
from migratory.inventory.caching import page_key_parts, public_page
from migratory.inventory.filtering import parse_facet_filters
from migratory.inventory.located import map_labels
from migratory.search.finder import resolve_near

bp = Blueprint("geo", __name__)
bp.add_app_template_global(map_texts)

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
A_YEAR = 365 * 24 * 3600
# Pages with a map link the outlines by version: a new file makes new pages.
page_key_parts.append(lambda: current_outlines().version)


@bp.get("/map")
@public_page
def map_page():
    """Institutions on a map, filtered like the list; points come from the API."""
    filters, errors = parse_facet_filters(request.args)
    if filters.get("near"):
        try:
            resolve_near(filters["near"])
        except ValidationFailed as exc:  # the map would load nothing: say why
            errors["near"] = [exc.message]
            filters.pop("near")
    regions = filters.get("region") or [None]
    parts = browsing_map(regions[0] if len(regions) == 1 else None)
    return render_template(
        "geo/map.html",
        map=parts,
        config=map_config(parts, **map_labels()),
        tiles=map_tiles(),
        filters=filters,
        filter_errors=errors,
        countries=queries.country_options(),
        regions=queries.region_options(),
        presets=PRESETS,
    )


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    """A file of a front-end library installed as an xstatic package."""
    if package not in VENDOR_DIRS:
        abort(404)
    return send_from_directory(VENDOR_DIRS[package], filename, max_age=86400)


@bp.app_template_global()
def outlines_url() -> str:
    """URL of the outline background; it changes whenever the file does."""
    return url_for("geo.outlines", version=current_outlines().version)


@bp.get("/geo/countries-<version>.geojson")
def outlines(version: str):
    """Country outlines, gzipped once and cacheable for a year (versioned URL).

    Flask-Compress leaves send_file responses to its streaming algorithms,
    which do not include gzip, and static files are revalidated on every page.
    """
    found = current_outlines()
    if version != found.version:
        return redirect(url_for("geo.outlines", version=found.version))
    gzipped = request.accept_encodings.quality("gzip") > 0
    response = Response(
        found.gzipped if gzipped else found.raw, mimetype="application/geo+json"
    )
    if gzipped:
        response.content_encoding = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(found.version + ("-gzip" if gzipped else ""))
    response.cache_control.public = True
    response.cache_control.max_age = A_YEAR
    response.cache_control.immutable = True
    return response.make_conditional(request)
