"""Jobs of the search index: index updates that failed after commit, retried."""

import logging

from migratory.core.jobs import huey

logger = logging.getLogger(__name__)

# Retried for about half a minute: long enough for an import's index writer
# to finish; after that `flask search check` repairs.
RETRIES, RETRY_DELAY = 5, 5


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY)
def reindex_later(kind: str, ids: list[int]) -> None:
    """Bring the index entries of (kind, ids) up to the database's state."""
    from migratory.search.indexing import reindex
    from migratory.search.registry import get_document_kind

    try:
        get_document_kind(kind)
    except KeyError:  # a kind no longer registered: nothing to retry
        logger.warning("Dropped a search index update of unknown kind %r", kind)
        return
    reindex(sorted(ids), kind=kind)


def queue_reindex(kind: str, ids) -> bool:
    """Queue a re-indexing of (kind, ids); False (logged) if it cannot be queued."""
    try:
        reindex_later(kind, sorted(ids))
    except Exception:
        logger.exception(
            "Could not queue the search index update of %d %s entries; "
            "run `flask search check` to repair",
            len(ids),
            kind,
        )
        return False
    return True
