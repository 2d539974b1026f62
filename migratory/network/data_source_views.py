"""Data source pages: the list with filters and exports, and one data
source; new data sources, edits or proposals, history, restore and archive
are the pages every kind of record shares (moderation.record_views)."""

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from migratory.core.tabular import TABULAR_FORMATS, tabular_response
from migratory.extensions import limiter
from migratory.inventory import queries
from migratory.inventory.caching import public_page
from migratory.moderation.record_views import (
    RecordPages,
    register_record_routes,
    visible,
)
from migratory.network.data_source_export import COLUMNS, data_source_rows
from migratory.network.data_source_labels import FIELD_LABELS
from migratory.network.data_source_queries import all_found, find_data_sources
from migratory.network.data_sources import DATA_SOURCE
from migratory.network.permissions import may_edit_data_source
from migratory.network.schemas import DataSourceFilterSchema
from migratory.network.vocab import ACCESS, COVERAGE, FLOWS, PERIODICITIES

bp = Blueprint("data_sources", __name__, url_prefix="/data-sources")
EXPORT_FORMATS = tuple(TABULAR_FORMATS)
VOCABULARIES = {
    "FLOWS": FLOWS,
    "COVERAGE": COVERAGE,
    "PERIODICITIES": PERIODICITIES,
    "ACCESS": ACCESS,
    "LABELS": FIELD_LABELS,
}
PAGES = RecordPages(
    kind=DATA_SOURCE,
    name="data_source",
    rule="/<slug>",
    new_rule="/new",
    key="slug",
    edit_template="network/data_sources/edit.html",
    history_template="network/data_sources/history.html",
    propose_archive_template="network/data_sources/propose_archive.html",
    missing=_l("No such data source."),
    prefill=("institution",),
)
register_record_routes(bp, PAGES)


def parse_filters(args) -> tuple[dict, dict]:
    """Valid filters of the query string, and messages about refused ones
    (a refused filter is left out, the others apply)."""
    schema = DataSourceFilterSchema()
    data = schema.drop_blanks(args.to_dict() if hasattr(args, "to_dict") else args)
    errors = schema.validate(data)
    valid = {k: v for k, v in data.items() if k not in errors}
    return schema.load(valid), errors


@bp.get("")
@public_page
def index():
    """Published data sources, filtered by country, region, type and words."""
    filters, errors = parse_filters(request.args)
    found = find_data_sources(
        filters, page=filters["page"], per_page=filters.get("per_page") or 25
    )
    query = {k: v for k, v in filters.items() if k not in ("page", "per_page")}
    return render_template(
        "network/data_sources/list.html",
        found=found,
        filters=filters,
        filter_errors=errors,
        countries=queries.country_options(),
        regions=queries.region_options(),
        export_links={
            fmt: url_for(".export", fmt=fmt, **query) for fmt in EXPORT_FORMATS
        },
        **VOCABULARIES,
    )


@bp.get("/export.<fmt>")
@limiter.limit(lambda: current_app.config["EXPORT_LIMIT_RATE"])
def export(fmt: str):
    """Download the data sources of the current filters (CSV or XLSX)."""
    if fmt not in EXPORT_FORMATS:
        abort(404)
    filters, _errors = parse_filters(request.args)
    rows = data_source_rows(all_found(filters))
    return tabular_response(
        fmt, COLUMNS, rows, filename="data-sources", sheet_title="data sources"
    )


@bp.get("/<slug>")
@public_page
def detail(slug: str):
    """Everything about one data source."""
    data_source = visible(PAGES, slug)
    return render_template(
        "network/data_sources/detail.html",
        data_source=data_source,
        can_edit=may_edit_data_source(current_user, data_source),
        **VOCABULARIES,
    )
