"""Data source pages: the list with filters and exports, one data source,
new data sources, edits or proposals, history, restore and archive. The
edit-or-propose, history, restore and archive use cases are the generic ones
every kind of record shares."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from migratory.accounts.forms import ActionForm
from migratory.core.errors import Conflict, DomainError, NotFound
from migratory.core.history import revisions_with_changes
from migratory.core.records import record_kind
from migratory.core.revision_labels import revision_comment, source_label
from migratory.core.tabular import TABULAR_FORMATS, tabular_response
from migratory.extensions import limiter
from migratory.inventory import queries
from migratory.inventory.caching import public_page
from migratory.inventory.forms import show_errors
from migratory.moderation import proposals, upkeep
from migratory.network.data_source_export import COLUMNS, data_source_rows
from migratory.network.data_source_forms import data_source_form
from migratory.network.data_source_labels import FIELD_LABELS
from migratory.network.data_source_queries import all_found, find_data_sources
from migratory.network.data_sources import (
    DATA_SOURCE,
    data_source_state,
    get_data_source,
)
from migratory.network.permissions import may_edit_data_source, may_see_data_source
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


def _visible(slug: str):
    """The data source if the current user may see it (NotFound otherwise)."""
    data_source = get_data_source(slug)
    if not may_see_data_source(current_user, data_source):
        raise NotFound(_("No such data source."))
    return data_source


@bp.get("/<slug>")
@public_page
def detail(slug: str):
    """Everything about one data source."""
    data_source = _visible(slug)
    return render_template(
        "network/data_sources/detail.html",
        data_source=data_source,
        can_edit=may_edit_data_source(current_user, data_source),
        **VOCABULARIES,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Add a data source (secretariat; a focal point in their country) or
    propose one."""
    form = data_source_form()
    if request.method == "GET":
        form.institution.data = request.args.get("institution", "")[:100]
        form.status.data = "published"
    if form.validate_on_submit():
        try:
            outcome, result = proposals.create_or_propose(
                current_user, DATA_SOURCE, form.payload(), form.comment.data
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            return _after_save(outcome, result)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "network/data_sources/edit.html", form=form, data_source=None
    ), status


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit a data source directly where allowed, otherwise propose the change."""
    kind = record_kind(DATA_SOURCE)
    data_source = proposals.record_to_edit(current_user, kind, get_data_source(slug))
    form, status = data_source_form(), 200
    if request.method == "GET":
        form.fill(data_source_state(data_source))
        form.version.data = data_source.version
    elif form.validate_on_submit():
        try:
            outcome, result = proposals.save_change(
                current_user,
                DATA_SOURCE,
                slug,
                form.payload(),
                expected_version=_version(form),
                comment=form.comment.data,
            )
        except Conflict as error:
            flash(error.message, "warning")
            form.version.data, status = data_source.version, 409
        except DomainError as error:
            show_errors(form, error)
            status = 422
        else:
            return _after_save(outcome, result)
    else:
        status = 422
    return render_template(
        "network/data_sources/edit.html",
        form=form,
        data_source=data_source,
        direct=may_edit_data_source(current_user, data_source),
    ), status


def _version(form) -> int:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        abort(400)


def _after_save(outcome: str, result):
    if outcome == "proposed":
        flash(
            _("Thank you: your proposal goes to the secretariat for review."), "success"
        )
        if result.record_id is not None:
            return redirect(url_for(".detail", slug=result.target.slug))
        return redirect(url_for("auth.profile"))
    flash(_("Saved. The change is published."), "success")
    return redirect(url_for(".detail", slug=result.slug))


@bp.get("/<slug>/history")
def history(slug: str):
    """Every revision of a data source, with what changed."""
    data_source = _visible(slug)
    revisions = revisions_with_changes(record_kind(DATA_SOURCE), data_source.id)
    return render_template(
        "network/data_sources/history.html",
        data_source=data_source,
        revisions=revisions,
        proposed=proposals.proposals_behind(r for r, _ in revisions),
        action_form=ActionForm(),
        source_label=source_label,
        revision_comment=revision_comment,
    )


@bp.post("/<slug>/history/<int:number>/restore")
@login_required
def restore(slug: str, number: int):
    """Make an earlier revision current again (secretariat)."""
    upkeep.restore_revision(current_user, DATA_SOURCE, slug, number)
    flash(
        _("Revision %(number)s restored as a new revision.", number=number), "success"
    )
    return redirect(url_for(".history", slug=slug))


@bp.post("/<slug>/archive")
@login_required
def archive(slug: str):
    """Archive a data source (secretariat); it can be published again."""
    upkeep.set_archived(
        current_user, DATA_SOURCE, slug, True, request.form.get("comment")
    )
    flash(_("Archived. It can be restored from its history."), "info")
    return redirect(url_for(".history", slug=slug))


@bp.post("/<slug>/unarchive")
@login_required
def unarchive(slug: str):
    """Publish an archived data source again (secretariat)."""
    upkeep.set_archived(
        current_user, DATA_SOURCE, slug, False, request.form.get("comment")
    )
    flash(_("Published again."), "success")
    return redirect(url_for(".detail", slug=slug))


@bp.route("/<slug>/propose-archive", methods=["GET", "POST"])
@login_required
def propose_archive(slug: str):
    """Propose that a data source be archived (discontinued, a duplicate)."""
    data_source = get_data_source(slug, published_only=True)
    form = ActionForm()
    if form.validate_on_submit():
        comment = (request.form.get("comment") or "")[:2000]
        proposals.propose(current_user, DATA_SOURCE, "archive", slug, {}, comment)
        flash(_("Thank you: the secretariat will review the proposal."), "success")
        return redirect(url_for(".detail", slug=slug))
    return render_template(
        "network/data_sources/propose_archive.html", data_source=data_source, form=form
    )
