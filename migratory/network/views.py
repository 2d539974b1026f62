"""Pages of the focal-point network: the overview of every country, its
export, and the focal-point section of a country's page."""

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user

from migratory.accounts.network_roles import NETWORK_ROLE_HEADINGS, NETWORK_ROLES
from migratory.accounts.permissions import may_see_contact_details
from migratory.core.tabular import tabular_response
from migratory.extensions import limiter
from migratory.inventory import queries
from migratory.inventory.caching import public_page
from migratory.network.focal_points import GAPS, country_network
from migratory.network.overview import SORTS, network_overview
from migratory.network.overview_export import COLUMNS, EXPORT_FORMATS, overview_rows

bp = Blueprint("network", __name__)


def _overview_args() -> tuple[str | None, str | None]:
    return request.args.get("region") or None, request.args.get("sort") or None


@bp.get("/network")
@public_page
def overview():
    """Every country with its focal points, institutions, links and gaps;
    sortable by each column and filtered by region."""
    region, sort = _overview_args()
    rows = network_overview(region, sort)
    return render_template(
        "network/overview.html",
        rows=rows,
        region=region,
        sort=sort or "country",
        sorts=SORTS,
        regions=queries.region_options(),
        role_headings=NETWORK_ROLE_HEADINGS,
        roles=NETWORK_ROLES,
        gaps=GAPS,
        export_links={
            fmt: url_for("network.export", fmt=fmt, region=region, sort=sort)
            for fmt in EXPORT_FORMATS
        },
    )


@bp.get("/network/export.<fmt>")
@limiter.limit(lambda: current_app.config["EXPORT_LIMIT_RATE"])
def export(fmt: str):
    """The overview (of the page's region, in its order) as CSV or XLSX."""
    if fmt not in EXPORT_FORMATS:
        abort(404)
    region, sort = _overview_args()
    rows = overview_rows(network_overview(region, sort))
    columns = [(column, column) for column in COLUMNS]
    return tabular_response(
        fmt, columns, rows, filename="network", sheet_title="network"
    )


def country_panel(country) -> tuple[str, dict]:
    """The focal points of a country and the gaps of its network, for the
    country's page (e-mail addresses only to signed-in members)."""
    return (
        "network/_country_focal_points.html",
        {
            "network": country_network(country.iso2),
            "show_contacts": may_see_contact_details(current_user),
            "gaps": GAPS,
            "overview_url": url_for("network.overview"),
        },
    )
