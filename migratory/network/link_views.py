"""Producer-user link pages: the filtered list and its exports, and a
link's page; new links, edits or proposals, history, restore and archive are
the pages every kind of record shares (moderation.record_views)."""

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from migratory.accounts.forms import ActionForm
from migratory.core.tabular import tabular_response
from migratory.extensions import limiter
from migratory.inventory.caching import public_page
from migratory.inventory.queries import country_options, region_options
from migratory.moderation.record_views import (
    RecordPages,
    register_record_routes,
    visible,
)
from migratory.network import permissions
from migratory.network.link_export import COLUMNS, EXPORT_FORMATS, link_rows
from migratory.network.link_filters import (
    all_links,
    filter_labels,
    link_ends,
    list_links,
    parse_link_filters,
)
from migratory.network.links import LINK, years_label
from migratory.network.vocab import FLOWS

bp = Blueprint("links", __name__, url_prefix="/network/links")
EXPORT_LIMIT = 100_000
PAGES = RecordPages(
    kind=LINK,
    name="link",
    rule="/<int:ident>",
    new_rule="/new",
    key="ident",
    edit_template="network/links/edit.html",
    history_template="network/links/history.html",
    propose_archive_template="network/links/propose_archive.html",
    missing=_l("No such link."),
    prefill=("producer", "user"),
    id_field="link",
)
register_record_routes(bp, PAGES)


@bp.app_context_processor
def link_helpers() -> dict:
    """What link tables need on any page (institution and country pages too)."""
    return {"LINK_FLOWS": FLOWS, "link_years": years_label}


@bp.get("")
@public_page
def index():
    """Published links filtered by flow, country or region (either end),
    producer and user: who produces which data, and who uses them."""
    filters, errors = parse_link_filters(request.args)
    per_page = filters.get("per_page") or current_app.config["PER_PAGE"]
    found = list_links(filters, page=filters["page"], per_page=per_page)
    query = {k: v for k, v in filters.items() if k not in ("page", "per_page")}
    countries, regions = country_options(), region_options()
    return render_template(
        "network/links/list.html",
        described=filter_labels(filters, countries, regions),
        ends=link_ends(filters),
        pagination=found,
        links=found.items,
        filters=filters,
        filter_errors=errors,
        flows=FLOWS,
        countries=countries,
        regions=regions,
        export_links={
            fmt: url_for("links.export", fmt=fmt, **query) for fmt in EXPORT_FORMATS
        },
    )


@bp.get("/export.<fmt>")
@limiter.limit(lambda: current_app.config["EXPORT_LIMIT_RATE"])
def export(fmt: str):
    """Download the links of the current filters as CSV or XLSX."""
    if fmt not in EXPORT_FORMATS:
        abort(404)
    filters, _errors = parse_link_filters(request.args)
    rows = link_rows(all_links(filters, limit=EXPORT_LIMIT))
    return tabular_response(fmt, COLUMNS, rows, filename="links")


@bp.get("/<int:ident>")
@public_page
def detail(ident: int):
    """One link: who supplies whom with what, since when."""
    link = visible(PAGES, ident)
    return render_template(
        "network/links/detail.html",
        link=link,
        can_edit=permissions.may_edit_link(current_user, link),
        can_archive=permissions.may_archive_link(current_user, link),
        action_form=ActionForm(),
    )
