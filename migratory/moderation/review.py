"""What approving a proposal would do: the proposer's own changes, measured
against the record they saw, and where someone changed the same fields since.
The same for every kind of record."""

from dataclasses import dataclass, field

from migratory.core.history import FieldChange, diff_states, revision_data, same_value
from migratory.core.records import record_kind
from migratory.moderation.models import Proposal


@dataclass
class Review:
    """A proposal as the secretariat sees it."""

    data: dict  # the validated fields approval would apply
    state: dict  # the record as it would be after approval
    changes: list[FieldChange]  # field by field, from the record now
    conflicts: list[str] = field(default_factory=list)  # changed since, both sides
    conflict_labels: list = field(default_factory=list)  # as the form names them


def review_proposal(proposal: Proposal) -> Review:
    """Everything the proposal page and approval need, computed once.

    A change proposal carries the whole form; only what differs from the
    record at the time is the proposer's, so edits made meanwhile by others
    are kept unless they touch the same fields.
    """
    kind = record_kind(proposal.record_kind)
    record = proposal.target
    current = kind.state(record) if record is not None else {}
    if proposal.action == "archive":
        state = {**current, **kind.archived}
        return Review(dict(kind.archived), state, diff_states(kind, current, state))
    data = kind.validate(proposal.data)
    key = kind.state_key
    conflicts = []
    if record is not None:
        base = _base_state(proposal, current)
        data = {k: v for k, v in data.items() if not same_value(v, base.get(key(k)))}
        conflicts = sorted(
            key(k)
            for k, v in data.items()
            if not same_value(current.get(key(k)), base.get(key(k)))
            and not same_value(current.get(key(k)), v)
        )
    state = {**current, **{key(k): v for k, v in data.items()}}
    return Review(
        data,
        state,
        diff_states(kind, current, state),
        conflicts,
        [kind.field_label(c) for c in conflicts],
    )


def _base_state(proposal: Proposal, current: dict) -> dict:
    """The record as it was when the proposal was made (its revision then)."""
    if proposal.base_version is None:
        return current
    data = revision_data(
        proposal.record_kind, proposal.record_id, proposal.base_version
    )
    return data if data is not None else current
