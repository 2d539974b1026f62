"""Export of published institutions as CSV, XLSX, JSON or GeoJSON."""

import json
from collections.abc import Iterable

from flask import Response

from migratory.core.tabular import (
    CSV_TYPE,
    XLSX_TYPE,
    Column,
    download_response,
    write_csv,
    write_xlsx,
)
from migratory.inventory.models import Institution
from migratory.inventory.schemas import FLAT_FIELDS
from migratory.inventory.services import institution_state

EXPORT_FORMATS = {
    "csv": (CSV_TYPE, "csv"),
    "xlsx": (XLSX_TYPE, "xlsx"),
    "json": ("application/json", "json"),
    "geojson": ("application/geo+json", "geojson"),
}
FLAT_COLUMNS = ["slug", *FLAT_FIELDS]


def export_records(institutions: Iterable[Institution]) -> list[dict]:
    """Serialized institutions, in the same shape the JSON importer reads."""
    return [institution_state(i) for i in institutions]


def _flat(record: dict) -> dict:
    row = {c: record.get(c) for c in FLAT_COLUMNS}
    row["topics"] = ";".join(record.get("topics") or [])
    row["roles"] = ";".join(record.get("roles") or [])
    for name in record.get("names") or []:
        row[f"name_{name['lang']}"] = name["name"]
    return row


def _columns(rows: list[dict]) -> list[Column]:
    """The flat fields, then a name column per language found; headers are
    the keys, which the importer reads back."""
    langs = sorted({k for r in rows for k in r if k.startswith("name_")})
    return [Column(key, key) for key in FLAT_COLUMNS + langs]


def to_csv(records: list[dict]) -> bytes:
    """CSV in UTF-8 with a BOM, formulas defused."""
    rows = [_flat(r) for r in records]
    return write_csv(_columns(rows), rows)


def to_xlsx(records: list[dict]) -> bytes:
    """A one-sheet workbook with a header row, formulas defused."""
    rows = [_flat(r) for r in records]
    return write_xlsx(_columns(rows), rows, sheet_title="institutions")


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


def export_response(institutions: Iterable[Institution], fmt: str) -> Response:
    """A download of the institutions in format `fmt` (institutions.<fmt>)."""
    content_type, extension = EXPORT_FORMATS[fmt]
    return download_response(
        export_institutions(institutions, fmt),
        filename=f"institutions.{extension}",
        content_type=content_type,
    )
