"""What else follows a duplicate institution into the one kept when the two
are merged: steps that domains above moderation (the network) register in
create_app, so that moderation needs not import them.

A step is `fn(actor, keep, gone, comment)`: it moves what refers to `gone`
to `keep` (writing revisions authored by `actor` with `comment`) and only
flushes; `upkeep.merge_institutions` commits once after every step.
"""

from collections.abc import Callable

MergeStep = Callable[..., None]

_STEPS: list[MergeStep] = []


def register_merge_step(fn: MergeStep) -> None:
    """Run `fn` on every merge of two institutions (idempotent)."""
    if fn not in _STEPS:
        _STEPS.append(fn)


def merge_steps() -> tuple[MergeStep, ...]:
    """The registered steps, in the order they were registered."""
    return tuple(_STEPS)


def run_merge_steps(actor, keep, gone, comment: str) -> None:
    """Run every registered step on a merge of `gone` into `keep` (flush only)."""
    for step in merge_steps():
        step(actor, keep, gone, comment)
