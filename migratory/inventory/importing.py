"""Import service: validate a whole file, then write all of it or nothing."""

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from migratory.core.text import normalize_name, website_key
from migratory.extensions import db
from migratory.inventory.models import Country, Institution
from migratory.inventory.readers import (
    READERS,
    ImportFileError,
    ReadContext,
    detect_format,
)
from migratory.inventory.schemas import InstitutionSchema
from migratory.inventory.services import (
    change_institution,
    insert_institutions,
    taken_slugs,
)

logger = logging.getLogger(__name__)
BATCH = 1000


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
    skipped: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    categories: Counter = field(default_factory=Counter)
    written: bool = False

    @property
    def ok(self) -> bool:
        """True when no row was rejected."""
        return not self.errors


def flatten_messages(messages, prefix: str = "") -> list[tuple[str, str]]:
    """Turn marshmallow's nested error dict into (field.path, message) pairs."""
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [(prefix, m) for m in messages]
    pairs = []
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    for key, value in items:
        name = str(key) if key != "_schema" else ""
        path = ".".join(p for p in (prefix, name) if p)
        pairs.extend(flatten_messages(value, path))
    return pairs


class _Matcher:
    """Finds the institution a row refers to: by ROR id, website, or name + country."""

    def __init__(self) -> None:
        self.keys: dict[tuple, int | str] = {}
        self.claimed: dict[int, str] = {}  # existing id -> the row that updates it
        rows = db.session.execute(
            select(
                Institution.id,
                Institution.ror_id,
                Institution.website_key,
                Institution.name_key,
                Institution.country_code,
            )
        )
        for ident, ror_id, site, name_key, country in rows:
            for key in self._keys(ror_id, site, name_key, country):
                self.keys.setdefault(key, ident)

    @staticmethod
    def _keys(ror_id, site, name_key, country) -> list[tuple]:
        keys = [("name", name_key, country)]
        if ror_id:
            keys.insert(0, ("ror", ror_id))
        if site:
            keys.insert(1 if ror_id else 0, ("site", site))
        return keys

    def keys_of(self, data: dict) -> list[tuple]:
        """Matching keys of a validated row."""
        return self._keys(
            data.get("ror_id"),
            website_key(data.get("website")),
            normalize_name(data["name"]),
            data["country_code"],
        )

    def match(self, keys: list[tuple]):
        """The id (existing) or row tag (earlier in this file) the keys point to."""
        return next((self.keys[k] for k in keys if k in self.keys), None)

    def claim(self, keys: list[tuple], target: int | None, row: str) -> str | None:
        """Record that `row` stands for `target`; return the earlier row if taken."""
        if target is not None:
            if target in self.claimed:
                return self.claimed[target]
            self.claimed[target] = row
        for key in keys:
            self.keys.setdefault(key, row if target is None else target)
        return None


def read_rows(path: Path, fmt: str | None, max_bytes: int):
    """Check the size, then return the file's rows as a lazy iterator."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportFileError(
            f"The file is {size / 1048576:.1f} MB; imports are limited to "
            f"{max_bytes / 1048576:.0f} MB. Split it into smaller files."
        )
    fmt = detect_format(path, fmt)
    ctx = ReadContext()
    return READERS[fmt](path.read_bytes(), ctx), ctx, fmt


def validated_rows(
    rows: Iterable, report: ImportReport, progress=None, total: Callable[[], int] = int
) -> Iterator[tuple]:
    """Validate every row, collecting errors; yield (data, match) of valid ones."""
    codes = set(db.session.scalars(select(Country.iso2)))
    schema = InstitutionSchema(country_codes=codes)
    matcher = _Matcher()
    for number, payload in rows:
        report.rows += 1
        if progress:
            progress(1, total())
        if "_error" in payload:
            report.errors.append(RowProblem(number, "", payload["_error"]))
            continue
        try:
            data = schema.load(payload)
        except ValidationError as exc:
            for name, message in flatten_messages(exc.messages):
                report.errors.append(RowProblem(number, name, message))
            continue
        keys = matcher.keys_of(data)
        target = matcher.match(keys)
        earlier = target if isinstance(target, str) else None
        if earlier is None:
            earlier = matcher.claim(keys, target, f"row {number}")
        if earlier is not None:
            report.skipped += 1
            report.warnings.append(
                RowProblem(number, "", f"Duplicate of {earlier} in this file; skipped.")
            )
            continue
        report.categories[data["category"]] += 1
        yield data, target


class _BatchWriter:
    """Writes valid rows in batches inside the import's single transaction."""

    def __init__(self, report: ImportReport, source: str, synthetic: bool) -> None:
        self.report, self.source, self.synthetic = report, source, synthetic
        self.slugs = taken_slugs()
        self.pending: list[tuple[dict, int | None]] = []

    def add(self, data: dict, target: int | None) -> None:
        self.pending.append((data, target))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Create the new rows, apply the updates, and free the session."""
        new = [data for data, target in self.pending if target is None]
        if new:
            insert_institutions(
                new, source=self.source, slugs=self.slugs, synthetic=self.synthetic
            )
            self.report.created += len(new)
        self._update([(d, t) for d, t in self.pending if t is not None])
        self.pending = []
        db.session.flush()
        db.session.expunge_all()

    def _update(self, changes: list[tuple[dict, int]]) -> None:
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
            if change_institution(existing[target], data, source=self.source):
                self.report.updated += 1
            else:
                self.report.unchanged += 1


def import_institutions(
    path: Path,
    *,
    fmt: str | None = None,
    dry_run: bool = False,
    max_bytes: int,
    source: str = "import",
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a file all-or-nothing: any rejected row and nothing is written."""
    report = ImportReport()
    try:
        rows, ctx, fmt = read_rows(Path(path), fmt, max_bytes)
    except ImportFileError as exc:
        report.errors.append(RowProblem(0, "", exc.message))
        return report
    import_payloads(
        rows,
        report=report,
        dry_run=dry_run,
        source=source,
        progress=progress,
        total=lambda: ctx.total or 0,
    )
    if ctx.unknown:
        columns = ", ".join(sorted(ctx.unknown))
        report.warnings.insert(
            0, RowProblem(0, "", f"Ignored unknown columns: {columns}.")
        )
    logger.info("Import of %s (%s): %s", path, fmt, report)
    return report


def import_payloads(
    rows: list,
    *,
    report: ImportReport | None = None,
    dry_run: bool = False,
    source: str = "import",
    synthetic: bool = False,
    progress: Callable[[int, int], None] | None = None,
    total: Callable[[], int] | None = None,
) -> ImportReport:
    """Validate numbered payloads and write them all in one transaction, or none."""
    report = report or ImportReport()
    writer = _BatchWriter(report, source, synthetic)
    if total is None:
        total = lambda: len(rows)  # noqa: E731
    try:
        for data, target in validated_rows(rows, report, progress, total):
            # After the first rejected row nothing more is written; the rest is
            # still validated so that the report lists every problem.
            if not report.errors:
                writer.add(data, target)
        if report.errors:
            db.session.rollback()
            return report
        writer.flush()
        # A dry run writes inside the transaction, for exact counts, then
        # rolls back.
        if dry_run:
            db.session.rollback()
            return report
        db.session.commit()
    except ImportFileError as exc:  # raised by a reader part-way through
        db.session.rollback()
        report.errors.append(RowProblem(0, "", exc.message))
        return report
    except Exception:
        db.session.rollback()
        raise
    report.written = True
    return report
