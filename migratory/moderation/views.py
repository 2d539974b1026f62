"""The secretariat's pages: dashboard, moderation queue, people, duplicates, audit."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from migratory.accounts import invitations as invites
from migratory.accounts import services as accounts
from migratory.accounts.designation import designate, linkable_institutions
from migratory.accounts.forms import ActionForm, RevokeForm, RoleForm
from migratory.core.audit import audit_actions, audit_log
from migratory.core.errors import Conflict, DomainError, ValidationFailed
from migratory.core.records import record_kind
from migratory.extensions import login_manager
from migratory.inventory import queries
from migratory.inventory.forms import choices, show_errors
from migratory.moderation import audit_labels, proposals, upkeep
from migratory.moderation import dashboard as watch
from migratory.moderation.review import review_proposal

bp = Blueprint("secretariat", __name__, url_prefix="/secretariat")


class RejectForm(ActionForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class PairForm(ActionForm):
    first = StringField(validators=[DataRequired()])
    second = StringField(validators=[DataRequired()])


@bp.before_request
def secretariat_only():
    """Sign-in first; then only the secretariat gets past."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_secretariat:
        abort(403)


@bp.get("/")
def dashboard():
    """Status, freshness per country, the queue, gaps and likely duplicates."""
    return render_template(
        "secretariat/dashboard.html",
        by_status=watch.counts_by_status(),
        freshness=watch.freshness_by_country(),
        queue=proposals.pending_proposals(),
        stale=watch.stale_institutions(limit=50),
        gaps=watch.incomplete_institutions(limit=20),
        duplicates=watch.likely_duplicates(limit=20),
        pair_form=PairForm(),
    )


@bp.get("/proposals")
def queue():
    """Proposals waiting for a decision, oldest first."""
    return render_template(
        "secretariat/queue.html",
        queue=proposals.pending_proposals(),
        record_kind=record_kind,
    )


@bp.get("/proposals/<int:ident>")
def proposal(ident: int):
    """One proposal: who, what, a field-by-field diff, and the decision forms."""
    item = proposals.get_proposal(ident)
    review = review_proposal(item)
    form = _edit_form(item)
    if item.action != "archive":
        form.fill(review.state)
    return _proposal_page(item, form, review=review)


def _edit_form(item):
    """The form of the proposal's kind, for editing it before approval."""
    return record_kind(item.record_kind).form()


def _proposal_page(item, form, status: int = 200, review=None):
    review = review or review_proposal(item)
    kind = record_kind(item.record_kind)
    return render_template(
        "secretariat/proposal.html",
        proposal=item,
        kind=kind,
        target=item.target,
        changes=review.changes,
        conflicts=review.conflict_labels,
        form=form,
        reject_form=RejectForm(),
    ), status


@bp.post("/proposals/<int:ident>/approve")
def approve(ident: int):
    """Approve as proposed, or as edited in the form."""
    item = proposals.get_proposal(ident)
    form = _edit_form(item)
    edited = item.action != "archive" and request.form.get("edited") == "1"
    if not form.validate_on_submit() and edited:
        return _proposal_page(item, form, 422)  # the page summarises the errors
    try:
        proposals.approve_proposal(
            current_user, ident, form.payload() if edited else None, form.comment.data
        )
    except ValidationFailed as error:
        show_errors(form, error)
        return _proposal_page(item, form, 422)
    except Conflict as error:
        if item.status != "pending":
            raise  # decided already: the 409 error page
        flash(error.message, "warning")
        return _proposal_page(item, form, 409)  # keeps what was typed
    flash(_("Approved and published; the proposer is told."), "success")
    return redirect(url_for(".queue"))


@bp.post("/proposals/<int:ident>/reject")
def reject(ident: int):
    """Refuse with a reason; the proposer is told."""
    form = RejectForm()
    if not form.validate_on_submit():
        flash(_("Give a reason."), "danger")
        return redirect(url_for(".proposal", ident=ident))
    proposals.reject_proposal(current_user, ident, form.reason.data)
    flash(_("Rejected; the proposer is told."), "info")
    return redirect(url_for(".queue"))


def _role_form(person=None, **kwargs) -> RoleForm:
    """The role form, its institutions those of the chosen (or posted) country."""
    form = RoleForm(**kwargs)
    form.country.choices = choices(
        [("", "—")] + [(c.iso2, c.name) for c in queries.all_countries()]
    )
    linked = person.institutions if person else []
    form.offer(linkable_institutions(form.country.data, linked))
    if person is not None:
        del form.email  # the account's address is not changed here
    return form


@bp.route("/invitations", methods=["GET", "POST"])
def invitations():
    """Invite focal points and secretariat members; revoke pending invitations."""
    if "revoke" in request.form:
        return _revoke_invitation()
    form = _role_form()
    if form.validate_on_submit() and not form.show.data:
        try:
            invites.invite(
                current_user,
                form.email.data or "",
                form.role.data,
                form.country.data or None,
                form.institutions.data,
                form.network_role.data or None,
            )
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(_("Invitation sent."), "success")
            return redirect(url_for(".invitations"))
    return render_template(
        "secretariat/invitations.html",
        form=form,
        users=accounts.list_users(),
        pending=invites.open_invitations(),
        revoke_form=RevokeForm(),
    )


def _revoke_invitation():
    """Withdraw the invitation named by the posted form."""
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            invites.revoke_invitation(current_user, form.revoke.data)
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(_("Invitation revoked: its link no longer works."), "info")
    return redirect(url_for(".invitations"))


@bp.route("/users/<int:ident>", methods=["GET", "POST"])
def user(ident: int):
    """Designate a user: member, focal point of a country with a network role
    and institutions, or secretariat."""
    person = accounts.get_user(ident)
    form = _role_form(
        person,
        data={
            "role": person.role or "member",
            "country": person.country_code or "",
            "network_role": person.network_role or "",
            "institutions": [i.id for i in person.institutions],
        },
    )
    if form.validate_on_submit() and not form.show.data:
        try:
            designate(
                current_user,
                person,
                form.role.data,
                form.country.data or None,
                form.institutions.data,
                form.network_role.data or None,
            )
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".user", ident=ident))
    return render_template("secretariat/user.html", person=person, form=form)


@bp.post("/duplicates/merge")
def merge():
    """Merge the second entry into the first."""
    form = PairForm()
    if form.validate_on_submit():
        kept = upkeep.merge_institutions(
            current_user, form.first.data, form.second.data
        )
        flash(_("Merged into %(name)s.", name=kept.name), "success")
    return redirect(url_for(".dashboard"))


@bp.post("/duplicates/dismiss")
def dismiss():
    """These two are not duplicates."""
    form = PairForm()
    if form.validate_on_submit():
        upkeep.dismiss_duplicate(current_user, form.first.data, form.second.data)
        flash(_("Dismissed."), "info")
    return redirect(url_for(".dashboard"))


@bp.get("/audit")
def audit():
    """The secretariat's actions, newest first, a page at a time."""
    action = request.args.get("action") or None
    return render_template(
        "secretariat/audit.html",
        entries=audit_log(request.args.get("page", 1, type=int), action),
        actions=audit_actions(),
        action=action,
        labels=audit_labels,
    )
