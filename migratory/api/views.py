"""Read-only JSON API of the inventory; reuses services, queries and schemas."""

from flask import current_app, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from migratory.extensions import csrf
from migratory.inventory import queries
from migratory.inventory.schemas import InstitutionFilterSchema, PublicInstitutionSchema
from migratory.inventory.services import get_institution

blp = Blueprint(
    "api", __name__, url_prefix="/api/v1", description="Inventory of institutions"
)
csrf.exempt(blp)


class InstitutionPageSchema(Schema):
    """A page of institutions with the total and a link to the next page."""

    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    next = fields.String(allow_none=True)
    results = fields.List(fields.Nested(PublicInstitutionSchema))


@blp.get("/institutions")
@blp.arguments(InstitutionFilterSchema, location="query")
@blp.response(200, InstitutionPageSchema)
def list_institutions(filters):
    """Published institutions, filtered like the list page, paginated."""
    per_page = filters.get("per_page") or current_app.config["PER_PAGE"]
    pagination = queries.list_institutions(
        filters, page=filters["page"], per_page=per_page
    )
    next_url = None
    if pagination.has_next:
        args = {k: v for k, v in filters.items() if v is not None and k != "page"}
        next_url = url_for(
            ".list_institutions", page=pagination.next_num, _external=True, **args
        )
    return {
        "total": pagination.total,
        "page": pagination.page,
        "per_page": pagination.per_page,
        "next": next_url,
        "results": pagination.items,
    }


@blp.get("/institutions/<slug>")
@blp.response(200, PublicInstitutionSchema)
def get_one(slug):
    """One published institution."""
    return get_institution(slug, published_only=True)
