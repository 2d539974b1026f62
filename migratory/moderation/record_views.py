"""The pages every kind of versioned record shares: new, edit (or propose),
history, restore, archive, publish again and propose archiving.

A kind's blueprint describes its pages once in a `RecordPages` and calls
`register_record_routes(bp, pages)`; the views below then serve every kind
through the generic use cases (moderation.proposals, moderation.upkeep).
"""

from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from migratory.accounts.forms import ActionForm
from migratory.core.errors import Conflict, DomainError, NotFound
from migratory.core.history import diff_states, revisions_with_changes
from migratory.core.records import RecordKind, record_kind
from migratory.core.revision_labels import revision_comment, source_label
from migratory.inventory.forms import show_errors
from migratory.moderation import proposals, upkeep


@dataclass(frozen=True)
class RecordPages:
    """Where one kind's shared pages live and what they render.

    The record is found from the URL by its kind's `find`, and saving goes
    to its kind's `page` (core.records).
    """

    kind: str  # the record kind's name: "institution", "data_source", "link"
    name: str  # what templates call the record: "institution", "data_source"
    rule: str  # one record's URL in the blueprint: "/institutions/<slug>"
    new_rule: str  # the URL of a new record: "/institutions/new"
    key: str  # the URL argument that names the record: "slug", "ident"
    edit_template: str
    history_template: str
    propose_archive_template: str
    # A page comparing both versions on a lost race (else a form message).
    conflict_template: str | None = None
    missing: Any = _l("No such record.")  # the 404 of a record one may not see
    # Query arguments that fill a new record's form ("?institution=kz-stat").
    prefill: tuple[str, ...] = ()
    # The form field that carries the edited record's id (its own row is no
    # duplicate of itself).
    id_field: str | None = None


def visible(pages: RecordPages, key):
    """The record `key` names if the current user may see it (NotFound: to
    others it does not exist)."""
    kind = record_kind(pages.kind)
    record = kind.find(key)
    if not kind.may_see(current_user, record):
        raise NotFound(pages.missing)
    return record


def new(pages: RecordPages, _key=None):
    """Add a record where the user may, otherwise propose it."""
    kind = record_kind(pages.kind)
    form = kind.form()
    if request.method == "GET":
        for name in pages.prefill:
            form[name].data = request.args.get(name, "")[:200]
        form.status.data = "published"  # else the first choice, "draft"
    elif form.validate_on_submit():
        try:
            saved = proposals.create_or_propose(
                current_user, kind.name, form.payload(), form.comment.data
            )
        except DomainError as error:
            show_errors(form, error)
        else:
            return _after_save(kind, *saved)
    status = 422 if request.method == "POST" else 200
    return render_template(pages.edit_template, form=form, **{pages.name: None}), status


def edit(pages: RecordPages, key):
    """Change a record directly where allowed, otherwise propose the change."""
    kind = record_kind(pages.kind)
    record = proposals.record_to_edit(current_user, kind, kind.find(key))
    form = kind.form()
    if request.method == "GET":
        form.fill(kind.state(record))
        form.version.data = record.version
        return _edit_page(pages, kind, form, record, 200)
    if not form.validate_on_submit():
        return _edit_page(pages, kind, form, record, 422)
    if pages.id_field:
        form[pages.id_field].data = str(record.id)  # never the posted one
    try:
        outcome, result = proposals.save_change(
            current_user,
            kind.name,
            key,
            form.payload(),
            expected_version=_version(form),
            comment=form.comment.data,
        )
    except Conflict as error:
        return _conflict(pages, kind, form, record, error)
    except DomainError as error:
        show_errors(form, error)
        return _edit_page(pages, kind, form, record, 422)
    return _after_save(kind, outcome, result)


def _edit_page(pages: RecordPages, kind: RecordKind, form, record, status: int):
    return render_template(
        pages.edit_template,
        form=form,
        direct=kind.may_edit(current_user, record),
        **{pages.name: record},
    ), status


def _version(form) -> int:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        abort(400)


def _conflict(pages: RecordPages, kind: RecordKind, form, record, error: Conflict):
    """The record changed meanwhile (nothing was written): show both versions
    to merge where the kind has such a page, else say so above the form.
    Saving again applies the user's version over the current one."""
    form.version.data = record.version  # the current one: reloaded
    if pages.conflict_template is None:
        form.form_errors.append(error.message)
        return _edit_page(pages, kind, form, record, 409)
    theirs = kind.state(record)
    try:
        mine = {kind.state_key(k): v for k, v in kind.validate(form.payload()).items()}
    except DomainError:
        mine = form.payload()
    return render_template(
        pages.conflict_template,
        form=form,
        differences=diff_states(kind, theirs, {**theirs, **mine}),
        **{pages.name: record},
    ), 409


def _after_save(kind: RecordKind, outcome: str, result):
    if outcome == "proposed":
        flash(
            _("Thank you: your proposal goes to the secretariat for review."), "success"
        )
        target = result.target if result.record_id is not None else None
        return redirect(kind.url(target) if target else url_for("auth.profile"))
    flash(_("Saved. The change is published."), "success")
    return redirect(kind.url(result))


def history(pages: RecordPages, key):
    """Every revision of a record, with what changed."""
    kind = record_kind(pages.kind)
    record = visible(pages, key)
    revisions = revisions_with_changes(kind, record.id)
    return render_template(
        pages.history_template,
        revisions=revisions,
        proposed=proposals.proposals_behind(r for r, _ in revisions),
        action_form=ActionForm(),
        may_archive=kind.may_archive(current_user, record),
        source_label=source_label,
        revision_comment=revision_comment,
        **{pages.name: record},
    )


def restore(pages: RecordPages, key, number: int):
    """Make an earlier revision current again (secretariat)."""
    upkeep.restore_revision(current_user, pages.kind, key, number)
    flash(
        _("Revision %(number)s restored as a new revision.", number=number), "success"
    )
    return redirect(url_for(".history", **{pages.key: key}))


def archive(pages: RecordPages, key):
    """Archive a record; nothing is deleted, it can be published again."""
    upkeep.set_archived(current_user, pages.kind, key, True, _comment())
    flash(_("Archived. It can be restored from its history."), "info")
    return redirect(url_for(".history", **{pages.key: key}))


def unarchive(pages: RecordPages, key):
    """Publish an archived record again."""
    record = upkeep.set_archived(current_user, pages.kind, key, False, _comment())
    flash(_("Published again."), "success")
    return redirect(record_kind(pages.kind).url(record))


def propose_archive(pages: RecordPages, key):
    """Propose that a published record be archived (closed, ended, a
    duplicate)."""
    kind = record_kind(pages.kind)
    record = visible(pages, key)
    if not kind.is_published(record):
        raise NotFound(pages.missing)
    form = ActionForm()
    if form.validate_on_submit():
        proposals.propose(current_user, kind.name, "archive", key, {}, _comment())
        flash(_("Thank you: the secretariat will review the proposal."), "success")
        return redirect(kind.url(record))
    return render_template(
        pages.propose_archive_template, form=form, **{pages.name: record}
    )


def _comment() -> str | None:
    return (request.form.get("comment") or "")[:2000] or None


def _bound(view, pages: RecordPages, public: bool = False):
    """`view` serving one kind: the URL's key becomes its second argument."""

    @wraps(view)
    def page(**values):
        return view(pages, values.pop(pages.key, None), **values)

    return page if public else login_required(page)


def register_record_routes(bp, pages: RecordPages) -> None:
    """Serve a kind's shared pages on its blueprint, under the endpoints
    new, edit, history, restore, archive, unarchive and propose_archive."""
    one, both = pages.rule, ("GET", "POST")
    routes = (
        (pages.new_rule, new, both),
        (f"{one}/edit", edit, both),
        (f"{one}/history/<int:number>/restore", restore, ("POST",)),
        (f"{one}/archive", archive, ("POST",)),
        (f"{one}/unarchive", unarchive, ("POST",)),
        (f"{one}/propose-archive", propose_archive, both),
    )
    for rule, view, methods in routes:
        bp.add_url_rule(rule, view.__name__, _bound(view, pages), methods=methods)
    bp.add_url_rule(f"{one}/history", "history", _bound(history, pages, public=True))
