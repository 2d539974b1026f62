"""The index follows the database: changes are indexed after their commit.

Every flush records which institutions it touched in `session.info`; a commit
hands them to the search backend, a rollback forgets them, so a rolled-back
change never reaches the index. Indexing failures are never raised (a
person's save has already succeeded): the update is queued as a job that
retries it (`migratory.search.tasks`), and `flask search check` repairs
whatever is left.
"""

import logging
from itertools import chain

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from migratory.core.changes import CHANGED_INSTITUTIONS, mark_changed
from migratory.inventory.models import Institution, InstitutionName, InstitutionTopic

logger = logging.getLogger(__name__)


@event.listens_for(Session, "after_flush")
def _collect_changes(session: Session, flush_context) -> None:
    ids = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Institution):
            ids.add(obj.id)
        elif isinstance(obj, InstitutionName | InstitutionTopic):
            ids.add(obj.institution_id)
    mark_changed(session, ids)


@event.listens_for(Session, "after_commit")
def _index_committed(session: Session) -> None:
    ids = session.info.pop(CHANGED_INSTITUTIONS, None)
    if not ids or not has_app_context() or "search" not in current_app.extensions:
        return
    if not current_app.config.get("SEARCH_INDEX_ON_COMMIT", True):
        return
    from migratory.search.services import reindex
    from migratory.search.tasks import queue_reindex

    try:
        reindex(ids)
    except Exception:
        logger.exception(
            "Search index update failed for %d institutions; queued for retry",
            len(ids),
        )
        queue_reindex("institution", ids)


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop(CHANGED_INSTITUTIONS, None)
