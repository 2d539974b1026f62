"""Keeping the index in step with the database, for every document kind."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from sqlalchemy.orm import Session

from migratory.extensions import db
from migratory.search.base import SearchBackend
from migratory.search.factory import get_backend
from migratory.search.registry import DocumentKind, document_kinds, get_document_kind

BATCH = 2000


def reindex(
    ids: Iterable[int],
    backend: SearchBackend | None = None,
    kind: str = "institution",
) -> None:
    """Index the visible documents of `kind` among `ids`; remove the others.

    The backend reads them from the database once it holds its write lock
    (`SearchBackend.refresh`), in batches, in one pass (one Whoosh writer,
    however many thousands an import brings).
    """
    backend = backend or get_backend()
    reader = partial(read_documents, get_document_kind(kind))
    backend.refresh(kind, sorted(set(ids)), reader)


def read_documents(
    kind: DocumentKind, ids: list[int]
) -> Iterator[tuple[list[dict], list[int]]]:
    """(documents, ids to remove) of `ids` in batches, read from the database."""
    with Session(db.engine) as session:
        for start in range(0, len(ids), BATCH):
            yield kind.documents(ids[start : start + BATCH], session)


def document_count(session: Session) -> int:
    """Number of documents every kind should have in the index."""
    return sum(len(kind.all_ids(session)) for kind in document_kinds())


def _all_batches(session: Session, progress=None) -> Iterator[list[dict]]:
    """Every kind's visible documents, in batches."""
    for kind in document_kinds():
        ids = sorted(kind.all_ids(session))
        for start in range(0, len(ids), BATCH):
            batch, _ = kind.documents(ids[start : start + BATCH], session)
            if progress:
                progress(len(batch))
            yield batch


def rebuild_index(progress: Callable[[int], None] | None = None, procs: int = 1) -> int:
    """Rebuild the index of every kind from the database, the source of truth;
    the number of documents indexed."""
    backend = get_backend()
    backend.clear()
    with Session(db.engine) as session:
        backend.bulk_load(_all_batches(session, progress), procs=procs)
    return backend.count()


class DocumentKey(NamedTuple):
    """Which document: its kind and its record's id."""

    kind: str
    id: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass
class IndexCheck:
    """Differences between the database and the index, for every kind."""

    missing: list[DocumentKey] = field(default_factory=list)
    stale: list[DocumentKey] = field(default_factory=list)
    extra: list[DocumentKey] = field(default_factory=list)
    tidied: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def check_index(repair: bool = True) -> IndexCheck:
    """Compare the index with the database; optionally repair the differences."""
    backend = get_backend()
    check = IndexCheck()
    for kind in document_kinds():
        indexed = backend.indexed_ids(kind.name)
        with Session(db.engine) as session:
            visible = kind.all_ids(session)
        both = set(visible) & set(indexed)
        missing = sorted(set(visible) - set(indexed))
        stale = sorted(i for i in both if abs(visible[i] - indexed[i]) > 1e-3)
        extra = sorted(set(indexed) - set(visible))
        for found, ids in ((check.missing, missing), (check.stale, stale),
                           (check.extra, extra)):  # fmt: skip
            found.extend(DocumentKey(kind.name, i) for i in ids)
        if repair and (missing or stale or extra):
            reindex(missing + stale + extra, backend, kind=kind.name)
    if repair:
        check.tidied = backend.tidy()
    return check
