"""Read-only JSON API of the inventory; reuses services, queries and schemas."""

import json

from flask import Response, current_app, request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from marshmallow.validate import Range

from migratory.api.paging import list_page
from migratory.extensions import csrf
from migratory.inventory.caching import public_page
from migratory.inventory.filtering import FacetFilterSchema
from migratory.inventory.schemas import PublicInstitutionSchema
from migratory.inventory.services import get_institution
from migratory.search.finder import (
    InstitutionFilters,
    features_etag,
    find_institutions,
    institution_features,
)
from migratory.search.services import search_institutions, suggest_institutions

blp = Blueprint(
    "api", __name__, url_prefix="/api/v1", description="Inventory of institutions"
)
csrf.exempt(blp)


def error_doc(description: str, code: int, example: dict) -> dict:
    """An error response in the OpenAPI document, with the body it carries."""
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "example": {"code": code, **example},
            }
        },
    }


NUL_REFUSED = error_doc(
    "A NUL character in the path or the query string.",
    400,
    {"status": "Bad Request", "message": "The request contains a NUL character."},
)
BUSY = {
    **error_doc(
        "The database is busy (a long import, say): nothing was done; retry "
        "after the seconds in Retry-After.",
        503,
        {"status": "Service Unavailable", "message": "The database is busy ..."},
    ),
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
}
FILTERS_REFUSED = error_doc(
    "A filter is refused: `country` not the ISO alpha-2 code of a member State, "
    "`region` not a region's slug, `category`, `topic`, `role` or `sort` outside "
    "their vocabularies, `page` outside 1-100000, `per_page` outside 1-100, "
    "`near` longer than 200 characters, `radius_km` outside 1-5000. "
    "`errors.query` names each refused field with the reason.",
    422,
    {
        "status": "Unprocessable Entity",
        "errors": {"query": {"country": ["Unknown country code: XX."]}},
    },
)
NOT_FOUND = error_doc(
    "No published institution has this slug.",
    404,
    {"status": "Not Found", "message": "No such institution."},
)
FILTERED = {"responses": {400: NUL_REFUSED, 422: FILTERS_REFUSED, 503: BUSY}}


class InstitutionPageSchema(Schema):
    """A page of institutions with the total and a link to the next page."""

    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    next = fields.String(allow_none=True)
    results = fields.List(fields.Nested(PublicInstitutionSchema))
    # With `near`: each result's distance in km, in the same order.
    distances_km = fields.List(fields.Float(), allow_none=True)


@blp.get("/institutions")
@blp.arguments(FacetFilterSchema, location="query")
@blp.response(200, InstitutionPageSchema)
@blp.doc(**FILTERED)
def list_institutions(filters):
    """Published institutions, filtered (searched, with `q`; nearest first, with
    `near`) like the list page."""
    per_page = filters.get("per_page") or current_app.config["PER_PAGE"]
    wanted = InstitutionFilters.from_mapping(filters)
    found = find_institutions(wanted, page=filters["page"], per_page=per_page)
    return {
        **list_page(filters, found, per_page, found.institutions),
        "distances_km": [round(km, 1) for km in found.distances_km]
        if found.place
        else None,
    }


@blp.get("/institutions.geojson")
@public_page
@blp.arguments(FacetFilterSchema, location="query")
@blp.response(
    200,
    content_type="application/geo+json",
    description="A GeoJSON FeatureCollection of Points; properties slug, name, "
    "category, city and country (ISO alpha-2).",
)
@blp.doc(**FILTERED)
def institutions_geojson(filters):
    """Published institutions with coordinates, filtered like the list, as GeoJSON.

    The map draws from this; an ETag lets browsers skip unchanged downloads,
    and is known before the features are built, so revalidations are cheap.
    """
    wanted = InstitutionFilters.from_mapping(filters)
    etag = features_etag(wanted)
    if _unchanged_for_client(etag):
        response = Response(status=304)
    else:
        body = json.dumps(
            institution_features(wanted), ensure_ascii=False, separators=(",", ":")
        )
        response = Response(body, content_type="application/geo+json")
    response.set_etag(etag)
    response.cache_control.no_cache = True
    return response


def _unchanged_for_client(etag: str) -> bool:
    """The client holds this version: our ETag, or Flask-Compress's form of it
    for a compressed body ("<etag>:gzip")."""
    held = request.if_none_match.as_set() if request.if_none_match else set()
    return any(tag == etag or tag.startswith(etag + ":") for tag in held)


@blp.get("/institutions/<slug>")
@blp.response(200, PublicInstitutionSchema)
@blp.doc(responses={400: NUL_REFUSED, 404: NOT_FOUND, 503: BUSY})
def get_one(slug):
    """One published institution."""
    return get_institution(slug, published_only=True)


class SearchArgsSchema(FacetFilterSchema):
    """Search words plus the list filters."""


class SearchHitSchema(Schema):
    """One ranked result; `snippet` is HTML with <mark> around matched words."""

    slug = fields.String()
    name = fields.String()
    acronym = fields.String(allow_none=True)
    country = fields.String()
    category = fields.String()
    score = fields.Float()
    snippet = fields.String()


class SearchPageSchema(Schema):
    """A page of search results with facet counts of the whole match."""

    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    results = fields.List(fields.Nested(SearchHitSchema))
    facets = fields.Dict(keys=fields.String(), values=fields.Dict())
    suggestion = fields.String(allow_none=True)
    partial = fields.Boolean()


@blp.get("/search")
@public_page
@blp.arguments(SearchArgsSchema, location="query")
@blp.response(200, SearchPageSchema)
@blp.doc(**FILTERED)
def search(args):
    """Full-text search; never fails on odd input (an empty result instead)."""
    page = search_institutions(args.get("q") or "", args)
    return {
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
        "results": [
            {
                "slug": hit.institution.slug,
                "name": hit.institution.name,
                "acronym": hit.institution.acronym,
                "country": hit.institution.country_code,
                "category": hit.institution.category,
                "score": hit.score,
                "snippet": str(hit.snippet),
            }
            for hit in page.hits
        ],
        "facets": {
            name: {value: count for value, _, count in items}
            for name, items in page.facets.items()
        },
        "suggestion": page.suggestion,
        "partial": page.partial,
    }


class SuggestArgsSchema(Schema):
    """The start of a name or acronym."""

    q = fields.String(load_default="")
    limit = fields.Integer(load_default=10, validate=Range(1, 10))


class SuggestionSchema(Schema):
    """An institution name for autocomplete."""

    slug = fields.String()
    name = fields.String()
    acronym = fields.String(allow_none=True)
    country = fields.String(attribute="country_code")
    url = fields.Function(lambda i: url_for("inventory.detail", slug=i.slug))


@blp.get("/search/suggest")
@blp.arguments(SuggestArgsSchema, location="query")
@blp.response(200, SuggestionSchema(many=True))
@blp.doc(
    responses={
        400: NUL_REFUSED,
        422: error_doc(
            "`limit` outside 1-10.",
            422,
            {
                "status": "Unprocessable Entity",
                "errors": {
                    "query": {
                        "limit": [
                            "Must be greater than or equal to 1 "
                            "and less than or equal to 10."
                        ]
                    }
                },
            },
        ),
        503: BUSY,
    }
)
def suggest(args):
    """Up to 10 institutions whose name or acronym has a word starting with `q`."""
    return suggest_institutions(args["q"], limit=args["limit"])
