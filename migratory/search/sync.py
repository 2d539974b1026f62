"""The index follows the database: changes are indexed after their commit.

Every flush records, for each registered document kind watching a flushed
model, which documents it touched (`session.info`, see core.changes); a
commit hands each kind's ids to the search backend, a rollback forgets them,
so a rolled-back change never reaches the index. Indexing failures are never
raised (a person's save has already succeeded): the update is queued as a job
that retries it (`migratory.search.tasks`), and `flask search check` repairs
whatever is left.
"""

import logging
from itertools import chain

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from migratory.core.changes import mark_changed, pop_changes
from migratory.search.registry import get_document_kind, watchers_of

logger = logging.getLogger(__name__)


@event.listens_for(Session, "after_flush")
def _collect_changes(session: Session, flush_context) -> None:
    changed: dict[str, set] = {}
    for obj in chain(session.new, session.dirty, session.deleted):
        for kind, affected_ids in watchers_of(type(obj)):
            changed.setdefault(kind, set()).update(affected_ids(obj))
    for kind, ids in changed.items():
        mark_changed(session, ids, kind)


@event.listens_for(Session, "after_commit")
def _index_committed(session: Session) -> None:
    changes = pop_changes(session)
    if not changes or not has_app_context() or "search" not in current_app.extensions:
        return
    if not current_app.config.get("SEARCH_INDEX_ON_COMMIT", True):
        return
    from migratory.search.indexing import reindex
    from migratory.search.tasks import queue_reindex

    for kind, ids in changes.items():
        try:
            get_document_kind(kind)
        except KeyError:  # no longer registered: nothing indexes it
            continue
        try:
            reindex(ids, kind=kind)
        except Exception:
            logger.exception(
                "Search index update failed for %d %s documents; queued for retry",
                len(ids),
                kind,
            )
            queue_reindex(kind, ids)


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    pop_changes(session)
