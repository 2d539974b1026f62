"""Simplified country outlines for the map's offline background.

Derived from Natural Earth's 1:50m outlines (public domain) by `flask geo
outlines`; the result is committed under static/geo/ so that a map with
MAP_TILES=none needs no internet and no source file. Each country also gets a
label point (pole of inaccessibility of its largest part) where the map puts
its circle of institution counts. Needs shapely (a development requirement).
"""

import gzip
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import current_app

TOLERANCE = 0.03  # degrees, about 3 km: enough for a region-wide view
PRECISION = 2  # decimals kept, about 1 km
MIN_PART_AREA = 0.02  # square degrees; smaller islands are dropped
OUTLINES_FILE = "geo/unece-countries.geojson"  # under static/


def simplify_outlines(source: Path) -> dict:
    """A compact FeatureCollection: iso2, name, label point, simplified shape."""
    from shapely.geometry import MultiPolygon, mapping, shape
    from shapely.ops import polylabel

    data = json.loads(source.read_text(encoding="utf-8"))
    features = []
    for feature in sorted(data["features"], key=lambda f: f["properties"]["iso2"]):
        geometry = shape(_unwrapped(feature["geometry"]))
        parts = list(getattr(geometry, "geoms", [geometry]))
        largest = max(parts, key=lambda part: part.area)
        kept = [p for p in parts if p is largest or p.area >= MIN_PART_AREA]
        simplified = MultiPolygon(kept).simplify(TOLERANCE, preserve_topology=True)
        label = polylabel(largest, tolerance=0.01)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "iso2": feature["properties"]["iso2"],
                    "name": feature["properties"]["name"],
                    "label": [round(label.x, PRECISION), round(label.y, PRECISION)],
                },
                "geometry": _rounded(mapping(simplified)),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _unwrapped(geometry: dict) -> dict:
    """The geometry with polygons that cross the antimeridian drawn in one piece.

    Natural Earth keeps Russia's Chukotka in the mainland polygon, with
    longitudes from 180 round to -169: drawn as they are, its edges run across
    the whole map. Such a polygon's western longitudes get 360 added, so it
    continues east of 180, as Leaflet draws it. Other polygons are untouched.
    """
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    fixed = []
    for polygon in polygons:
        longitudes = [point[0] for ring in polygon for point in ring]
        if max(longitudes) - min(longitudes) > 180:
            polygon = [
                [[x + 360 if x < 0 else x, *rest] for x, *rest in ring]
                for ring in polygon
            ]
        fixed.append(polygon)
    return {"type": "MultiPolygon", "coordinates": fixed}


def _rounded(geometry: dict) -> dict:
    """The geometry with coordinates as plain rounded lists (compact JSON)."""

    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], float | int):
                return [round(float(v), PRECISION) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def write_outlines(source: Path, target: Path) -> int:
    """Write the simplified outlines to `target`; return its size in bytes."""
    text = json.dumps(simplify_outlines(source), separators=(",", ":"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text + "\n", encoding="utf-8")
    return target.stat().st_size


@dataclass(frozen=True)
class Outlines:
    """The outline file as sent: its content version, raw and gzipped bytes."""

    version: str
    raw: bytes
    gzipped: bytes


def current_outlines() -> Outlines:
    """The committed outline file, read and compressed once per version."""
    path = Path(current_app.static_folder) / OUTLINES_FILE
    stat = path.stat()
    return _read_outlines(path, stat.st_mtime_ns, stat.st_size)


@cache
def _read_outlines(path: Path, mtime_ns: int, size: int) -> Outlines:
    """The file's bytes and version; mtime and size key the cache, so a
    regenerated file is read again."""
    raw = path.read_bytes()
    version = hashlib.sha256(raw).hexdigest()[:12]
    return Outlines(version, raw, gzip.compress(raw, compresslevel=9, mtime=0))
