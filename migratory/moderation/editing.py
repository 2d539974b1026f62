"""Institution editing pages: new entries, edits or proposals, history,
confirm, archive. The edit-or-propose, history, restore and archive use
cases are the generic ones every kind of record shares."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from migratory.accounts.forms import ActionForm
from migratory.core.errors import Conflict, DomainError, NotFound
from migratory.core.history import diff_states, revisions_with_changes
from migratory.core.records import record_kind
from migratory.core.revision_labels import revision_comment, source_label
from migratory.inventory.forms import institution_form, show_errors
from migratory.inventory.permissions import may_edit_institution
from migratory.inventory.services import (
    INSTITUTION,
    get_institution,
    institution_state,
)
from migratory.moderation import proposals, upkeep
from migratory.moderation.dashboard import is_stale

bp = Blueprint("editing", __name__)


def _kind():
    return record_kind(INSTITUTION)


def _to_edit(slug: str):
    """The entry the current user may open for editing (NotFound otherwise)."""
    return proposals.record_to_edit(current_user, _kind(), get_institution(slug))


@bp.route("/institutions/new", methods=["GET", "POST"])
@login_required
def new():
    """Propose a new institution (the secretariat adds it at once)."""
    form = institution_form()
    if request.method == "GET":
        form.status.data = "published"  # else the first choice, "draft"
    if form.validate_on_submit():
        try:
            outcome, result = proposals.create_or_propose(
                current_user, INSTITUTION, form.payload(), form.comment.data
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            return _after_save(outcome, result)
    status = 422 if request.method == "POST" else 200
    return render_template("editing/edit.html", form=form, institution=None), status


@bp.route("/institutions/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Edit an entry directly where allowed, otherwise propose the change."""
    institution = _to_edit(slug)
    form = institution_form()
    if request.method == "GET":
        form.fill(institution_state(institution))
        form.version.data = institution.version
    elif form.validate_on_submit():
        try:
            outcome, result = proposals.save_change(
                current_user,
                INSTITUTION,
                slug,
                form.payload(),
                expected_version=_version(form),
                comment=form.comment.data,
            )
        except Conflict:
            return _conflict(institution, form)
        except DomainError as error:
            show_errors(form, error)
        else:
            return _after_save(outcome, result)
    return render_template(
        "editing/edit.html",
        form=form,
        institution=institution,
        direct=may_edit_institution(current_user, institution),
    ), (422 if request.method == "POST" else 200)


def _version(form) -> int:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        abort(400)


def _conflict(institution, form):
    """The entry changed meanwhile: show both versions and let the user merge."""
    from migratory.inventory.services import validate_institution

    theirs = institution_state(institution)
    try:
        mine = validate_institution(form.payload())
        mine = {("country" if k == "country_code" else k): v for k, v in mine.items()}
    except DomainError:
        mine = form.payload()
    differences = diff_states(_kind(), theirs, {**theirs, **mine})
    form.version.data = institution.version  # saving again applies the merge
    return render_template(
        "editing/conflict.html",
        form=form,
        institution=institution,
        differences=differences,
    ), 409


def _after_save(outcome: str, result):
    if outcome == "proposed":
        flash(
            _("Thank you: your proposal goes to the secretariat for review."), "success"
        )
        target = result.target.slug if result.record_id is not None else None
        return redirect(
            url_for("inventory.detail", slug=target)
            if target
            else url_for("auth.profile")
        )
    flash(_("Saved. The change is published."), "success")
    return redirect(url_for("inventory.detail", slug=result.slug))


@bp.get("/institutions/<slug>/history")
def history(slug: str):
    """Every revision of a published entry, with what changed."""
    institution = get_institution(slug)
    if institution.status != "published" and not current_user.is_secretariat:
        raise NotFound(_("No such institution."))
    revisions = revisions_with_changes(_kind(), institution.id)
    return render_template(
        "editing/history.html",
        institution=institution,
        revisions=revisions,
        proposed=proposals.proposals_behind(r for r, _ in revisions),
        action_form=ActionForm(),
        stale=is_stale(institution),
        source_label=source_label,
        revision_comment=revision_comment,
    )


@bp.post("/institutions/<slug>/history/<int:number>/restore")
@login_required
def restore(slug: str, number: int):
    """Make an earlier revision current again (secretariat)."""
    upkeep.restore_revision(current_user, INSTITUTION, slug, number)
    flash(
        _("Revision %(number)s restored as a new revision.", number=number), "success"
    )
    return redirect(url_for("editing.history", slug=slug))


@bp.post("/institutions/<slug>/confirm")
@login_required
def confirm(slug: str):
    """One click: this entry is still correct."""
    upkeep.confirm_current(current_user, slug)
    flash(_("Thank you: the entry is confirmed as correct today."), "success")
    return redirect(url_for("inventory.detail", slug=slug))


@bp.route("/institutions/<slug>/confirm/<token>", methods=["GET", "POST"])
def confirm_link(slug: str, token: str):
    """Confirm from a reminder's link, without signing in."""
    institution = upkeep.check_confirm_token(token, slug)[1]
    form = ActionForm()
    if form.validate_on_submit():
        upkeep.confirm_by_token(token, slug)
        flash(_("Thank you: the entry is confirmed as correct today."), "success")
        return redirect(url_for("inventory.detail", slug=slug))
    return render_template("editing/confirm.html", institution=institution, form=form)


@bp.post("/institutions/<slug>/archive")
@login_required
def archive(slug: str):
    """Archive an entry (secretariat); it can be brought back."""
    upkeep.set_archived(
        current_user, INSTITUTION, slug, True, request.form.get("comment")
    )
    flash(_("Archived. It can be restored from its history."), "info")
    return redirect(url_for("editing.history", slug=slug))


@bp.post("/institutions/<slug>/unarchive")
@login_required
def unarchive(slug: str):
    """Publish an archived entry again (secretariat)."""
    upkeep.set_archived(
        current_user, INSTITUTION, slug, False, request.form.get("comment")
    )
    flash(_("Published again."), "success")
    return redirect(url_for("inventory.detail", slug=slug))


@bp.route("/institutions/<slug>/propose-archive", methods=["GET", "POST"])
@login_required
def propose_archive(slug: str):
    """Propose that an entry be archived (closed, merged, out of scope)."""
    institution = get_institution(slug, published_only=True)
    form = ActionForm()
    if form.validate_on_submit():
        comment = request.form.get("comment")
        proposals.propose(current_user, INSTITUTION, "archive", slug, {}, comment)
        flash(_("Thank you: the secretariat will review the proposal."), "success")
        return redirect(url_for("inventory.detail", slug=slug))
    return render_template(
        "editing/propose_archive.html", institution=institution, form=form
    )
