"""Proposed changes and new records of every kind, and the secretariat's
decisions on them. Each kind (core.records) validates and applies its own."""

import logging

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from migratory.accounts.permissions import require_secretariat, require_signed_in
from migratory.core.audit import record_action
from migratory.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from migratory.core.models import utcnow
from migratory.core.records import RecordKind, record_kind
from migratory.extensions import db
from migratory.moderation.models import Proposal
from migratory.moderation.notices import notify_proposer
from migratory.moderation.review import review_proposal
from migratory.moderation.use_cases import changed_meanwhile, committing

logger = logging.getLogger(__name__)


def editable(kind: RecordKind, payload: dict, user) -> dict:
    """The payload without the fields this user may not set."""
    if user.is_secretariat:
        return payload
    return {k: v for k, v in payload.items() if k not in kind.reserved}


def visible_record(user, kind: RecordKind, record):
    """`record` if `user` may see it; to anyone else it does not exist."""
    if not kind.may_see(user, record):
        raise NotFound(_("No such record."))
    return record


def record_to_edit(user, kind: RecordKind, record):
    """`record` if `user` may open it for editing: signed in, and it is
    visible to them (unpublished records only to those who may change them)."""
    require_signed_in(user)
    return visible_record(user, kind, record)


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
    with committing():
        record = record_to_edit(user, kind, kind.resolve(key))
        payload = editable(kind, payload, user)
        data = kind.validate(payload)
        if not kind.may_edit(user, record):
            return "proposed", add_proposal(
                user, kind, "change", record, payload, comment
            )
        kind.check_direct(user, record, data)
        if expected_version is not None and expected_version != record.version:
            raise changed_meanwhile()
        if kind.change(
            record, data, source="web", comment=comment, author_id=user.id, replace=True
        ):
            logger.info("%s %s edited by user %s", kind.name, record.id, user.id)
        return "saved", record


def create_or_propose(user, kind_name: str, payload: dict, comment=None):
    """A new record: created where the user may create it directly (for
    institutions, the secretariat), proposed by anyone else; commits once."""
    require_signed_in(user)
    kind = record_kind(kind_name)
    payload = editable(kind, payload, user)
    with committing():
        data = kind.validate(payload)
        if kind.may_create(user, data):
            record = kind.create(data, source="web", comment=comment, author_id=user.id)
            return "saved", record
        return "proposed", add_proposal(user, kind, "new", None, payload, comment)


def add_proposal(
    user, kind: RecordKind, action: str, record, payload: dict, comment=None
) -> Proposal:
    """Queue a proposal for the secretariat (flush; the caller commits)."""
    require_signed_in(user)
    if not kind.may_propose(user):
        raise PermissionDenied(_("You may not propose changes to this record."))
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
    use case of its own (commits). Records the user may not see cannot be
    proposed for change or archiving: to them they do not exist."""
    require_signed_in(user)
    kind = record_kind(kind_name)
    with committing():
        record = None
        if key is not None:
            record = visible_record(user, kind, kind.resolve(key))
        return add_proposal(user, kind, action, record, payload, comment)


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
    with committing():
        proposal = _pending(ident)
        record = _apply(actor, proposal, payload, comment or proposal.comment)
        _decide(actor, proposal, "approved", record, None)
    notify_proposer(proposal, record)
    return record


def _apply(actor, proposal: Proposal, payload: dict | None, note):
    """Write what an approved proposal asks for (flush only); the record."""
    kind = record_kind(proposal.record_kind)
    source = f"proposal:{proposal.id}"
    if proposal.action == "new":
        data = kind.validate(payload or proposal.data)
        return kind.create(data, source=source, comment=note, author_id=actor.id)
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
    return record


def reject_proposal(actor, ident: int, reason: str) -> Proposal:
    """Refuse a proposal with a reason the proposer will read."""
    require_secretariat(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), errors={"reason": [_("Required.")]})
    with committing():
        proposal = _pending(ident)
        record = proposal.target
        _decide(actor, proposal, "rejected", record, reason)
    notify_proposer(proposal, record)
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
    """Record the decision and its audit entry (flush; the use case commits
    it with all it applied)."""
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
    db.session.flush()
