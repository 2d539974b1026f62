"""What readers see for an entry's fields, values and change sources.

The form and the diffs of history, proposals and conflicts share these, so a
field is called the same everywhere and no internal key or code is shown.
"""

from flask_babel import lazy_gettext as _l

from migratory.core.labels import vocabulary_label
from migratory.extensions import db
from migratory.inventory.models import Country
from migratory.inventory.vocab import CATEGORIES, ROLES, STATUSES, TOPICS

FIELD_LABELS = {
    "name": _l("Name (English)"),
    "acronym": _l("Acronym"),
    "names": _l("Names in other languages"),
    "category": _l("Category"),
    "summary": _l("Summary of activities"),
    "website": _l("Website"),
    "email": _l("Public e-mail"),
    "phone": _l("Public phone"),
    "address": _l("Address"),
    "city": _l("City"),
    "country": _l("Country"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "topics": _l("Topics"),
    "roles": _l("Role in the data network"),
    "status": _l("Status"),
    "ror_id": _l("ROR identifier"),
    "last_verified": _l("Last confirmed"),
}

# Vocabulary fields: their codes are shown by their names.
VOCABULARIES = {
    "category": CATEGORIES,
    "status": STATUSES,
    "topics": TOPICS,
    "roles": ROLES,
}


def field_label(field: str):
    """The label of a saved field (the key itself if it has none)."""
    return FIELD_LABELS.get(field, field)


def value_label(field: str, value) -> str:
    """A saved value as a reader sees it: names for codes, dates for times."""
    if value in (None, "", []):
        return ""
    if field in VOCABULARIES:
        return vocabulary_label(VOCABULARIES[field], value)
    if field == "country":
        country = db.session.get(Country, value)
        return country.name if country else str(value)
    if field == "last_verified":
        return str(value)[:10]  # ISO date and time: the date is what counts
    if isinstance(value, list):
        return ", ".join(
            f"{v['lang']}: {v['name']}" if isinstance(v, dict) else str(v)
            for v in value
        )
    return str(value)
