"""Whoosh backend: the embedded default, an index folder beside the SQLite file."""

import heapq
import logging
import re
import shutil
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.query import And, Term

from migratory.search.base import Reader, SearchBackend, SearchQuery, SearchResult
from migratory.search.vocab_bits import topics_from_mask
from migratory.search.whoosh_schema import (  # noqa: F401  (whoosh_fields: bulk)
    INDEX_NAME,
    PREFIX_MAX,
    PREFIX_MIN,
    TEXT_FIELDS,
    build_schema,
    whoosh_fields,
)
from migratory.search.whoosh_sets import PostingSets, rank

logger = logging.getLogger(__name__)

WRITE_LOCK_TIMEOUT = 30.0  # default seconds a writer waits for another's lock
BULK_CHUNK = 20_000  # documents per writer in a rebuild
SORTS = {
    "name": (["name_sort"], False),
    "country": (["country_sort", "name_sort"], False),
    "updated": (["updated"], True),
}


class WhooshBackend(SearchBackend):
    """One index folder; one reused searcher per process, refreshed on change."""

    def __init__(
        self, directory: str, lock_timeout: float = WRITE_LOCK_TIMEOUT
    ) -> None:
        self.directory = Path(directory)
        self.lock_timeout = lock_timeout
        self.directory.mkdir(parents=True, exist_ok=True)
        if whoosh_index.exists_in(self.directory, indexname=INDEX_NAME):
            self.ix = whoosh_index.open_dir(self.directory, indexname=INDEX_NAME)
        else:
            self.ix = whoosh_index.create_in(
                self.directory, build_schema(), indexname=INDEX_NAME
            )
        self._lock = threading.Lock()
        self._searcher = None
        self._columns: dict[str, list] = {}
        self._vocabulary: list[str] | None = None
        self._posting_sets: tuple | None = None
        self._version_seen: tuple = ()

    # -- reading ---------------------------------------------------------------

    def searcher(self):
        """The shared searcher, reopened only when the index has changed.

        Checking is a directory listing and one `stat`. (Whoosh's own
        `refresh()` is not used: in whoosh-reloaded 2.7.5 it fails on a
        searcher opened on an empty index and carries replaced segments over
        into the new reader.)
        """
        with self._lock:
            version = self._version()
            if self._searcher is None or version != self._version_seen:
                if self._searcher is not None:
                    self._searcher.close()
                self._searcher = self.ix.searcher()
                self._version_seen = version
                self._columns, self._vocabulary = {}, None
            return self._searcher

    def _version(self) -> tuple:
        """Which index the folder holds: its generation and its table of
        contents' file identity. A rebuild restarts the generations, so the
        number alone would keep other processes on the replaced index (the
        new table of contents is a new file, written later)."""
        generation = self.ix.latest_generation()
        toc = self.directory / f"_{INDEX_NAME}_{generation}.toc"
        try:
            stat = toc.stat()
        except FileNotFoundError:  # replaced since the listing: look again
            return (generation, None)
        return (generation, stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def _column(self, searcher, name: str) -> list:
        """A column's values by document number, read once per searcher.

        Read segment by segment: Whoosh's multi-segment column reader leaves
        out segments without the column (those of kinds without the field),
        which would shift every later document's value.
        """
        if name not in self._columns:
            values: list = []
            if searcher.doc_count_all():  # an empty index has no columns at all
                for reader, _ in searcher.reader().leaf_readers():
                    values.extend(reader.column_reader(name))
            self._columns[name] = values
        return self._columns[name]

    def query(self, query: SearchQuery) -> SearchResult:
        """Match set from posting blocks; the page ranked on sets or by a column."""
        searcher = self.searcher()
        matched = self._sets(searcher).match(query, searcher.reader().all_doc_ids)
        limit = query.page * query.per_page
        start = limit - query.per_page
        if query.sort in SORTS:
            docnums, scores = self._sorted_page(
                searcher, matched, query.sort, start, limit
            )
        elif query.clauses:
            lengths = self._column(searcher, "title_len")
            ranked = rank(self._sets(searcher), query, matched, lengths, limit)[start:]
            docnums = [doc for doc, _ in ranked]
            scores = [round(score, 4) for _, score in ranked]
        else:  # filters only: in name order
            docnums, scores = self._sorted_page(searcher, matched, "name", start, limit)
        return SearchResult(
            total=len(matched),
            ids=[int(searcher.stored_fields(d)["id"]) for d in docnums],
            scores=scores,
            facets=self._facets(searcher, matched),
        )

    def _sorted_page(self, searcher, matched, sort, start, limit):
        """A page of the matches in column order (no scores)."""
        fields, reverse = SORTS[sort]
        columns = [self._column(searcher, f) for f in fields]
        if len(columns) == 1:
            key = columns[0].__getitem__
        else:
            key = lambda d: tuple(c[d] for c in columns)  # noqa: E731
        pick = heapq.nlargest if reverse else heapq.nsmallest
        docnums = pick(limit, matched, key=key)[start:]
        return docnums, [0.0] * len(docnums)

    def _sets(self, searcher) -> PostingSets:
        if self._posting_sets is None or self._posting_sets[0] is not searcher:
            sets = PostingSets(searcher, TEXT_FIELDS, (PREFIX_MIN, PREFIX_MAX))
            self._posting_sets = (searcher, sets)
        return self._posting_sets[1]

    def _facets(self, searcher, docnums) -> dict[str, dict[str, int]]:
        """Counts by country, category and topic, read from columns."""
        countries = self._column(searcher, "country")
        categories = self._column(searcher, "category")
        masks = self._column(searcher, "topic_mask")
        topics: Counter = Counter()
        for mask, count in Counter(map(masks.__getitem__, docnums)).items():
            for topic in topics_from_mask(mask):
                topics[topic] += count
        return {
            "country": _decoded(Counter(map(countries.__getitem__, docnums))),
            "category": _decoded(Counter(map(categories.__getitem__, docnums))),
            "topic": dict(topics),
        }

    def suggest(
        self, prefix: str, limit: int = 10, kind: str = "institution"
    ) -> list[int]:
        parts = [p[:PREFIX_MAX] for p in prefix.split() if len(p) >= PREFIX_MIN]
        if not parts:
            return []
        query = And([Term("kind", kind), *(Term("suggest", p) for p in parts)])
        results = self.searcher().search(query, limit=limit)
        return [int(hit["id"]) for hit in results]

    def count(self, kind: str | None = None) -> int:
        searcher = self.searcher()
        if kind is None:
            return searcher.doc_count()
        return len(self._sets(searcher).term("kind", kind))

    def indexed_ids(self, kind: str = "institution") -> dict[int, float]:
        searcher = self.searcher()
        return {
            int(fields["id"]): fields["updated"] / 1_000_000
            for fields in searcher.all_stored_fields()
            if fields.get("kind") == kind
        }

    def vocabulary(self) -> list[str]:
        searcher = self.searcher()
        if self._vocabulary is None:
            self._vocabulary = [
                term.decode("utf-8") for term in searcher.reader().lexicon("spell")
            ]
        return self._vocabulary

    # -- writing ---------------------------------------------------------------

    def _writer(self, **kwargs):
        # Several worker processes share the folder: wait for the lock rather
        # than fail (a plain writer raises LockError at once).
        return self.ix.writer(timeout=self.lock_timeout, delay=0.05, **kwargs)

    def index(self, documents: Iterable[dict]) -> None:
        # The writer first: documents read lazily are then read under its lock.
        self._write(lambda writer: self._add(writer, documents, [], ""))

    def refresh(self, kind: str, ids: list[int], read: Reader) -> None:
        """Read `ids` from the database only once the writer lock is held, and
        write them under it: a save that read an older state can no longer
        overwrite a newer one indexed meanwhile (see SearchBackend.refresh)."""
        if ids:
            self._write(
                lambda writer: sum(
                    self._add(writer, documents, gone, kind)
                    for documents, gone in read(ids)
                )
            )

    @staticmethod
    def _add(writer, documents: Iterable[dict], gone: Iterable[int], kind: str) -> int:
        """Replace `documents`, delete `kind`'s `gone` ids; how many changes."""
        changes = 0
        for document in documents:
            writer.update_document(**whoosh_fields(document))
            changes += 1
        for ident in gone:
            writer.delete_by_term("key", f"{kind}:{ident}")
            changes += 1
        return changes

    def _write(self, fill) -> None:
        """One writer: `fill(writer)` returns how many changes it made; with
        none the writer is cancelled, so no new generation is written."""
        writer = self._writer()
        try:
            changes = fill(writer)
        except BaseException:
            writer.cancel()
            raise
        if changes:
            writer.commit()
        else:
            writer.cancel()

    def bulk_load(self, batches: Iterable[list[dict]], procs: int = 1) -> None:
        """Fill an empty index, a fresh writer every BULK_CHUNK documents.

        Whoosh sorts each writer's postings in Python, which grows faster than
        linearly with a segment's size: several mid-sized segments build
        sooner than one large one, and searching them costs no more.
        """
        options = {"limitmb": 256}
        if procs > 1:
            options.update(procs=procs, multisegment=True)
        writer, pending = None, 0
        try:
            for batch in batches:
                if writer is None:
                    writer = self._writer(**options)
                for document in batch:
                    writer.add_document(**whoosh_fields(document))
                pending += len(batch)
                if pending >= BULK_CHUNK:
                    writer.commit(merge=False)
                    writer, pending = None, 0
        except BaseException:
            if writer is not None:
                writer.cancel()
            raise
        if writer is not None:
            writer.commit(merge=False)

    def remove(self, ids: Iterable[int], kind: str = "institution") -> None:
        ids = list(ids)
        if not ids:
            return
        with self._writer() as writer:
            for ident in ids:
                writer.delete_by_term("key", f"{kind}:{ident}")

    def clear(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
        self.ix = whoosh_index.create_in(
            self.directory, build_schema(), indexname=INDEX_NAME
        )
        self._columns, self._vocabulary = {}, None

    def tidy(self) -> list[str]:
        """Delete files no current segment uses; return their names.

        They are left by writers killed mid-write and by older schema versions.
        Runs only when no writer holds the lock, so nothing in use is touched.
        """
        lock = self.ix.storage.lock(f"{INDEX_NAME}_WRITELOCK")
        if not lock.acquire(blocking=False):
            return []
        try:
            keep = {
                f"_{INDEX_NAME}_{self.ix.latest_generation()}.toc",
                f"{INDEX_NAME}_WRITELOCK",
            }
            segments = {segment.segid for segment in self.ix._segments()}
            removed = []
            for path in sorted(self.directory.iterdir()):
                match = re.match(rf"{INDEX_NAME}_([a-z0-9]+)\.", path.name)
                if path.name in keep or (match and match.group(1) in segments):
                    continue
                shutil.rmtree(path) if path.is_dir() else path.unlink()
                removed.append(path.name)
            return removed
        finally:
            lock.release()

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None


def _decoded(counter: Counter) -> dict[str, int]:
    return {
        (k.decode() if isinstance(k, bytes) else k): v for k, v in counter.items() if k
    }
