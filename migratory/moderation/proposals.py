"""Proposed changes and new records of every kind, and the secretariat's
decisions on them. Each kind (core.records) validates and applies its own."""

import logging

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from migratory.accounts.permissions import require_secretariat, require_signed_in
from migratory.accounts.user_mail import mail_language, mail_user
from migratory.core.audit import record_action
from migratory.core.errors import Conflict, NotFound, ValidationFailed
from migratory.core.models import utcnow
from migratory.core.records import RecordKind, record_kind
from migratory.extensions import db
from migratory.moderation.models import Proposal
from migratory.moderation.review import review_proposal

logger = logging.getLogger(__name__)


def editable(kind: RecordKind, payload: dict, user) -> dict:
    """The payload without the fields this user may not set."""
    if user.is_secretariat:
        return payload
    return {k: v for k, v in payload.items() if k not in kind.reserved}


def record_to_edit(user, kind: RecordKind, record):
    """`record` if `user` may open it for editing: unpublished records only for
    those who may change them directly; to anyone else they do not exist."""
    require_signed_in(user)
    if kind.is_archived(record) or getattr(record, "status", "published") != (
        "published"
    ):
        if not kind.may_edit(user, record):
            raise NotFound(_("No such record."))
    return record


def save_change(
    user,
    kind_name: str,
    key,
    payload: dict,
    *,
    expected_version: int | None,
    comment: str | None = None,
):
    """An edit from a form to the record of kind `kind_name` found by `key`:
    applied at once where the user may change it directly, otherwise proposed.
    Returns ("saved", record) or ("proposed", proposal); commits once."""
    kind = record_kind(kind_name)
    record = record_to_edit(user, kind, kind.resolve(key))
    payload = editable(kind, payload, user)
    data = kind.validate(payload)
    if not kind.may_edit(user, record):
        proposal = add_proposal(user, kind, "change", record, payload, comment)
        db.session.commit()
        return "proposed", proposal
    kind.check_direct(user, record, data)
    if expected_version is not None and expected_version != record.version:
        raise Conflict(_("This entry was changed by someone else since you opened it."))
    if kind.change(
        record, data, source="web", comment=comment, author_id=user.id, replace=True
    ):
        _commit_or_conflict()
        logger.info("%s %s edited by user %s", kind.name, record.id, user.id)
    return "saved", record


def _commit_or_conflict() -> None:
    """Commit; a save that lost a race is a Conflict: for the version counter
    (changed meanwhile), or for a unique key (the same record saved at the
    same moment by someone else), which validation could not see coming."""
    try:
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise Conflict(
            _("This entry was changed by someone else since you opened it.")
        ) from error
    except IntegrityError as error:
        db.session.rollback()
        raise Conflict(
            _("Someone else saved the same record at the same moment: reload it.")
        ) from error


def create_or_propose(user, kind_name: str, payload: dict, comment=None):
    """A new record: created where the user may create it directly (for
    institutions, the secretariat), proposed by anyone else; commits once."""
    require_signed_in(user)
    kind = record_kind(kind_name)
    payload = editable(kind, payload, user)
    data = kind.validate(payload)
    if kind.may_create(user, data):
        try:
            record = kind.create(data, source="web", comment=comment, author_id=user.id)
        except IntegrityError as error:  # a flush inside create lost a race
            db.session.rollback()
            raise Conflict(
                _("Someone else saved the same record at the same moment: reload it.")
            ) from error
        _commit_or_conflict()
        return "saved", record
    proposal = add_proposal(user, kind, "new", None, payload, comment)
    db.session.commit()
    return "proposed", proposal


def add_proposal(
    user, kind: RecordKind, action: str, record, payload: dict, comment=None
) -> Proposal:
    """Queue a proposal for the secretariat (flush; the caller commits)."""
    require_signed_in(user)
    if action != "archive":
        kind.validate(payload)
    proposal = Proposal(
        action=action,
        record_kind=kind.name,
        record_id=record.id if record is not None else None,
        proposer_id=user.id,
        data=payload,
        base_version=record.version if record is not None else None,
        comment=(comment or "").strip() or None,
    )
    db.session.add(proposal)
    db.session.flush()
    logger.info(
        "Proposal %s (%s %s) by user %s", proposal.id, action, kind.name, user.id
    )
    return proposal


def propose(user, kind_name: str, action: str, key, payload: dict, comment=None):
    """Queue a proposal on the record found by `key` (None for a new one) as a
    use case of its own (commits)."""
    kind = record_kind(kind_name)
    record = kind.resolve(key) if key is not None else None
    proposal = add_proposal(user, kind, action, record, payload, comment)
    db.session.commit()
    return proposal


def proposals_behind(revisions) -> dict[int, Proposal]:
    """Revision number → the approved proposal it came from (one query)."""
    wanted = {}
    for revision in revisions:
        source, _, ident = (revision.source or "").partition(":")
        if source == "proposal" and ident.isdigit():
            wanted[int(ident)] = revision.number
    if not wanted:
        return {}
    found = db.session.scalars(
        select(Proposal)
        .where(Proposal.id.in_(wanted))
        .options(selectinload(Proposal.proposer))
    )
    return {wanted[p.id]: p for p in found}


def pending_proposals() -> list[Proposal]:
    """The moderation queue of every kind, oldest first, with their records
    loaded (one query per kind)."""
    queue = list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.status == "pending")
            .options(selectinload(Proposal.proposer))
            .order_by(Proposal.created, Proposal.id)
        )
    )
    targets: dict[str, set[int]] = {}
    for proposal in queue:
        if proposal.record_id is not None:
            targets.setdefault(proposal.record_kind, set()).add(proposal.record_id)
    for name, ids in targets.items():
        model = record_kind(name).model
        list(db.session.scalars(select(model).where(model.id.in_(ids))))
    return queue


def get_proposal(ident: int) -> Proposal:
    proposal = db.session.get(Proposal, ident)
    if proposal is None:
        raise NotFound(_("No such proposal."))
    return proposal


def approve_proposal(actor, ident: int, payload: dict | None = None, comment=None):
    """Apply a proposal (as the secretariat edited it, if `payload` is given).

    As proposed, only the fields the proposer changed are applied; where
    someone changed the same field since, the secretariat must edit first.
    One transaction: the record, its revision, the decision and the audit
    entry are committed together, or nothing is.
    """
    require_secretariat(actor)
    proposal = _pending(ident)
    kind = record_kind(proposal.record_kind)
    note = comment or proposal.comment
    source = f"proposal:{proposal.id}"
    if proposal.action == "new":
        data = kind.validate(payload or proposal.data)
        record = kind.create(data, source=source, comment=note, author_id=actor.id)
    else:
        record = proposal.target
        if proposal.action == "archive":
            data = dict(kind.archived)
        elif payload is not None:
            data = kind.validate(payload)
        else:
            review = review_proposal(proposal)
            if review.conflicts:
                raise Conflict(
                    _(
                        "The entry changed after this proposal in the same fields "
                        "(%(fields)s): edit the proposal, then approve it.",
                        fields=", ".join(str(c) for c in review.conflict_labels),
                    )
                )
            data = review.data
        kind.change(
            record,
            data,
            source=source,
            comment=note,
            author_id=actor.id,
            replace=proposal.action == "change",
        )
    _decide(actor, proposal, "approved", record, None)
    return record


def reject_proposal(actor, ident: int, reason: str) -> Proposal:
    """Refuse a proposal with a reason the proposer will read."""
    require_secretariat(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), errors={"reason": [_("Required.")]})
    proposal = _pending(ident)
    _decide(actor, proposal, "rejected", proposal.target, reason)
    return proposal


def _pending(ident: int) -> Proposal:
    proposal = get_proposal(ident)
    if proposal.status != "pending":
        raise Conflict(_("This proposal has already been decided."))
    return proposal


def audit_target(kind_name: str, record) -> str:
    """How the audit log names a record: "institution:<slug>", "link:12"."""
    if record is None:
        return f"new {kind_name}"
    return f"{kind_name}:{getattr(record, 'slug', None) or record.id}"


def _decide(actor, proposal: Proposal, status: str, record, reason) -> None:
    proposal.status, proposal.reason = status, reason
    proposal.reviewer_id, proposal.decided = actor.id, utcnow()
    if record is not None and proposal.record_id is None:
        proposal.record_id = record.id
    record_action(
        actor,
        f"proposal {status}",
        audit_target(proposal.record_kind, record),
        proposal=proposal.id,
        reason=reason,
    )
    db.session.commit()  # the only commit: of the decision and all it applied
    notify_proposer(proposal, record)


def notify_proposer(proposal: Proposal, record) -> None:
    """Tell the proposer what was decided, by a queued mail in their language
    (not the reviewer's)."""
    proposer = proposal.proposer
    if proposer is None:
        return
    kind = record_kind(proposal.record_kind)
    language = mail_language(proposer)
    if record is not None:
        name = kind.title(record, language)
        endpoint, values = kind.page(record)
    else:
        name = kind.title_of_data(proposal.data)
        endpoint, values = None, {}
    mail_user(
        proposer,
        "proposal_decision",
        status=proposal.status,
        name=name,
        endpoint=endpoint,
        values=values,
        reason=proposal.reason or "",
    )
