"""A session-level note of which institutions changed, for after-commit work."""

from collections.abc import Iterable

CHANGED_INSTITUTIONS = "changed_institutions"


def mark_changed(session, ids: Iterable[int | None]) -> None:
    """Remember institution ids changed in this session's transaction.

    Set-based inserts bypass the ORM's flush events, so they call this directly.
    """
    ids = {i for i in ids if i is not None}
    if ids:
        session.info.setdefault(CHANGED_INSTITUTIONS, set()).update(ids)
