"""What approving a proposal would do: the proposer's own changes, measured
against the entry they saw, and where someone changed the same fields since."""

from dataclasses import dataclass, field

from sqlalchemy import select

from migratory.extensions import db
from migratory.inventory.history import FieldChange, diff_states, same_value
from migratory.inventory.models import InstitutionRevision
from migratory.inventory.services import institution_state, validate_institution
from migratory.moderation.models import Proposal


@dataclass
class Review:
    """A proposal as the secretariat sees it."""

    data: dict  # the validated fields approval would apply
    state: dict  # the entry as it would be after approval
    changes: list[FieldChange]  # field by field, from the entry now
    conflicts: list[str] = field(default_factory=list)  # changed since, both sides


def review_proposal(proposal: Proposal) -> Review:
    """Everything the proposal page and approval need, computed once.

    A change proposal carries the whole form; only what differs from the
    entry at the time is the proposer's, so edits made meanwhile by others
    are kept unless they touch the same fields.
    """
    current = institution_state(proposal.institution) if proposal.institution else {}
    if proposal.kind == "archive":
        state = {**current, "status": "archived"}
        return Review({"status": "archived"}, state, diff_states(current, state))
    data = validate_institution(proposal.data)
    conflicts = []
    if proposal.institution is not None:
        base = _base_state(proposal, current)
        data = {
            key: value
            for key, value in data.items()
            if not same_value(value, base.get(_state_key(key)))
        }
        conflicts = sorted(
            _state_key(key)
            for key, value in data.items()
            if not same_value(current.get(_state_key(key)), base.get(_state_key(key)))
            and not same_value(current.get(_state_key(key)), value)
        )
    state = {**current, **{_state_key(k): v for k, v in data.items()}}
    return Review(data, state, diff_states(current, state), conflicts)


def _state_key(key: str) -> str:
    """Validated input is keyed by ``country_code``; saved states by ``country``."""
    return "country" if key == "country_code" else key


def _base_state(proposal: Proposal, current: dict) -> dict:
    """The entry as it was when the proposal was made (its revision then)."""
    if proposal.base_version is None:
        return current
    data = db.session.scalar(
        select(InstitutionRevision.data).where(
            InstitutionRevision.institution_id == proposal.institution_id,
            InstitutionRevision.number == proposal.base_version,
        )
    )
    return data if data is not None else current
