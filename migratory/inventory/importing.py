"""Import service: validate a whole file, then write all of it or nothing."""

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from migratory.core.text import normalize_name, website_key
from migratory.extensions import db
from migratory.inventory.models import Country, Institution
from migratory.inventory.readers import READERS, ImportFileError, detect_format
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

    def remember(self, keys: list[tuple], target) -> None:
        for key in keys:
            self.keys.setdefault(key, target)


def read_rows(
    path: Path, fmt: str | None, max_bytes: int
) -> tuple[list, set[str], str]:
    """Check size, then read every row of the file into memory."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportFileError(
            f"The file is {size / 1048576:.1f} MB; imports are limited to "
            f"{max_bytes / 1048576:.0f} MB. Split it into smaller files."
        )
    fmt = detect_format(path, fmt)
    unknown: set[str] = set()
    rows = list(READERS[fmt](path.read_bytes(), unknown))
    return rows, unknown, fmt


def validated_rows(rows, report: ImportReport, progress=None) -> Iterator[tuple]:
    """Validate every row, collecting errors; yield (data, match) of valid ones."""
    codes = set(db.session.scalars(select(Country.iso2)))
    schema = InstitutionSchema(country_codes=codes)
    matcher = _Matcher()
    for number, payload in rows:
        report.rows += 1
        if progress:
            progress(1, len(rows))
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
        if isinstance(target, str):
            report.skipped += 1
            report.warnings.append(
                RowProblem(number, "", f"Duplicate of {target} in this file; skipped.")
            )
            continue
        matcher.remember(keys, target if target is not None else f"row {number}")
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
        rows, unknown, fmt = read_rows(Path(path), fmt, max_bytes)
    except ImportFileError as exc:
        report.errors.append(RowProblem(0, "", exc.message))
        return report
    if unknown:
        columns = ", ".join(sorted(unknown))
        report.warnings.append(
            RowProblem(0, "", f"Ignored unknown columns: {columns}.")
        )
    import_payloads(
        rows, report=report, dry_run=dry_run, source=source, progress=progress
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
) -> ImportReport:
    """Validate numbered payloads, then write them all in one transaction."""
    report = report or ImportReport()
    writer = None if dry_run else _BatchWriter(report, source, synthetic)
    try:
        for data, target in validated_rows(rows, report, progress):
            # After the first rejected row nothing more is written; the rest is
            # still validated so that the report lists every problem.
            if writer is not None and not report.errors:
                writer.add(data, target)
        if report.errors or writer is None:
            db.session.rollback()
            return report
        writer.flush()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    report.written = True
    return report
