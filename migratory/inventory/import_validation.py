"""Validating import rows: the schema, the duplicate rule, lenient ROR fields."""

import re
from collections.abc import Callable, Iterable, Iterator

from marshmallow import ValidationError

from migratory.inventory.import_matching import Entry, Matcher
from migratory.inventory.readers import OUTSIDE_REGION
from migratory.inventory.schemas import InstitutionSchema

# A ROR record without one of these is not imported; any other field that
# fails validation is left out, since the registry vouches for the body itself.
ROR_REQUIRED = frozenset({"name", "category", "country", "ror_id", "status"})
# Fields that only make sense together: dropping one drops them all.
TOGETHER = {
    "latitude": ("latitude", "longitude", "geo_source", "geo_precision"),
    "longitude": ("latitude", "longitude", "geo_source", "geo_precision"),
}
LIST_ITEM = re.compile(r"^(\w+)\.(\d+)(?:\.|$)")


def flatten_messages(messages, prefix: str = "") -> list[tuple[str, str]]:
    """Turn marshmallow's nested error dict into (field.path, message) pairs."""
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [(prefix, m) for m in messages]
    pairs = []
    items = messages.items() if isinstance(messages, dict) else enumerate(messages)
    for key, value in items:
        name = str(key) if key != "_schema" else ""
        path = ".".join(p for p in (prefix, name) if p)
        pairs.extend(flatten_messages(value, path))
    return pairs


def _without(payload: dict, paths: list[str]) -> dict:
    """`payload` without the fields (or list items) named by error paths."""
    payload = dict(payload)
    items: dict[str, set[int]] = {}
    for path in paths:
        if match := LIST_ITEM.match(path):
            items.setdefault(match.group(1), set()).add(int(match.group(2)))
        else:
            for name in TOGETHER.get(path.split(".")[0], (path.split(".")[0],)):
                payload.pop(name, None)
    for name, indexes in items.items():
        if isinstance(payload.get(name), list):
            payload[name] = [v for i, v in enumerate(payload[name]) if i not in indexes]
    return payload


def load_row(
    schema: InstitutionSchema, number: int, payload: dict, lenient: bool, report
) -> dict | None:
    """The validated row, or None with its errors in the report.

    With `lenient` (ROR records) optional fields that fail are dropped with a
    warning and the rest is imported.
    """
    for _ in range(3):  # a field dropped cannot fail again; three is plenty
        try:
            return schema.load(payload)
        except ValidationError as exc:
            problems = flatten_messages(exc.messages)
        fatal = [
            (name, message)
            for name, message in problems
            if not lenient or not name or name.split(".")[0] in ROR_REQUIRED
        ]
        if fatal:
            report.reject(number, fatal)
            return None
        for name, message in problems:
            report.warn(number, name, f"{message} Imported without it.")
        payload = _without(payload, [name for name, _ in problems])
    report.reject(number, problems)
    return None


def validated_rows(
    rows: Iterable,
    report,
    *,
    countries: set[str],
    lenient: bool = False,
    progress: Callable[[int, int], None] | None = None,
    total: Callable[[], int] = int,
) -> Iterator[tuple[int, dict, int | None]]:
    """Validate every row, collecting problems; yield (row number, data,
    existing id or None) for each row to write."""
    schema = InstitutionSchema(country_codes=countries)
    matcher = Matcher()
    for number, payload in rows:
        report.rows += 1
        if progress:
            progress(1, total())
        if OUTSIDE_REGION in payload:
            report.outside_region += 1
            continue
        if "_error" in payload:
            report.reject(number, [("", payload["_error"])])
            continue
        data = load_row(schema, number, payload, lenient, report)
        if data is None:
            continue
        entry = Entry.of_row(number, data)
        similar = matcher.resembling(entry)
        target, earlier = matcher.place(entry)
        if earlier is not None:
            report.skipped += 1
            report.warn(
                number, "", f"Duplicate of {earlier.label()} in this file; skipped."
            )
            continue
        if target is None and similar is not None:
            report.note_possible_duplicate(number, similar.label())
        report.categories[data["category"]] += 1
        yield number, data, target
