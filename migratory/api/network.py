"""GET /api/v1/network: the focal-point network of every country, public
fields only (no e-mail address, no position; focal points' display names and
institutions, counts by network role and the gaps)."""

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from migratory.api.views import BUSY, NUL_REFUSED, error_doc
from migratory.extensions import csrf
from migratory.inventory.caching import public_page
from migratory.network.overview import SORTS, network_overview

blp = Blueprint(
    "network_api",
    __name__,
    url_prefix="/api/v1",
    description="The focal-point network by country",
)
csrf.exempt(blp)


class NetworkArgsSchema(Schema):
    """The overview's filter and sort, as on the /network page."""

    region = fields.String(
        metadata={"description": "A region's slug (e.g. eecca, speca)."}
    )
    sort = fields.String(
        metadata={
            "description": "One of "
            + ", ".join(SORTS)
            + "; a leading - sorts descending. Default: country."
        }
    )


class LinkedInstitutionSchema(Schema):
    slug = fields.String()
    name = fields.String()


class PublicFocalPointSchema(Schema):
    """What anyone may know of a focal point: name, network role, institutions."""

    name = fields.String(attribute="display_name")
    network_role = fields.String(allow_none=True)
    institutions = fields.List(fields.Nested(LinkedInstitutionSchema))


class GapsSchema(Schema):
    no_producer = fields.Boolean()
    no_user = fields.Boolean()
    no_active = fields.Boolean(
        metadata={"description": "No focal point active in the last 12 months."}
    )


class CountryNetworkSchema(Schema):
    """One country: focal points, institutions, verification, links, gaps."""

    country = fields.String(attribute="code")
    name = fields.String()
    focal_point_count = fields.Function(lambda row: len(row.focal_points))
    focal_points_by_role = fields.Dict(
        attribute="by_role", keys=fields.String(), values=fields.Integer()
    )
    focal_points = fields.List(fields.Nested(PublicFocalPointSchema))
    institutions = fields.Integer(metadata={"description": "Published institutions."})
    verified_last_12_months = fields.Integer(attribute="verified")
    verified_share = fields.Float(allow_none=True)
    links = fields.Integer(metadata={"description": "Producer-user links."})
    gaps = fields.Nested(GapsSchema)


class NetworkSchema(Schema):
    total = fields.Integer()
    countries = fields.List(fields.Nested(CountryNetworkSchema))


NETWORK_REFUSED = error_doc(
    "An unknown region or sort key; `errors.query` names the refused field.",
    422,
    {"status": "Unprocessable Entity", "errors": {"query": {"region": ["..."]}}},
)


@blp.get("/network")
@public_page
@blp.arguments(NetworkArgsSchema, location="query")
@blp.response(200, NetworkSchema)
@blp.doc(responses={400: NUL_REFUSED, 422: NETWORK_REFUSED, 503: BUSY})
def network(args):
    """Every country's focal points by network role, published institutions,
    the share verified in the last 12 months, producer-user links and gaps."""
    rows = network_overview(args.get("region") or None, args.get("sort") or None)
    return {"total": len(rows), "countries": rows}
