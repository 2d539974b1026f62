"""Read-only JSON API of data sources: the list page's use case and schemas."""

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from migratory.api.paging import list_page
from migratory.api.views import BUSY, NUL_REFUSED, error_doc
from migratory.extensions import csrf
from migratory.network.data_source_queries import find_data_sources
from migratory.network.data_sources import get_data_source
from migratory.network.schemas import DataSourceFilterSchema, PublicDataSourceSchema

blp = Blueprint(
    "api_data_sources",
    __name__,
    url_prefix="/api/v1",
    description="Data sources: systems of migration data collection",
)
csrf.exempt(blp)

FILTERS_REFUSED = error_doc(
    "A filter is refused: `country` not the ISO alpha-2 code of a member State, "
    "`region` not a region's slug, `type` outside its vocabulary, `page` outside "
    "1-100000, `per_page` outside 1-100. `errors.query` names each refused field.",
    422,
    {
        "status": "Unprocessable Entity",
        "errors": {"query": {"country": ["Unknown country code 'XX'."]}},
    },
)
NOT_FOUND = error_doc(
    "No published data source has this slug.",
    404,
    {"status": "Not Found", "message": "No such data source."},
)


class DataSourcePageSchema(Schema):
    """A page of data sources with the total and a link to the next page."""

    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    next = fields.String(allow_none=True)
    results = fields.List(fields.Nested(PublicDataSourceSchema))


@blp.get("/data-sources")
@blp.arguments(DataSourceFilterSchema, location="query")
@blp.response(200, DataSourcePageSchema)
@blp.doc(responses={400: NUL_REFUSED, 422: FILTERS_REFUSED, 503: BUSY})
def list_data_sources(filters):
    """Published data sources, filtered by country, region, type (and words,
    with `q`), like the list page."""
    per_page = filters.get("per_page") or current_app.config["PER_PAGE"]
    found = find_data_sources(filters, page=filters["page"], per_page=per_page)
    return list_page(filters, found, per_page, found.rows)


@blp.get("/data-sources/<slug>")
@blp.response(200, PublicDataSourceSchema)
@blp.doc(responses={400: NUL_REFUSED, 404: NOT_FOUND, 503: BUSY})
def get_data_source_by_slug(slug):
    """One published data source."""
    return get_data_source(slug, published_only=True)
