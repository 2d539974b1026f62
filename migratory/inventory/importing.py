"""Import service: validate a whole file, then write all of it or nothing."""

import logging
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from migratory.extensions import db
from migratory.inventory.import_validation import validated_rows
from migratory.inventory.import_writing import ChunkWriter
from migratory.inventory.models import Country
from migratory.inventory.readers import (
    READERS,
    ImportFileError,
    ReadContext,
    detect_format,
)

logger = logging.getLogger(__name__)
# Indexes written ids at once; returns how many it indexed (0: indexing is off).
Indexer = Callable[[Collection[int]], int]


@dataclass
class RowProblem:
    """A rejected row, or a warning about one."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        return (
            f"{where}, {self.field}: {self.message}"
            if self.field
            else f"{where}: {self.message}"
        )


@dataclass
class ImportReport:
    """What an import did, or would do on a dry run."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # repeated rows of the file
    outside_region: int = 0  # ROR records with no location in the inventory
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    # New entries sharing a name or website with another: for the dashboard.
    possible_duplicates: list[RowProblem] = field(default_factory=list)
    categories: Counter = field(default_factory=Counter)
    rejected_rows: set[int] = field(default_factory=set)
    skip_invalid: bool = False
    written: bool = False
    write_failed: bool = False
    index_seconds: float | None = None

    @property
    def ok(self) -> bool:
        """True when no row was rejected."""
        return not self.errors

    @property
    def failed(self) -> bool:
        """True when the import did not do what was asked (exit status 1)."""
        file_level = any(e.row == 0 for e in self.errors)
        invalid = bool(self.errors) and not self.skip_invalid
        return file_level or self.write_failed or invalid

    @property
    def rejected(self) -> int:
        """Number of rows rejected."""
        return len(self.rejected_rows)

    def summary(self) -> str:
        """The counts, in one line (for the log)."""
        return (
            f"{self.rows} rows, {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.skipped} repeated, "
            f"{self.rejected} rejected, {self.outside_region} outside the region, "
            f"{len(self.possible_duplicates)} possible duplicates, "
            f"{len(self.warnings)} warnings, written: {self.written}"
        )

    def reject(self, row: int, problems: list[tuple[str, str]]) -> None:
        """Record why a row cannot be imported."""
        self.rejected_rows.add(row)
        self.errors.extend(RowProblem(row, name, text) for name, text in problems)

    def warn(self, row: int, name: str, message: str) -> None:
        """Record something the person importing should know."""
        self.warnings.append(RowProblem(row, name, message))

    def note_possible_duplicate(self, row: int, other: str) -> None:
        """A new entry that shares its name or website with `other`."""
        self.possible_duplicates.append(
            RowProblem(
                row,
                "",
                f"same name or website as {other} in the same country; imported "
                "as an entry of its own (see likely duplicates on the dashboard).",
            )
        )


def read_rows(path: Path, fmt: str | None, max_bytes: int):
    """Check the size, then return the file's rows as a lazy iterator."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportFileError(
            f"The file is {size / 1048576:.1f} MB; imports are limited to "
            f"{max_bytes / 1048576:.0f} MB. Split it into smaller files."
        )
    fmt = detect_format(path, fmt)
    ctx = ReadContext(countries=_countries())
    return READERS[fmt](path.read_bytes(), ctx), ctx, fmt


def _countries() -> set[str]:
    return set(db.session.scalars(select(Country.iso2)))


def import_institutions(
    path: Path,
    *,
    fmt: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    max_bytes: int,
    source: str = "import",
    progress: Callable[[int, int], None] | None = None,
    index: Indexer | None = None,
) -> ImportReport:
    """Import a file: all or nothing, or with `skip_invalid` every valid row.

    ROR records are placed at their first location in the inventory's
    countries (records with none are counted, not rejected), and a ROR
    field that fails validation is left out with a warning. `index`, if
    given, indexes every written row at the end in one go (see
    `import_payloads`).
    """
    report = ImportReport(skip_invalid=skip_invalid)
    try:
        rows, ctx, fmt = read_rows(Path(path), fmt, max_bytes)
    except ImportFileError as exc:
        report.errors.append(RowProblem(0, "", exc.message))
        return report
    import_payloads(
        rows,
        report=report,
        dry_run=dry_run,
        lenient=fmt == "ror",
        source=source,
        progress=progress,
        total=lambda: ctx.total or 0,
        countries=ctx.countries,
        index=index,
    )
    if ctx.unknown:
        columns = ", ".join(sorted(ctx.unknown))
        report.warnings.insert(
            0, RowProblem(0, "", f"Ignored unknown columns: {columns}.")
        )
    logger.info("Import of %s (%s): %s", path, fmt, report.summary())
    return report


def import_payloads(
    rows: list,
    *,
    report: ImportReport | None = None,
    dry_run: bool = False,
    lenient: bool = False,
    source: str = "import",
    synthetic: bool = False,
    progress: Callable[[int, int], None] | None = None,
    total: Callable[[], int] | None = None,
    countries: set[str] | None = None,
    index: Indexer | None = None,
) -> ImportReport:
    """Validate every numbered payload, then write them in committed chunks.

    Nothing is written while any row is rejected (unless the report says
    `skip_invalid`). Without `index`, each chunk's commit indexes its rows
    as any save does; with it, the rows' ids are kept and handed to `index`
    once every chunk is committed (bulk indexing).
    """
    report = report or ImportReport()
    if total is None:
        total = lambda: len(rows)  # noqa: E731
    try:
        valid = list(
            validated_rows(
                rows,
                report,
                countries=countries or _countries(),
                lenient=lenient,
                progress=progress,
                total=total,
            )
        )
    except ImportFileError as exc:  # raised by a reader part-way through
        report.errors.append(RowProblem(0, "", exc.message))
    if report.failed:
        db.session.rollback()
        return report
    writer = ChunkWriter(
        report,
        source=source,
        synthetic=synthetic,
        commit=not dry_run,
        collect=index is not None,
    )
    try:
        writer.write_all(valid)
        report.written = not dry_run
    except SQLAlchemyError as exc:
        db.session.rollback()
        _report_write_failure(report, writer, len(valid), exc)
    finally:
        if dry_run or not report.written:
            db.session.rollback()
        if writer.changed:
            _index_written(report, index, writer.changed)
    return report


def _report_write_failure(report, writer: ChunkWriter, total: int, exc) -> None:
    """Say clearly what is in the database after a failure part-way."""
    logger.exception("Import failed while writing row %s", writer.failed_row)
    report.write_failed = True
    report.written = writer.committed > 0
    reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    report.errors.append(
        RowProblem(
            0,
            "",
            f"Writing failed at row {writer.failed_row} ({reason}). "
            f"{writer.committed} of the {total} valid rows had been committed "
            "and are in the inventory; the others were not written. Importing "
            "the same file again updates those rows and adds the rest.",
        )
    )


def _index_written(report: ImportReport, index: Indexer, ids: set[int]) -> None:
    """Index the written rows at once; a failure leaves them for `search check`."""
    started = time.perf_counter()
    try:
        if not index(ids):
            return
    except Exception:
        logger.exception("Bulk indexing of %d imported institutions failed", len(ids))
        report.warn(
            0,
            "",
            "The rows were written but the search index was not updated: "
            "run `flask search check` to repair it.",
        )
    report.index_seconds = time.perf_counter() - started
