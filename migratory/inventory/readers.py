"""Readers that turn import files (CSV, XLSX, JSON, ROR) into numbered payloads."""

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from migratory.core.errors import DomainError
from migratory.core.tabular import undo_defuse
from migratory.inventory.schemas import FLAT_FIELDS
from migratory.inventory.vocab import ROR_TYPE_CATEGORY, ROR_TYPE_PRIORITY

FORMATS = ("csv", "xlsx", "json", "ror")
LIST_COLUMNS = ("topics", "roles")
KNOWN_COLUMNS = set(FLAT_FIELDS)
IGNORED_COLUMNS = {"slug", "country_name", "url", "created", "updated", "contacts"}
NAME_COLUMN = re.compile(r"^name_([a-z]{2,3})$")

Row = tuple[int, dict]
# Key of the payload of a ROR record located outside the inventory's countries.
OUTSIDE_REGION = "_outside_region"


@dataclass
class ReadContext:
    """What a reader learns about the file beside its rows."""

    unknown: set[str] = field(default_factory=set)  # columns it did not use
    total: int | None = None  # rows expected, for progress bars
    # The inventory's countries: a ROR record is placed at its first location
    # among them (None: at its first location).
    countries: set[str] | None = None


class ImportFileError(DomainError):
    """The file as a whole cannot be read; nothing was imported."""


def detect_format(path: Path, fmt: str | None) -> str:
    """The import format: as given, or from the file's extension."""
    if fmt:
        if fmt not in FORMATS:
            raise ImportFileError(
                f"Unknown format '{fmt}'; use one of {', '.join(FORMATS)}."
            )
        return fmt
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "txt", "tsv"):
        return "csv"
    if suffix in ("xlsx", "json"):
        return suffix
    raise ImportFileError(
        f"Cannot tell the format of '{path.name}'; name it .csv, .xlsx or .json "
        "or pass --format."
    )


def decode_text(raw: bytes) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1251."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if b"\x00" in raw[:4096]:
        raise ImportFileError("The file looks binary, not text; save it as UTF-8 CSV.")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError as exc:
        raise ImportFileError(_ENCODING_HELP) from exc
    # Latin-1 accents decode to Cyrillic letters in Windows-1251 ("Zürich" ->
    # "Zьrich"): genuine Windows-1251 text has no word mixing the two scripts.
    if _MIXED_SCRIPT_WORD.search(text):
        raise ImportFileError(_ENCODING_HELP)
    return text, "windows-1251"


_MIXED_SCRIPT_WORD = re.compile(r"[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]")
_ENCODING_HELP = (
    "The file's encoding is not recognised: it is neither UTF-8 nor Windows-1251. "
    "Save it as UTF-8 and import it again."
)


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,|]", value) if part.strip()]


def payload_from_columns(record: dict, unknown: set[str]) -> dict:
    """Map a flat row (CSV/XLSX) to a schema payload; blank cells are left out."""
    payload: dict = {}
    names = []
    for raw_key, value in record.items():
        if raw_key is None:
            continue
        key = raw_key.strip().lower().replace(" ", "_")
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, str):
            value = undo_defuse(value)
        if match := NAME_COLUMN.match(key):
            names.append({"lang": match.group(1), "name": str(value)})
        elif key in LIST_COLUMNS:
            payload[key] = _split_list(str(value))
        elif key in KNOWN_COLUMNS:
            payload[key] = value if isinstance(value, int | float) else str(value)
        elif key not in IGNORED_COLUMNS:
            unknown.add(raw_key)
    if names:
        payload["names"] = names
    return payload


def read_csv(raw: bytes, ctx: ReadContext) -> Iterator[Row]:
    """Rows of a CSV (comma, semicolon or tab separated) with a header line."""
    text, _ = decode_text(raw)
    header_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header_line.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    ctx.total = max(text.count("\n") - 1, 1)
    if not reader.fieldnames or "name" not in [
        f.strip().lower() for f in reader.fieldnames
    ]:
        raise ImportFileError(
            "The first line must be a header with at least a 'name' column."
        )
    for record in reader:
        if None in record:
            yield reader.line_num, {"_error": "More cells than header columns."}
            continue
        yield reader.line_num, payload_from_columns(record, ctx.unknown)


def read_xlsx(raw: bytes, ctx: ReadContext) -> Iterator[Row]:
    """Rows of the first worksheet of an XLSX workbook; the first row is the header."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError("The file is not a readable XLSX workbook.") from exc
    sheet = workbook.worksheets[0]
    ctx.total = max((sheet.max_row or 2) - 1, 1)
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header or "name" not in [str(h or "").strip().lower() for h in header]:
        raise ImportFileError(
            "The first row must be a header with at least a 'name' column."
        )
    columns = [str(h) if h is not None else None for h in header]
    while columns and columns[-1] is None:  # the sheet is wider than the header
        columns.pop()
    for number, values in enumerate(rows, start=2):
        if all(v is None for v in values):
            continue
        if any(v not in (None, "") for v in values[len(columns) :]):
            yield number, {"_error": "More cells than header columns."}
            continue
        yield (
            number,
            payload_from_columns(dict(zip(columns, values, strict=False)), ctx.unknown),
        )
    workbook.close()


def _load_json(raw: bytes):
    text, _ = decode_text(raw)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"The file is not valid JSON (line {exc.lineno}, "
            f"column {exc.colno}: {exc.msg})."
        ) from exc


def read_json(raw: bytes, ctx: ReadContext) -> Iterator[Row]:
    """Objects of a JSON array (or of an object's `institutions` array)."""
    data = _load_json(raw)
    if isinstance(data, dict):
        data = data.get("institutions")
    if not isinstance(data, list):
        raise ImportFileError("Expected a JSON array of institutions.")
    ctx.total = len(data)
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            yield number, {"_error": "Expected an object."}
            continue
        payload = {}
        for key, value in item.items():
            if value in (None, "", []) or key in IGNORED_COLUMNS:
                continue
            if key in KNOWN_COLUMNS or key == "names":
                payload[key] = value
            else:
                ctx.unknown.add(key)
        yield number, payload


def read_ror(raw: bytes, ctx: ReadContext) -> Iterator[Row]:
    """ROR schema v2 records mapped to our fields; the ROR id is kept."""
    data = _load_json(raw)
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if not isinstance(data, list):
        raise ImportFileError("Expected a JSON array of ROR records.")
    ctx.total = len(data)
    for number, record in enumerate(data, start=1):
        if not isinstance(record, dict) or not record.get("names"):
            yield number, {"_error": "Not a ROR v2 record."}
            continue
        try:
            location = ror_location(record, ctx.countries)
            if location is None:
                yield number, {OUTSIDE_REGION: str(record.get("id") or "")}
                continue
            yield number, ror_payload(record, location)
        except (AttributeError, IndexError, KeyError, TypeError):
            yield number, {"_error": "Not a ROR v2 record."}


def ror_category(types: list[str]) -> str:
    """Our category for a ROR record's types."""
    for ror_type in ROR_TYPE_PRIORITY:
        if ror_type in types:
            return ROR_TYPE_CATEGORY[ror_type]
    return ROR_TYPE_CATEGORY.get(types[0], "other") if types else "other"


def ror_location(record: dict, countries: set[str] | None) -> dict | None:
    """GeoNames details of the record's first location in `countries`, or None.

    A record located in India and the United States, say, has no place in
    the inventory; one located first in the United States and then in
    Germany is taken at its German location.
    """
    for location in record.get("locations") or []:
        details = (location or {}).get("geonames_details") or {}
        if countries is None or details.get("country_code") in countries:
            return details
    return None if countries is not None else {}


def ror_payload(record: dict, location: dict | None = None) -> dict:
    """Map one ROR v2 record located at `location` to a schema payload."""
    names = record.get("names") or []
    display = next((n for n in names if "ror_display" in n.get("types", [])), names[0])
    english = next(
        (n for n in names if n.get("lang") == "en" and "label" in n.get("types", [])),
        display,
    )
    acronym = next((n["value"] for n in names if "acronym" in n.get("types", [])), None)
    other = {}
    for n in names:
        lang = n.get("lang")
        if lang and lang != "en" and n is not english and lang not in other:
            if {"label", "ror_display"} & set(n.get("types", [])):
                other[lang] = n["value"]
    if location is None:
        location = ror_location(record, None)
    website = next(
        (
            link["value"]
            for link in record.get("links", [])
            if link.get("type") == "website"
        ),
        None,
    )
    payload = {
        "name": english["value"],
        "acronym": acronym,
        "names": [{"lang": k, "name": v} for k, v in sorted(other.items())],
        "category": ror_category(record.get("types") or []),
        "website": website,
        "city": location.get("name"),
        "country": location.get("country_code"),
        "latitude": location.get("lat"),
        "longitude": location.get("lng"),
        # GeoNames places the organisation's city, not its building.
        "geo_source": "entered" if location.get("lat") is not None else None,
        "geo_precision": "city" if location.get("lat") is not None else None,
        "ror_id": record.get("id"),
        "status": "published"
        if record.get("status", "active") == "active"
        else "archived",
    }
    return {k: v for k, v in payload.items() if v not in (None, [], "")}


READERS = {"csv": read_csv, "xlsx": read_xlsx, "json": read_json, "ror": read_ror}
