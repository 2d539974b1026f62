"""Import of producer-user links from CSV or XLSX (columns producer, user,
flow, description, years): the whole file is checked first, then all of it
is written in one transaction, or nothing is."""

import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from migratory.core.errors import ValidationFailed
from migratory.core.tabular import undo_defuse
from migratory.extensions import db
from migratory.inventory.importing import RowProblem
from migratory.inventory.readers import ImportFileError, decode_text, detect_format
from migratory.network.links import create_link, validate_link

logger = logging.getLogger(__name__)
COLUMNS = ("producer", "user", "flow", "description", "years")
REQUIRED = ("producer", "user", "flow")


@dataclass
class LinkImportReport:
    """What an import did, or would do on a dry run."""

    rows: int = 0
    created: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        """True when no row was rejected (and the file could be read)."""
        return not self.errors

    @property
    def rejected(self) -> int:
        """Number of rows rejected."""
        return len({problem.row for problem in self.errors if problem.row})


def _cell(value) -> str | None:
    """A cell as text: numbers as written ("2019", not "2019.0"); blanks None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Without the apostrophe an export puts before formula-like text.
    return undo_defuse(str(value).strip()) or None


def _header(names) -> list[str | None]:
    columns = [str(n).strip().lower() if n is not None else None for n in names]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportFileError(
            "The first line must be a header with the columns producer, user and "
            f"flow (missing: {', '.join(missing)})."
        )
    return columns


def _csv_rows(raw: bytes):
    text, _ = decode_text(raw)
    delimiter = max(",;\t", key=text.split("\n", 1)[0].count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = _header(next(reader, []))
    for values in reader:
        yield reader.line_num, columns, values


def _xlsx_rows(raw: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError("The file is not a readable XLSX workbook.") from exc
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    columns = _header(next(rows, None) or [])
    for number, values in enumerate(rows, start=2):
        yield number, columns, list(values)
    workbook.close()


def read_link_rows(path: Path, max_bytes: int):
    """(row number, {column: text}) of each non-empty row, and the columns
    the import does not use."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportFileError(
            f"The file is {size / 1048576:.1f} MB; imports are limited to "
            f"{max_bytes / 1048576:.0f} MB. Split it into smaller files."
        )
    fmt = detect_format(path, None)
    if fmt not in ("csv", "xlsx"):
        raise ImportFileError("Links are imported from CSV or XLSX files.")
    reader = _csv_rows if fmt == "csv" else _xlsx_rows
    rows, unknown = [], set()
    for number, columns, values in reader(path.read_bytes()):
        cells = [_cell(v) for v in values]
        if not any(cells):
            continue
        if len(cells) > len(columns) and any(cells[len(columns) :]):
            rows.append((number, None))  # more cells than header columns
            continue
        record = dict(zip(columns, cells, strict=False))
        unknown |= {c for c in record if c and c not in COLUMNS}
        rows.append((number, {c: record.get(c) for c in COLUMNS}))
    return rows, unknown


def check_rows(rows, report: LinkImportReport) -> list[dict]:
    """Validated data of every row; each problem reported with its row."""
    valid, seen = [], {}
    for number, payload in rows:
        report.rows += 1
        if payload is None:
            report.errors.append(
                RowProblem(number, "", "More cells than header columns.")
            )
            continue
        try:
            data = validate_link(payload)
        except ValidationFailed as error:
            for name, messages in error.errors.items():
                for message in messages if isinstance(messages, list) else [messages]:
                    report.errors.append(RowProblem(number, name, str(message)))
            continue
        key = (data["producer"], data["user"], data["flow"])
        if key in seen:
            report.errors.append(
                RowProblem(
                    number, "flow", f"Duplicate link: the same as row {seen[key]}."
                )
            )
            continue
        seen[key] = number
        valid.append(data)
    return valid


def import_links(path, *, dry_run: bool = False, max_bytes: int) -> LinkImportReport:
    """Import a file of links: all of it, or nothing (a use case: commits)."""
    report = LinkImportReport()
    try:
        rows, unknown = read_link_rows(Path(path), max_bytes)
    except ImportFileError as exc:
        report.errors.append(RowProblem(0, "", exc.message))
        return report
    if unknown:
        report.warnings.append(
            RowProblem(0, "", f"Ignored unknown columns: {', '.join(sorted(unknown))}.")
        )
    valid = check_rows(rows, report)
    if report.errors or dry_run:
        report.created = len(valid) if not report.errors else 0
        db.session.rollback()
        return report
    for data in valid:
        create_link(data, source="import")
    db.session.commit()
    report.created, report.written = len(valid), True
    logger.info("Links imported from %s: %s", path, report.created)
    return report
