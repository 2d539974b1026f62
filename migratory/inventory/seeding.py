"""Seed loading (countries, regions, real institutions) and synthetic data."""

import csv
import json
import random
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from migratory.core.text import make_slug
from migratory.extensions import db
from migratory.inventory.importing import ImportReport, import_payloads
from migratory.inventory.models import Country, Region
from migratory.inventory.readers import ReadContext, read_json
from migratory.inventory.vocab import CATEGORIES, TOPICS

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"


def load_geography(seed_dir: Path = SEED_DIR) -> tuple[int, int]:
    """Upsert countries (by alpha-2) and regions (by slug); return changes made."""
    spec = json.loads((seed_dir / "regions.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader((seed_dir / "countries.csv").open(encoding="utf-8")))
    countries = {c.iso2: c for c in db.session.scalars(select(Country))}
    regions = {r.slug: r for r in db.session.scalars(select(Region))}
    changes = 0

    def upsert(model, store, key, **values):
        nonlocal changes
        obj = store.get(key)
        if obj is None:
            obj = store[key] = model(**values)
            db.session.add(obj)
            changes += 1
        for attr, value in values.items():
            if getattr(obj, attr) != value:
                setattr(obj, attr, value)
                changes += 1
        return obj

    members: dict[str, list[str]] = {}
    for row in rows:
        upsert(
            Country,
            countries,
            row["iso2"],
            iso2=row["iso2"],
            iso3=row["iso3"],
            m49=row["m49"],
            name_en=row["name_en"],
            name_ru=row["name_ru"],
            aliases=row.get("aliases") or None,
            is_unece_member=row["unece_member"] == "true",
            is_speca=row["speca"] == "true",
        )
        for level, kind in (("region", "m49-region"), ("sub_region", "m49-subregion")):
            name = row[level]
            slug = make_slug(name)
            upsert(
                Region,
                regions,
                slug,
                slug=slug,
                name_en=name,
                name_ru=spec["m49_names_ru"].get(name),
                kind=kind,
            )
            members.setdefault(slug, []).append(row["iso2"])
    flags = {
        "unece_members": [r["iso2"] for r in rows if r["unece_member"] == "true"],
        "eecca": [r["iso2"] for r in rows if r["eecca"] == "true"],
        "speca": [r["iso2"] for r in rows if r["speca"] == "true"],
    }
    for group in spec["groupings"]:
        upsert(
            Region,
            regions,
            group["slug"],
            slug=group["slug"],
            name_en=group["name_en"],
            name_ru=group["name_ru"],
            kind="grouping",
        )
        codes = group["countries"]
        members[group["slug"]] = flags[codes] if isinstance(codes, str) else codes
    for slug, codes in members.items():
        wanted = sorted({countries[c] for c in codes}, key=lambda c: c.iso2)
        if sorted(regions[slug].countries, key=lambda c: c.iso2) != wanted:
            regions[slug].countries = wanted
            changes += 1
    db.session.commit()
    return len(countries), changes


def load_institutions(
    seed_dir: Path = SEED_DIR, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Upsert the real institutions of seed/institutions.json."""
    raw = (seed_dir / "institutions.json").read_bytes()
    rows = list(read_json(raw, ReadContext()))
    return import_payloads(rows, source="seed", progress=progress)


# Word lists for synthetic names: plausible, clearly fake, deterministic.
_KINDS = (
    "Centre",
    "Institute",
    "Agency",
    "Observatory",
    "Council",
    "Office",
    "Foundation",
    "Network",
    "Bureau",
    "Laboratory",
)
_SUBJECTS = (
    "Migration Studies",
    "Labour Mobility",
    "Population Research",
    "Remittance Analysis",
    "Refugee Protection",
    "Diaspora Relations",
    "Border Statistics",
    "Integration Policy",
    "Demographic Data",
    "Return Migration",
    "Census Methods",
    "Human Trafficking Prevention",
)
_RU_KINDS = ("Центр", "Институт", "Агентство", "Бюро", "Фонд")
_RU_SUBJECTS = (
    "миграционных исследований",
    "трудовой миграции",
    "демографической статистики",
    "денежных переводов",
    "интеграции мигрантов",
)
_CITIES = [
    ("Almaty", "KZ", 43.2389, 76.8897),
    ("Bishkek", "KG", 42.8746, 74.5698),
    ("Tashkent", "UZ", 41.2995, 69.2401),
    ("Dushanbe", "TJ", 38.5598, 68.7870),
    ("Tbilisi", "GE", 41.7151, 44.8271),
    ("Yerevan", "AM", 40.1792, 44.4991),
    ("Baku", "AZ", 40.4093, 49.8671),
    ("Kyiv", "UA", 50.4501, 30.5234),
    ("Chisinau", "MD", 47.0105, 28.8638),
    ("Minsk", "BY", 53.9006, 27.5590),
    ("Moscow", "RU", 55.7558, 37.6173),
    ("Geneva", "CH", 46.2044, 6.1432),
    ("Vienna", "AT", 48.2082, 16.3738),
    ("Berlin", "DE", 52.5200, 13.4050),
    ("Paris", "FR", 48.8566, 2.3522),
    ("Warsaw", "PL", 52.2297, 21.0122),
    ("Rome", "IT", 41.9028, 12.4964),
    ("Madrid", "ES", 40.4168, -3.7038),
    ("Ankara", "TR", 39.9334, 32.8597),
    ("Belgrade", "RS", 44.7866, 20.4489),
    ("Ottawa", "CA", 45.4215, -75.6972),
    ("New York", "US", 40.7128, -74.0060),
    ("Kabul", "AF", 34.5553, 69.2075),
    ("Oslo", "NO", 59.9139, 10.7522),
]


def synthetic_payloads(count: int, seed: int = 42) -> list[tuple[int, dict]]:
    """`count` clearly marked synthetic institutions, the same for the same seed."""
    rng = random.Random(seed)
    categories, topics = list(CATEGORIES), list(TOPICS)
    rows = []
    for n in range(1, count + 1):
        city, country, lat, lon = rng.choice(_CITIES)
        kind, subject = rng.choice(_KINDS), rng.choice(_SUBJECTS)
        payload = {
            "name": f"Synthetic {kind} for {subject} {city} {n:06d}",
            "acronym": f"SYN{n:06d}",
            "names": [
                {
                    "lang": "ru",
                    "name": f"{rng.choice(_RU_KINDS)} "
                    f"{rng.choice(_RU_SUBJECTS)} {n:06d} (синтетический)",
                }
            ],
            "category": rng.choice(categories),
            "summary": f"SYNTHETIC TEST RECORD, not a real institution. Works on "
            f"{subject.lower()} in {city}.",
            "city": city,
            "country": country,
            "latitude": round(lat + rng.uniform(-0.5, 0.5), 4),
            "longitude": round(lon + rng.uniform(-0.5, 0.5), 4),
            "topics": rng.sample(topics, rng.randint(1, 3)),
            "roles": rng.choice([["producer"], ["user"], ["producer", "user"], []]),
        }
        rows.append((n, payload))
    return rows


def load_synthetic(
    count: int, seed: int = 42, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Generate and import synthetic institutions (for scale tests only)."""
    return import_payloads(
        synthetic_payloads(count, seed),
        source="synthetic",
        synthetic=True,
        progress=progress,
    )
