"""ROR schema v2 records built for tests, shaped like the registry's dump."""

import json
from pathlib import Path

GEONAMES = {
    "US": ("Alexandria", 38.80484, -77.04692),
    "FR": ("Lyon", 45.74846, 4.84671),
    "GB": ("London", 51.50853, -0.12574),
    "NL": ("Amsterdam", 52.37403, 4.88969),
    "KZ": ("Astana", 51.1801, 71.44598),
    "DE": ("Berlin", 52.52437, 13.41053),
    "IN": ("New Delhi", 28.63576, 77.22445),
    "JP": ("Tokyo", 35.6895, 139.69171),
}


def location(country: str) -> dict:
    """A ROR location in the GeoNames city listed for `country`."""
    city, lat, lng = GEONAMES[country]
    return {
        "geonames_details": {
            "country_code": country,
            "country_name": country,
            "lat": lat,
            "lng": lng,
            "name": city,
        },
        "geonames_id": abs(hash((city, country))) % 10_000_000,
    }


def ror_record(
    ror_id: str,
    name: str,
    country: str | list[str] = "DE",
    *,
    website: str | None = None,
    types: tuple[str, ...] = ("government",),
    acronym: str | None = None,
    status: str = "active",
) -> dict:
    """One ROR v2 record; `country` may list several locations in order."""
    countries = [country] if isinstance(country, str) else country
    names = [{"lang": "en", "types": ["label", "ror_display"], "value": name}]
    if acronym:
        names.append({"lang": None, "types": ["acronym"], "value": acronym})
    return {
        "id": f"https://ror.org/{ror_id}",
        "names": names,
        "types": list(types),
        "status": status,
        "links": [{"type": "website", "value": website}] if website else [],
        "locations": [location(c) for c in countries],
        "domains": [],
        "external_ids": [],
        "relationships": [],
        "admin": {"created": {"date": "2026-01-01", "schema_version": "2.1"}},
    }


def write_dump(path: Path, records: list[dict]) -> Path:
    """The records as a ROR dump file (a JSON array)."""
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path
