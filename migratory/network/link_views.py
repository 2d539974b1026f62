"""Producer-user link pages: the filtered list and its exports, a link's
page and history, and new links, edits, proposals, restore and archive
through the generic use cases every kind of record shares."""

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
from migratory.core.errors import Conflict, DomainError
from migratory.core.history import revisions_with_changes
from migratory.core.records import record_kind
from migratory.core.revision_labels import revision_comment, source_label
from migratory.core.tabular import tabular_response
from migratory.extensions import limiter
from migratory.inventory.caching import public_page
from migratory.inventory.forms import show_errors
from migratory.inventory.queries import country_options, region_options
from migratory.moderation import proposals, upkeep
from migratory.network import permissions
from migratory.network.link_export import COLUMNS, EXPORT_FORMATS, link_rows
from migratory.network.link_filters import (
    all_links,
    filter_labels,
    link_ends,
    list_links,
    parse_link_filters,
)
from migratory.network.link_forms import LinkForm
from migratory.network.links import (
    LINK,
    get_link,
    link_state,
    require_visible,
    years_label,
)
from migratory.network.vocab import FLOWS

bp = Blueprint("links", __name__, url_prefix="/network/links")
EXPORT_LIMIT = 100_000


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
    link = require_visible(current_user, get_link(ident))
    return render_template(
        "network/links/detail.html",
        link=link,
        can_edit=permissions.may_edit_link(current_user, link),
        can_archive=permissions.may_archive_link(current_user, link),
        action_form=ActionForm(),
    )


@bp.get("/<int:ident>/history")
def history(ident: int):
    """Every revision of a link, with what changed."""
    link = require_visible(current_user, get_link(ident))
    revisions = revisions_with_changes(record_kind(LINK), link.id)
    return render_template(
        "network/links/history.html",
        link=link,
        revisions=revisions,
        proposed=proposals.proposals_behind(r for r, _ in revisions),
        action_form=ActionForm(),
        can_archive=permissions.may_archive_link(current_user, link),
        source_label=source_label,
        revision_comment=revision_comment,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """A new link: saved at once by the secretariat or a focal point of one
    end, proposed by anyone else."""
    form = LinkForm()
    if request.method == "GET":
        form.producer.data = request.args.get("producer", "")[:200]
        form.user.data = request.args.get("user", "")[:200]
        form.status.data = "published"
    elif form.validate_on_submit():
        try:
            outcome, result = proposals.create_or_propose(
                current_user, LINK, form.payload(), form.comment.data
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            return _after_save(outcome, result)
    status = 422 if request.method == "POST" else 200
    return render_template("network/links/edit.html", form=form, link=None), status


@bp.route("/<int:ident>/edit", methods=["GET", "POST"])
@login_required
def edit(ident: int):
    """Change a link directly where allowed, otherwise propose the change."""
    link = proposals.record_to_edit(current_user, record_kind(LINK), get_link(ident))
    form = LinkForm()
    status = 200
    if request.method == "GET":
        form.fill(link_state(link))
        form.version.data = link.version
    elif form.validate_on_submit():
        form.link.data = str(link.id)  # never the posted one
        try:
            outcome, result = proposals.save_change(
                current_user, LINK, link.id, form.payload(),
                expected_version=_version(form), comment=form.comment.data,
            )  # fmt: skip
        except Conflict as error:
            form.form_errors.append(error.message)
            form.version.data = link.version
            status = 409
        except DomainError as error:
            show_errors(form, error)
        else:
            return _after_save(outcome, result)
    if request.method == "POST" and status == 200:
        status = 422
    return render_template(
        "network/links/edit.html",
        form=form,
        link=link,
        direct=permissions.may_edit_link(current_user, link),
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
            return redirect(url_for("links.detail", ident=result.record_id))
        return redirect(url_for("auth.profile"))
    flash(_("Saved. The change is published."), "success")
    return redirect(url_for("links.detail", ident=result.id))


@bp.post("/<int:ident>/history/<int:number>/restore")
@login_required
def restore(ident: int, number: int):
    """Make an earlier revision current again (secretariat)."""
    upkeep.restore_revision(current_user, LINK, ident, number)
    flash(
        _("Revision %(number)s restored as a new revision.", number=number), "success"
    )
    return redirect(url_for("links.history", ident=ident))


@bp.post("/<int:ident>/archive")
@login_required
def archive(ident: int):
    """Archive a link (nothing is deleted; it can be published again)."""
    upkeep.set_archived(current_user, LINK, ident, True, request.form.get("comment"))
    flash(_("Archived. It can be restored from its history."), "info")
    return redirect(url_for("links.history", ident=ident))


@bp.post("/<int:ident>/unarchive")
@login_required
def unarchive(ident: int):
    """Publish an archived link again."""
    upkeep.set_archived(current_user, LINK, ident, False, request.form.get("comment"))
    flash(_("Published again."), "success")
    return redirect(url_for("links.detail", ident=ident))


@bp.route("/<int:ident>/propose-archive", methods=["GET", "POST"])
@login_required
def propose_archive(ident: int):
    """Propose that a link be archived (it ended, or was never so)."""
    link = get_link(ident)
    if link.status != "published":
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        comment = request.form.get("comment")
        proposals.propose(current_user, LINK, "archive", link.id, {}, comment)
        flash(_("Thank you: the secretariat will review the proposal."), "success")
        return redirect(url_for("links.detail", ident=ident))
    return render_template("network/links/propose_archive.html", link=link, form=form)
