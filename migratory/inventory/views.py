"""Public pages of the inventory: home, list, detail, countries and regions."""

import json

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from migratory.core.errors import ValidationFailed
from migratory.core.panels import panels
from migratory.extensions import limiter
from migratory.geo.services import browsing_map, map_config, small_map
from migratory.inventory import queries
from migratory.inventory.caching import public_page
from migratory.inventory.exporting import EXPORT_FORMATS, export_response
from migratory.inventory.filtering import parse_facet_filters
from migratory.inventory.listing import describe_filters, facets_html, filter_query
from migratory.inventory.located import map_labels
from migratory.inventory.permissions import may_edit_institution
from migratory.inventory.services import get_institution
from migratory.moderation.dashboard import is_stale
from migratory.search.finder import (
    FoundPage,
    InstitutionFilters,
    find_institutions,
    iter_found,
)
from migratory.search.kind_search import search_all_kinds

bp = Blueprint("inventory", __name__)
EXPORT_LIMIT = 100_000


@bp.get("/")
@public_page
def home():
    """Front page: what the inventory is, counts, recent entries, search box."""
    return render_template(
        "inventory/home.html",
        total=queries.total_published(),
        by_category=queries.counts_by_category(),
        by_region=queries.counts_by_region(),
        recent=queries.recently_updated(),
    )


@bp.get("/institutions")
@public_page
def institution_list():
    """Published institutions: near a place, searched when `q` has words, else
    filtered and sorted."""
    filters, errors = parse_facet_filters(request.args)
    filters["per_page"] = filters.get("per_page") or current_app.config["PER_PAGE"]
    found = _found_or_explained(filters, errors)
    countries, regions = queries.country_options(), queries.region_options()
    query = filter_query(filters)
    return render_template(
        "inventory/list.html",
        results=found.rows,
        pagination=found,
        search=found.search,
        nearby=found if found.place else None,
        filters=filters,
        filter_errors=errors,
        active_filters=describe_filters(filters, countries, regions),
        facets_html=facets_html(filters, found.search),
        countries=countries,
        regions=regions,
        map_link=url_for("geo.map_page") + query,
        export_links={
            fmt: url_for("inventory.institution_export", fmt=fmt) + query
            for fmt in EXPORT_FORMATS
        },
        # Data sources, links (and later posts, events) matching the words.
        other_kinds=search_all_kinds(filters["q"]) if found.search else [],
    )


def _found_or_explained(filters: dict, errors: dict) -> FoundPage:
    """The page the filters find; an unknown place is explained in `errors`
    and left out of `filters`, the other filters still apply."""
    wanted = InstitutionFilters.from_mapping(filters)
    page, per_page = filters["page"], filters["per_page"]
    try:
        return find_institutions(wanted, page=page, per_page=per_page)
    except ValidationFailed as exc:
        errors["near"] = [exc.message]
        filters.pop("near")
        return find_institutions(wanted.without_near(), page=page, per_page=per_page)


@bp.get("/institutions/export.<fmt>")
@limiter.limit(lambda: current_app.config["EXPORT_LIMIT_RATE"])
def institution_export(fmt: str):
    """Download the institutions of the current filter."""
    if fmt not in EXPORT_FORMATS:
        abort(404)
    filters, _ = parse_facet_filters(request.args)
    found = iter_found(InstitutionFilters.from_mapping(filters), EXPORT_LIMIT)
    return export_response(found, fmt)


@bp.get("/institutions/<slug>")
@public_page
def detail(slug: str):
    """Everything about one published institution."""
    institution = get_institution(slug, published_only=True)
    return render_template(
        "inventory/detail.html",
        institution=institution,
        json_ld=json_ld(institution),
        public_contacts=[c for c in institution.contacts if c.is_public],
        location_map=small_map(institution.latitude, institution.longitude)
        if institution.latitude is not None
        else None,
        can_edit=may_edit_institution(current_user, institution),
        stale=is_stale(institution),
        panels=panels("institution", institution),
    )


def json_ld(institution) -> str:
    """schema.org Organization markup, safe to embed in a <script> element."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": institution.name,
        "url": url_for("inventory.detail", slug=institution.slug, _external=True),
        "alternateName": [n.name for n in institution.names]
        + ([institution.acronym] if institution.acronym else []),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": institution.city,
            "addressCountry": institution.country_code,
            "streetAddress": institution.address,
        },
    }
    if institution.website:
        data["sameAs"] = institution.website
    if institution.summary:
        data["description"] = institution.summary
    if institution.latitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": institution.latitude,
            "longitude": institution.longitude,
        }
    text = json.dumps(data, ensure_ascii=False)
    # Escape characters that could close the <script> element or open a comment.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@bp.get("/countries")
@public_page
def country_index():
    """All countries with links to their pages."""
    return render_template(
        "inventory/countries.html", countries=queries.all_countries()
    )


@bp.get("/countries/<alpha2>")
@public_page
def country(alpha2: str):
    """The published institutions of one country, by category."""
    country = queries.get_country(alpha2)
    grouped = queries.institutions_by_category({"country": country.iso2})
    return render_template(
        "inventory/place.html",
        place=country,
        grouped=grouped,
        filter_args={"country": country.iso2},
        panels=panels("country", country),
        **place_map({"country": country.iso2}),
    )


def place_map(fixed: dict) -> dict:
    """Template arguments of the map of one country's or region's institutions."""
    parts = browsing_map(fixed.get("region"))
    config = map_config(parts, **map_labels(), fixed=fixed)
    return {"map": parts, "map_config": config}


@bp.get("/regions")
@public_page
def region_index():
    """All regions and groupings."""
    return render_template("inventory/regions.html", regions=queries.all_regions())


@bp.get("/regions/<slug>")
@public_page
def region(slug: str):
    """The published institutions of one region, by category."""
    region = queries.get_region(slug)
    grouped = queries.institutions_by_category({"region": region.slug})
    return render_template(
        "inventory/place.html",
        place=region,
        grouped=grouped,
        filter_args={"region": region.slug},
        **place_map({"region": region.slug}),
    )
