"""Index many documents at once, after an import, with the rebuild's writer.

Commits index their changes one document at a time (`update_document`), which
is right for a save and slow for 20,000 imported rows. Here Whoosh gets the
writer `flask search rebuild` uses (new segments built by several processes,
plain `add_document`), after the old documents of those ids are deleted in
that same writer: under one lock, with the documents read from the database
once the lock is held, so a save indexed meanwhile is never overwritten by an
older state.
"""

import os
from collections.abc import Collection

from flask import current_app
from sqlalchemy.orm import Session

from migratory.extensions import db
from migratory.search.factory import get_backend
from migratory.search.indexing import reindex
from migratory.search.registry import DocumentKind, get_document_kind
from migratory.search.whoosh_backend import (
    WRITE_LOCK_TIMEOUT,
    WhooshBackend,
    whoosh_fields,
)

BULK_FROM = 500  # fewer changed entries are indexed the ordinary way
WRITER_IDS = 10_000  # entries per writer: bounds how long saves wait for its lock
READ_BATCH = 2000


def index_many(
    ids: Collection[int], procs: int | None = None, kind: str = "institution"
) -> int:
    """Bring the index up to date for `kind`'s `ids` after a large write, as
    their commits would have; how many entries that was (none when
    SEARCH_INDEX_ON_COMMIT is off)."""
    if "search" not in current_app.extensions:
        return 0
    if not current_app.config.get("SEARCH_INDEX_ON_COMMIT", True):
        return 0
    backend = get_backend()
    ids = sorted(set(ids))
    if len(ids) < BULK_FROM or not isinstance(backend, WhooshBackend):
        # PostgreSQL's index writes batches of rows already.
        reindex(ids, backend, kind=kind)
        return len(ids)
    procs = procs or min(2, os.cpu_count() or 1)
    document_kind = get_document_kind(kind)
    for start in range(0, len(ids), WRITER_IDS):
        _whoosh_bulk(backend, document_kind, ids[start : start + WRITER_IDS], procs)
    return len(ids)


def _whoosh_bulk(
    backend: WhooshBackend, kind: DocumentKind, ids: list[int], procs: int
) -> None:
    """Replace the documents of `ids` in one multi-process Whoosh writer."""
    options = {"limitmb": 256}
    if procs > 1:
        options.update(procs=procs, multisegment=True)
    writer = backend.ix.writer(timeout=WRITE_LOCK_TIMEOUT, delay=0.05, **options)
    try:
        # One searcher for every delete (a writer opens a new one per call).
        with writer.searcher() as searcher:
            for ident in ids:
                writer.delete_by_term("key", f"{kind.name}:{ident}", searcher=searcher)
        with Session(db.engine) as session:
            for start in range(0, len(ids), READ_BATCH):
                documents, _ = kind.documents(ids[start : start + READ_BATCH], session)
                for document in documents:
                    writer.add_document(**whoosh_fields(document))
    except BaseException:
        writer.cancel()
        raise
    writer.commit(merge=False)
