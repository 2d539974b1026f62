"""Orders of institution lists in the reader's language.

"By name" means by the name the reader sees (the recorded name in their
language, else the English one), compared with their language's collation;
"by country" follows the country names they see.
"""

from sqlalchemy import case, func, select
from sqlalchemy.sql.elements import ColumnElement

from migratory.core.collation import collation_key, usable_collation
from migratory.core.i18n import current_language
from migratory.extensions import db
from migratory.inventory.models import Country, Institution, InstitutionName
from migratory.inventory.names import country_name


def displayed_name(language: str) -> ColumnElement:
    """SQL for the name shown to readers of `language`."""
    if language == "en":
        return Institution.name
    local = (
        select(InstitutionName.name)
        .where(
            InstitutionName.institution_id == Institution.id,
            InstitutionName.lang == language,
        )
        .scalar_subquery()
    )
    return func.coalesce(local, Institution.name)


def name_order(language: str | None = None) -> tuple:
    """ORDER BY terms: the displayed name in the language's collation."""
    language = language or current_language()
    collation = usable_collation(language, db.engine)
    shown = displayed_name(language)
    ordered = shown.collate(collation) if collation else shown
    if language == "en":
        # The indexed matching key (case, accents and punctuation folded)
        # orders English names as the collation's first level does.
        return (Institution.name_key, ordered)
    return (ordered,)


def country_order(language: str | None = None) -> ColumnElement:
    """ORDER BY term: the position of the country's displayed name."""
    language = language or current_language()
    rows = db.session.execute(select(Country.iso2, Country.name_en, Country.name_ru))
    names = {iso2: country_name(iso2, en, ru, language) for iso2, en, ru in rows}
    ranked = sorted(names, key=lambda iso2: collation_key(names[iso2], language))
    positions = {iso2: rank for rank, iso2 in enumerate(ranked)}
    return case(positions, value=Institution.country_code, else_=len(positions))


def sort_terms(sort: str | None) -> tuple:
    """ORDER BY terms of a list sort: "name" (default), "country" or "updated"."""
    if sort == "updated":
        return (Institution.updated.desc(), *name_order())
    if sort == "country":
        return (country_order(), *name_order())
    return name_order()
