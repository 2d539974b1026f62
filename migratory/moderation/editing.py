"""Institution editing pages: the pages every kind of record shares (new
entries, edits or proposals, history, restore, archive), and confirming that
an entry is still correct."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from migratory.accounts.forms import ActionForm
from migratory.inventory.services import INSTITUTION
from migratory.moderation import upkeep
from migratory.moderation.record_views import RecordPages, register_record_routes

bp = Blueprint("editing", __name__)
PAGES = RecordPages(
    kind=INSTITUTION,
    name="institution",
    rule="/institutions/<slug>",
    new_rule="/institutions/new",
    key="slug",
    edit_template="editing/edit.html",
    history_template="editing/history.html",
    propose_archive_template="editing/propose_archive.html",
    conflict_template="editing/conflict.html",
    missing=_l("No such institution."),
)
register_record_routes(bp, PAGES)


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
