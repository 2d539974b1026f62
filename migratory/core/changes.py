"""A session-level note of which records changed, by kind, for after-commit work.

Each kind's ids sit in `session.info` under `changed_key(kind)`, so that a
caller can take one kind's changes over (an import indexes its institutions in
bulk after its last commit) without touching the others.
"""

from collections.abc import Iterable

PREFIX = "changed:"


def changed_key(kind: str) -> str:
    """The `session.info` key holding the changed ids of `kind`."""
    return PREFIX + kind


CHANGED_INSTITUTIONS = changed_key("institution")


def mark_changed(session, ids: Iterable[int | None], kind: str = "institution") -> None:
    """Remember ids of `kind` changed in this session's transaction.

    Set-based inserts bypass the ORM's flush events, so they call this directly.
    """
    ids = {i for i in ids if i is not None}
    if ids:
        session.info.setdefault(changed_key(kind), set()).update(ids)


def pop_changes(session) -> dict[str, set[int]]:
    """Every kind's changed ids, taken out of the session: {kind: ids}."""
    keys = [k for k in session.info if isinstance(k, str) and k.startswith(PREFIX)]
    return {key[len(PREFIX) :]: session.info.pop(key) for key in keys}
