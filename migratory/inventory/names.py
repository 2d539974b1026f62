"""Names of countries and regions in the reader's language.

Russian names are stored with each country and region. Other languages take
the territory names of the Unicode CLDR (through Babel) for countries and
UN M49 regions, and the seed's names for the groupings of this field (EU/EFTA,
SPECA, ...), which no standard names.
"""

import json
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError

SEED_DIR = Path(__file__).resolve().parents[2] / "seed"

# UN M49 codes of the regions and sub-regions the seed uses, by slug.
M49_REGION_CODES = {
    "europe": "150",
    "asia": "142",
    "americas": "019",
    "southern-europe": "039",
    "western-europe": "155",
    "northern-europe": "154",
    "eastern-europe": "151",
    "western-asia": "145",
    "central-asia": "143",
    "southern-asia": "034",
    "northern-america": "021",
}


@cache
def _territories(language: str) -> dict:
    """CLDR territory names in `language` (empty for an unknown language)."""
    try:
        return dict(Locale.parse(language).territories)
    except (UnknownLocaleError, ValueError):
        return {}


@cache
def _grouping_names() -> dict[str, dict[str, str]]:
    """slug -> {language: name} of the seed's groupings, beyond English/Russian."""
    spec = json.loads((SEED_DIR / "regions.json").read_text(encoding="utf-8"))
    found: dict[str, dict[str, str]] = {}
    for group in spec.get("groupings", []):
        found[group["slug"]] = {
            key.removeprefix("name_"): value
            for key, value in group.items()
            if key.startswith("name_") and key not in ("name_en", "name_ru")
        }
    return found


def country_name(iso2: str, name_en: str, name_ru: str | None, language: str) -> str:
    """A country's name for readers of `language`."""
    if language == "en":
        return name_en
    if language == "ru" and name_ru:
        return name_ru
    return _territories(language).get(iso2) or name_en


def region_name(slug: str, name_en: str, name_ru: str | None, language: str) -> str:
    """A region's or grouping's name for readers of `language`."""
    if language == "en":
        return name_en
    if language == "ru" and name_ru:
        return name_ru
    code = M49_REGION_CODES.get(slug)
    if code:
        return _territories(language).get(code) or name_en
    return _grouping_names().get(slug, {}).get(language) or name_en
