"""Export of published institutions as CSV, XLSX, JSON or GeoJSON."""

import csv
import io
import json
import re
from collections.abc import Iterable

from migratory.inventory.models import Institution
from migratory.inventory.schemas import FLAT_FIELDS
from migratory.inventory.services import institution_state

EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    "json": ("application/json", "json"),
    "geojson": ("application/geo+json", "geojson"),
}
FLAT_COLUMNS = ["slug", *FLAT_FIELDS]


def export_records(institutions: Iterable[Institution]) -> list[dict]:
    """Serialized institutions, in the same shape the JSON importer reads."""
    return [institution_state(i) for i in institutions]


_FORMULA = re.compile(r"^(?:[=@]|[+-].*[A-Za-z|!])", re.DOTALL)


def defuse_formula(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def _flat(record: dict) -> dict:
    row = {c: defuse_formula(record.get(c)) for c in FLAT_COLUMNS}
    row["topics"] = ";".join(record.get("topics") or [])
    row["roles"] = ";".join(record.get("roles") or [])
    for name in record.get("names") or []:
        row[f"name_{name['lang']}"] = defuse_formula(name["name"])
    return row


def _columns(rows: list[dict]) -> list[str]:
    langs = sorted({k for r in rows for k in r if k.startswith("name_")})
    return FLAT_COLUMNS + langs


def to_csv(records: list[dict]) -> bytes:
    """CSV in UTF-8 with a BOM, so that spreadsheet programs read Cyrillic right."""
    rows = [_flat(r) for r in records]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_columns(rows), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def to_xlsx(records: list[dict]) -> bytes:
    """A one-sheet workbook with a header row."""
    from openpyxl import Workbook

    rows = [_flat(r) for r in records]
    columns = _columns(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("institutions")
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_json(records: list[dict]) -> bytes:
    """A JSON array, readable by `flask inventory import`."""
    return json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")


def to_geojson(records: list[dict]) -> bytes:
    """A FeatureCollection of the institutions that have coordinates."""
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [r["longitude"], r["latitude"]],
            },
            "properties": {
                k: v for k, v in r.items() if k not in ("latitude", "longitude")
            },
        }
        for r in records
        if r.get("latitude") is not None and r.get("longitude") is not None
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json, "geojson": to_geojson}


def export_institutions(institutions: Iterable[Institution], fmt: str) -> bytes:
    """The institutions in format `fmt`."""
    return WRITERS[fmt](export_records(institutions))
