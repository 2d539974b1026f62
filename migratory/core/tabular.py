"""CSV and XLSX files from columns and rows, safe to open in a spreadsheet.

Every tabular download (institutions, and the network, data sources, links,
members and events to come) writes through here: a list of columns (key and
header label) and rows (mappings from key to value, or sequences in the
columns' order). Text a spreadsheet would
run as a formula gets an apostrophe in front; CSV is UTF-8 with a byte order
mark, so that spreadsheet programs read Cyrillic right, and can be streamed.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import quote

from flask import Response, stream_with_context

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABULAR_FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}
BOM = b"\xef\xbb\xbf"
CSV_CHUNK_ROWS = 500  # rows per streamed piece
LIST_SEPARATOR = ";"

# A cell a spreadsheet may run: starting with = or @, a sign before letters
# or a pipe, or a tab or carriage return (OWASP CSV injection).
_FORMULA = re.compile(r"^(?:[=@\t\r]|[+-].*[A-Za-z|!])", re.DOTALL)
# Characters XML 1.0, hence XLSX, cannot hold (openpyxl refuses them).
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_IN_SHEET_TITLE = re.compile(r"[\\*?:/\[\]]")
SHEET_TITLE_MAX = 31


@dataclass(frozen=True)
class Column:
    """A column of a table: the rows' key and the header shown."""

    key: str
    label: str


ColumnsLike = Iterable[Column | tuple[str, str]]
Row = Mapping | Sequence


def defuse_formula(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def undo_defuse(value: str) -> str:
    """The text before `defuse_formula` (for importers reading our files back)."""
    if value.startswith("'") and value[1:2] in ("=", "@", "+", "-", "\t", "\r"):
        return value[1:]
    return value


def as_columns(columns: ColumnsLike) -> list[Column]:
    """Columns from Column objects or (key, label) pairs."""
    return [c if isinstance(c, Column) else Column(*c) for c in columns]


def iter_csv(columns: ColumnsLike, rows: Iterable[Row]) -> Iterator[bytes]:
    """A CSV file in pieces: byte order mark and header, then rows in chunks."""
    columns = as_columns(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(str(c.label)) for c in columns])
    yield BOM + _drain(buffer)
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(v) for v in _values(row, columns)])
        if number % CSV_CHUNK_ROWS == 0:
            yield _drain(buffer)
    rest = _drain(buffer)
    if rest:
        yield rest


def write_csv(columns: ColumnsLike, rows: Iterable[Row]) -> bytes:
    """A whole CSV file in UTF-8 with a byte order mark."""
    return b"".join(iter_csv(columns, rows))


def write_xlsx(
    columns: ColumnsLike, rows: Iterable[Row], *, sheet_title: str = "Sheet1"
) -> bytes:
    """A one-sheet workbook with a header row, written row by row."""
    from openpyxl import Workbook

    columns = as_columns(columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(safe_sheet_title(sheet_title))
    sheet.append([_xlsx_cell(str(c.label)) for c in columns])
    for row in rows:
        sheet.append([_xlsx_cell(v) for v in _values(row, columns)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_table(
    fmt: str,
    columns: ColumnsLike,
    rows: Iterable[Row],
    *,
    sheet_title: str = "Sheet1",
) -> bytes:
    """The table as a whole file in `fmt` ("csv" or "xlsx")."""
    if fmt == "csv":
        return write_csv(columns, rows)
    if fmt == "xlsx":
        return write_xlsx(columns, rows, sheet_title=sheet_title)
    raise ValueError(f"not a tabular format: {fmt}")


def tabular_response(
    fmt: str,
    columns: ColumnsLike,
    rows: Iterable[Row],
    *,
    filename: str,
    sheet_title: str | None = None,
) -> Response:
    """A download of the table: `filename` gets the format's extension; CSV is
    streamed as the rows come, XLSX built whole (a zip needs its end)."""
    if fmt == "csv":
        body = stream_with_context(iter_csv(columns, rows))
    else:
        body = write_table(fmt, columns, rows, sheet_title=sheet_title or filename)
    return download_response(
        body, filename=f"{filename}.{fmt}", content_type=TABULAR_FORMATS[fmt]
    )


def download_response(
    body: bytes | Iterable[bytes], *, filename: str, content_type: str
) -> Response:
    """A response the browser saves as `filename` (any format)."""
    response = Response(body, content_type=content_type)
    response.headers.set("Content-Disposition", "attachment", **_filenames(filename))
    return response


def safe_sheet_title(title: str) -> str:
    """A worksheet name spreadsheets accept: 31 characters, no \\ * ? : / [ ]."""
    cleaned = _NOT_IN_SHEET_TITLE.sub(" ", _NOT_IN_XML.sub("", str(title)))
    return cleaned.strip()[:SHEET_TITLE_MAX].strip() or "Sheet1"


def _filenames(filename: str) -> dict[str, str]:
    """Content-Disposition file name parameters; a non-ASCII name is given in
    UTF-8 (RFC 6266) beside an ASCII approximation for old clients."""
    try:
        filename.encode("ascii")
        return {"filename": filename}
    except UnicodeEncodeError:
        plain = unicodedata.normalize("NFKD", filename)
        plain = plain.encode("ascii", "ignore").decode("ascii") or "download"
        return {"filename": plain, "filename*": f"UTF-8''{quote(filename, safe='')}"}


def _values(row: Row, columns: list[Column]) -> list:
    """A row's values in the columns' order (missing ones empty)."""
    if isinstance(row, Mapping):
        return [row.get(c.key) for c in columns]
    values = list(row)[: len(columns)]
    return values + [None] * (len(columns) - len(values))


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def _plain(value):
    """Lists joined, text-like objects (lazy translations, Markup) as text."""
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return LIST_SEPARATOR.join(str(item) for item in items)
    if value is None or isinstance(value, int | float | Decimal | date):
        return value
    return str(value)  # str subclasses too: Markup would escape the apostrophe


def _csv_cell(value):
    value = _plain(value)
    if isinstance(value, date):
        return value.isoformat()
    return defuse_formula(value)


def _xlsx_cell(value):
    value = _plain(value)
    if isinstance(value, str):
        return defuse_formula(_NOT_IN_XML.sub("", value))
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Spreadsheets have no time zones: UTC, as the application stores it.
        return value.astimezone(UTC).replace(tzinfo=None)
    return value
