"""A synthetic ROR-v2-like dump for benchmarks, generated at run time.

Every record is a copy of the shape of a record of the real ROR sample (its
types, locations, names in other languages, links and identifiers), with a
made-up ROR id, a name starting "Synthetic" and a website under
`.example.org`: clearly synthetic, never committed. Like the real dump of
the region, a few records are located first outside the region, a few only
outside it, and a few share a website with another record.
"""

import copy
import json
import random
import string
from pathlib import Path

ALPHABET = string.ascii_lowercase + string.digits


def synthetic_ror_id(number: int) -> str:
    """A ROR-shaped id (`0` + six characters + two digits), unique per number."""
    chars, value = [], number
    for _ in range(6):
        value, digit = divmod(value, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return f"https://ror.org/0{''.join(chars)}{number % 100:02d}"


def outside_location() -> dict:
    """A location in a country outside the region."""
    return {
        "geonames_details": {
            "country_code": "IN",
            "country_name": "India",
            "lat": 28.63576,
            "lng": 77.22445,
            "name": "New Delhi",
        },
        "geonames_id": 1261481,
    }


def synthetic_record(template: dict, number: int, rng: random.Random) -> dict:
    """A record shaped like `template`, with synthetic id, names and website."""
    record = copy.deepcopy(template)
    record["id"] = synthetic_ror_id(number)
    for name in record["names"]:
        if name.get("lang") in ("en", None) and "acronym" not in name["types"]:
            name["value"] = f"Synthetic {name['value']} {number}"
        elif "acronym" in name["types"]:
            name["value"] = f"S{number}"
        else:
            name["value"] = f"{name['value']} {number}"
    site = f"https://synthetic-{number}.example.org"
    if number % 50 == 7:  # directorates of one portal: the query tells them apart
        site = f"https://portal.example.org/index.jsp?org=S{number}"
    elif number % 50 == 8:  # subsidiaries sharing the group's website
        site = "https://group.example.org"
    record["links"] = [{"type": "website", "value": site}]
    record["domains"] = [site.split("/")[2]]
    roll = rng.random()
    if roll < 0.005:  # only outside the region: counted, not imported
        record["locations"] = [outside_location()]
    elif roll < 0.01:  # first outside, then inside: placed inside
        record["locations"] = [outside_location(), *record["locations"]]
    return record


def write_synthetic_dump(path: Path, count: int, sample: Path, seed: int = 20) -> int:
    """Write `count` synthetic records shaped like those of `sample`; bytes."""
    templates = json.loads(sample.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    records = [
        synthetic_record(rng.choice(templates), number, rng)
        for number in range(1, count + 1)
    ]
    body = json.dumps(records, ensure_ascii=False)
    path.write_text(body, encoding="utf-8")
    return len(body.encode())
