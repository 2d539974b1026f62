"""Proposed changes and new entries, and the secretariat's decisions on them."""

import logging

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from migratory.accounts.permissions import (
    may_edit_directly,
    require_signed_in,
)
from migratory.accounts.services import require_secretariat
from migratory.accounts.user_mail import mail_language, mail_user
from migratory.core.audit import record_action
from migratory.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from migratory.core.models import utcnow
from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.inventory.services import (
    add_institution,
    change_institution,
    get_institution,
    validate_institution,
)
from migratory.moderation.models import Proposal
from migratory.moderation.review import review_proposal

logger = logging.getLogger(__name__)
# Only the secretariat changes these, never through a form of anyone else.
RESERVED = ("status", "last_verified", "ror_id", "geo_source", "geo_precision")


def _editable(payload: dict, user) -> dict:
    """The payload without the fields this user may not set."""
    if getattr(user, "is_secretariat", False):
        return payload
    return {k: v for k, v in payload.items() if k not in RESERVED}


def institution_to_edit(user, slug: str) -> Institution:
    """The entry `user` may open for editing: drafts and archived entries only
    for those who may change them directly; to anyone else they do not exist."""
    require_signed_in(user)
    institution = get_institution(slug)
    if institution.status != "published" and not may_edit_directly(user, institution):
        raise NotFound(_("No such institution."))
    return institution


def save_edit(
    user,
    slug: str,
    payload: dict,
    *,
    expected_version: int,
    comment: str | None = None,
) -> tuple[str, Institution | Proposal]:
    """An edit from the form: applied at once where the user may edit the entry
    directly, otherwise proposed. Returns ("saved", entry) or ("proposed", ...).
    """
    institution = institution_to_edit(user, slug)
    payload = _editable(payload, user)
    data = validate_institution(payload)
    if not may_edit_directly(user, institution):
        return "proposed", propose(user, "change", institution, payload, comment)
    if not user.is_secretariat and data["country_code"] != user.country_code:
        raise PermissionDenied(
            _("A focal point cannot move an entry to another country.")
        )
    if change_institution(
        institution,
        data,
        source="web",
        comment=comment,
        expected_version=expected_version,
        author_id=user.id,
        replace_names=True,
    ):
        _commit_or_conflict()
        logger.info("Institution %s edited by user %s", slug, user.id)
    return "saved", institution


def _commit_or_conflict() -> None:
    """Commit; a save that lost the race for the version counter is a Conflict."""
    try:
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise Conflict(
            _("This entry was changed by someone else since you opened it.")
        ) from error


def create_or_propose(user, payload: dict, comment: str | None = None):
    """A new entry: created by the secretariat, proposed by anyone else."""
    require_signed_in(user)
    payload = _editable(payload, user)
    validate_institution(payload)
    if user.is_secretariat:
        institution = add_institution(
            payload, source="web", comment=comment, author_id=user.id
        )
        db.session.commit()
        return "saved", institution
    return "proposed", propose(user, "new", None, payload, comment)


def propose(user, kind: str, institution, payload: dict, comment=None) -> Proposal:
    """Queue a proposal for the secretariat."""
    require_signed_in(user)
    if kind != "archive":
        validate_institution(payload)
    proposal = Proposal(
        kind=kind,
        institution_id=institution.id if institution else None,
        proposer_id=user.id,
        data=payload,
        base_version=institution.version if institution else None,
        comment=(comment or "").strip() or None,
    )
    db.session.add(proposal)
    db.session.commit()
    logger.info("Proposal %s (%s) by user %s", proposal.id, kind, user.id)
    return proposal


def proposals_behind(revisions) -> dict[int, Proposal]:
    """Revision number → the approved proposal it came from (one query)."""
    wanted = {}
    for revision in revisions:
        kind, _, ident = (revision.source or "").partition(":")
        if kind == "proposal" and ident.isdigit():
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
    """The moderation queue, oldest first."""
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.status == "pending")
            .options(
                selectinload(Proposal.proposer), selectinload(Proposal.institution)
            )
            .order_by(Proposal.created, Proposal.id)
        )
    )


def get_proposal(ident: int) -> Proposal:
    proposal = db.session.get(Proposal, ident)
    if proposal is None:
        raise NotFound(_("No such proposal."))
    return proposal


def approve_proposal(actor, ident: int, payload: dict | None = None, comment=None):
    """Apply a proposal (as the secretariat edited it, if `payload` is given).

    As proposed, only the fields the proposer changed are applied; where
    someone changed the same field since, the secretariat must edit first.
    One transaction: the entry, its revision, the decision and the audit
    entry are committed together, or nothing is.
    """
    require_secretariat(actor)
    proposal = _pending(ident)
    note = comment or proposal.comment
    source = f"proposal:{proposal.id}"
    if proposal.kind == "new":
        institution = add_institution(
            payload or proposal.data, source=source, comment=note, author_id=actor.id
        )
    else:
        institution = proposal.institution
        if proposal.kind == "archive":
            data = {"status": "archived"}
        elif payload is not None:
            data = validate_institution(payload)
        else:
            review = review_proposal(proposal)
            if review.conflicts:
                raise Conflict(
                    _(
                        "The entry changed after this proposal in the same fields "
                        "(%(fields)s): edit the proposal, then approve it.",
                        fields=", ".join(review.conflicts),
                    )
                )
            data = review.data
        change_institution(
            institution,
            data,
            source=source,
            comment=note,
            author_id=actor.id,
            replace_names=proposal.kind == "change",
        )
    _decide(actor, proposal, "approved", institution, None)
    return institution


def reject_proposal(actor, ident: int, reason: str) -> Proposal:
    """Refuse a proposal with a reason the proposer will read."""
    require_secretariat(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), errors={"reason": [_("Required.")]})
    proposal = _pending(ident)
    _decide(actor, proposal, "rejected", proposal.institution, reason)
    return proposal


def _pending(ident: int) -> Proposal:
    proposal = get_proposal(ident)
    if proposal.status != "pending":
        raise Conflict(_("This proposal has already been decided."))
    return proposal


def _decide(actor, proposal: Proposal, status: str, institution, reason) -> None:
    proposal.status, proposal.reason = status, reason
    proposal.reviewer_id, proposal.decided = actor.id, utcnow()
    if institution is not None and proposal.institution_id is None:
        proposal.institution_id = institution.id
    target = f"institution:{institution.slug}" if institution else "new institution"
    record_action(
        actor, f"proposal {status}", target, proposal=proposal.id, reason=reason
    )
    db.session.commit()  # the only commit: of the decision and all it applied
    notify_proposer(proposal, institution)


def notify_proposer(proposal: Proposal, institution) -> None:
    """Tell the proposer what was decided, by a queued mail in their language
    (not the reviewer's)."""
    proposer = proposal.proposer
    if proposer is None:
        return
    language = mail_language(proposer)
    if institution is not None:
        name = institution.display_name_in(language)
    else:
        name = proposal.data.get("name", "")
    mail_user(
        proposer,
        "proposal_decision",
        status=proposal.status,
        name=name,
        slug=institution.slug if institution else None,
        reason=proposal.reason or "",
    )
