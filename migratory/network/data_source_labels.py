"""What readers see for a data source's fields and values: the form, the
history and the proposals share these, so no internal key or code is shown."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from migratory.core.labels import vocabulary_label
from migratory.extensions import db
from migratory.inventory.models import Country, Institution
from migratory.network.request_memo import per_request
from migratory.network.vocab import (
    ACCESS,
    COVERAGE,
    FLOWS,
    PERIODICITIES,
    RECORD_STATUSES,
)

FIELD_LABELS = {
    "name": _l("Name (English)"),
    "names": _l("Names in other languages"),
    "type": _l("Type"),
    "institution": _l("Producing institution"),
    "country": _l("Country"),
    "coverage": _l("What it covers"),
    "periodicity": _l("Periodicity"),
    "latest_year": _l("Latest reference year"),
    "migrant_definition": _l("Definition of migrant it uses"),
    "access": _l("Access"),
    "access_url": _l("Address of the data online"),
    "publication": _l("Publication"),
    "quality_note": _l("Quality note"),
    "quality_assessed": _l("Date of the last quality assessment"),
    "status": _l("Status"),
}

VOCABULARIES = {
    "type": FLOWS,
    "coverage": COVERAGE,
    "periodicity": PERIODICITIES,
    "access": ACCESS,
    "status": RECORD_STATUSES,
}


def field_label(field: str):
    """The label of a saved field (the key itself if it has none)."""
    return FIELD_LABELS.get(field, field)


def _country_name(code: str) -> str:
    country = db.session.get(Country, code)
    return country.name if country else str(code)


def _institution_name(slug: str) -> str:
    institution = db.session.scalar(select(Institution).where(Institution.slug == slug))
    return institution.display_name if institution else str(slug)


def value_label(field: str, value) -> str:
    """A saved value as a reader sees it: names for codes and slugs (each
    looked up once a request)."""
    if value in (None, "", []):
        return ""
    if field in VOCABULARIES:
        return vocabulary_label(VOCABULARIES[field], value)
    if field == "country":
        return per_request("country", value, lambda: _country_name(value))
    if field == "institution":
        return per_request("institution", value, lambda: _institution_name(value))
    if field == "names":
        return ", ".join(f"{n['lang']}: {n['name']}" for n in value)
    return str(value)
