"""Writing validated import rows: in chunks, each committed on its own.

Every row is validated before the first is written, so a file is still
imported whole or not at all; committing every CHUNK rows only keeps the
database free for the site's own saves between chunks (a long transaction
would hold SQLite's write lock for the whole import).
"""

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from migratory.core.changes import CHANGED_INSTITUTIONS
from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.inventory.services import (
    change_institution,
    insert_institutions,
    taken_slugs,
)

CHUNK = 1000  # rows per transaction


class ChunkWriter:
    """Writes (data, existing id or None) rows, committing every CHUNK rows.

    With `commit=False` (dry runs) each chunk is rolled back once counted.
    With `collect=True` the ids each commit would have indexed are kept in
    `changed` instead, for one bulk indexing at the end.
    """

    def __init__(
        self,
        report,
        *,
        source: str,
        synthetic: bool = False,
        commit: bool = True,
        collect: bool = False,
    ) -> None:
        self.report, self.source, self.synthetic = report, source, synthetic
        self.commit, self.collect = commit, collect
        self.changed: set[int] = set()
        self.committed = 0  # rows committed so far
        self.failed_row: int | None = None  # first row of a chunk that failed

    def write_all(self, rows: list[tuple[int, dict, int | None]]) -> None:
        """Write every (row number, data, existing id or None), chunk by chunk."""
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            self.failed_row = chunk[0][0]
            counts = self._write_chunk(chunk)
            for name, value in counts.items():
                setattr(self.report, name, getattr(self.report, name) + value)
        self.failed_row = None

    def _write_chunk(self, chunk: list[tuple[int, dict, int | None]]) -> Counter:
        """Create the new rows, apply the updates, commit, and free the session;
        the counts (created, updated, unchanged) once they are committed."""
        counts: Counter = Counter()
        new = [data for _, data, target in chunk if target is None]
        if new:
            # Slugs read again per chunk: the site may have taken one meanwhile.
            insert_institutions(
                new, source=self.source, slugs=taken_slugs(), synthetic=self.synthetic
            )
            counts["created"] += len(new)
        self._update([(d, t) for _, d, t in chunk if t is not None], counts)
        db.session.flush()
        # Free the session (before the commit, which would expire the objects
        # a caller still holds).
        db.session.expunge_all()
        if self.commit:
            if self.collect:
                self.changed |= db.session.info.pop(CHANGED_INSTITUTIONS, set())
            db.session.commit()
            self.committed += len(chunk)
        else:
            # A dry run writes each chunk for exact counts, then undoes it: the
            # chunks do not depend on each other (each row claims its own entry).
            db.session.rollback()
        return counts

    def _update(self, changes: list[tuple[dict, int]], counts: Counter) -> None:
        if not changes:
            return
        query = (
            select(Institution)
            .where(Institution.id.in_([target for _, target in changes]))
            .options(
                selectinload(Institution.names), selectinload(Institution.topic_links)
            )
        )
        existing = {i.id: i for i in db.session.scalars(query)}
        for data, target in changes:
            if target not in existing:  # deleted since the file was checked
                counts["created"] += 1
                insert_institutions(
                    [data],
                    source=self.source,
                    slugs=taken_slugs(),
                    synthetic=self.synthetic,
                )
            elif change_institution(existing[target], data, source=self.source):
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
