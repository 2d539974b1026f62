"""Read-only JSON API of producer-user links: the list page's filters and
queries, and the link's public fields."""

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from migratory.api.paging import list_page
from migratory.api.views import BUSY, NUL_REFUSED, error_doc
from migratory.core.errors import NotFound
from migratory.extensions import csrf
from migratory.network.link_filters import LinkFilterSchema, list_links
from migratory.network.links import get_link
from migratory.network.permissions import may_see_link
from migratory.network.vocab import FLOWS

blp = Blueprint(
    "api_links",
    __name__,
    url_prefix="/api/v1",
    description="Producer-user links: who supplies which migration data to whom",
)
csrf.exempt(blp)

FILTERS_REFUSED = error_doc(
    "A filter is refused: `flow` outside its vocabulary, `country` not the ISO "
    "alpha-2 code of a member State, `region` not a region's slug, `producer` or "
    "`user` not the slug or ROR id of a published institution, `page` outside "
    "1-100000, `per_page` outside 1-100. `errors.query` names each refused field.",
    422,
    {
        "status": "Unprocessable Entity",
        "errors": {"query": {"flow": ["Unknown flow “censu”; one of: ..."]}},
    },
)
NOT_FOUND = error_doc(
    "No published link has this id.",
    404,
    {"status": "Not Found", "message": "No such link."},
)


class LinkEndSchema(Schema):
    """One end of a link: an institution."""

    slug = fields.String()
    name = fields.String()
    country = fields.String(attribute="country_code")
    url = fields.Function(
        lambda i: url_for("inventory.detail", slug=i.slug, _external=True)
    )


class PublicLinkSchema(Schema):
    """A published link as the API shows it."""

    class Meta:
        ordered = True

    id = fields.Integer()
    producer = fields.Nested(LinkEndSchema)
    user = fields.Nested(LinkEndSchema, attribute="consumer")
    flow = fields.String(metadata={"enum": list(FLOWS)})
    data_source = fields.Function(
        lambda link: link.public_data_source.slug if link.public_data_source else None
    )
    description = fields.String(allow_none=True)
    year_from = fields.Integer(allow_none=True)
    year_to = fields.Integer(allow_none=True)
    updated = fields.AwareDateTime()
    url = fields.Function(
        lambda link: url_for("links.detail", ident=link.id, _external=True)
    )


class LinkPageSchema(Schema):
    """A page of links with the total and a link to the next page."""

    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    next = fields.String(allow_none=True)
    results = fields.List(fields.Nested(PublicLinkSchema))


@blp.get("/links")
@blp.arguments(LinkFilterSchema, location="query")
@blp.response(200, LinkPageSchema)
@blp.doc(responses={400: NUL_REFUSED, 422: FILTERS_REFUSED, 503: BUSY})
def list_links_api(filters):
    """Published links between published institutions, filtered like the list
    page: `flow`, `country` or `region` of either end, `producer`, `user`."""
    per_page = filters.get("per_page") or current_app.config["PER_PAGE"]
    found = list_links(filters, page=filters["page"], per_page=per_page)
    return list_page(filters, found, per_page, found.items)


@blp.get("/links/<int:ident>")
@blp.response(200, PublicLinkSchema)
@blp.doc(responses={400: NUL_REFUSED, 404: NOT_FOUND, 503: BUSY})
def get_link_api(ident):
    """One published link between published institutions."""
    link = get_link(ident)
    if not may_see_link(None, link):  # the API shows what anyone may see
        raise NotFound(_("No such link."))
    return link
