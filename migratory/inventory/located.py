"""Institutions by place: near a point, as map points with their labels, and
the country names that places are resolved with."""

from sqlalchemy import func, select

from migratory.extensions import db
from migratory.geo.nearby import Place, bounding_box, within_radius
from migratory.inventory.models import Country, Institution
from migratory.inventory.ordering import displayed_name, name_order
from migratory.inventory.queries import country_options, filtered_select
from migratory.inventory.vocab import CATEGORIES


def map_labels() -> dict[str, dict]:
    """What the map names its points' codes with: countries (in the reader's
    language, by name) and categories."""
    return {
        "countries": {c.code: c.name for c in country_options()},
        "categories": CATEGORIES,
    }


def country_names() -> dict[str, str]:
    """Every country's code, English and Russian names and aliases -> its code."""
    names = {}
    for country in db.session.scalars(select(Country)):
        aliases = (country.aliases or "").split(";")
        for name in (country.iso2, country.name_en, country.name_ru, *aliases):
            if name and name.strip():
                names[name] = country.iso2
    return names


def distances_near(
    place: Place, radius_km: float, filters: dict, ids: list[int] | None = None
) -> list[tuple[int, float]]:
    """(id, km) of the published institutions matching `filters` (and among
    `ids`, if given) within `radius_km` of `place`, nearest first."""
    box = bounding_box(place, radius_km, Institution.latitude, Institution.longitude)
    query = filtered_select(filters).where(*box)
    if ids is not None:
        query = query.where(Institution.id.in_(ids))
    rows = db.session.execute(
        query.with_only_columns(
            Institution.id,
            Institution.latitude,
            Institution.longitude,
            Institution.name_key,
        )
    )
    return within_radius(place, radius_km, rows)


def located_rows(filters: dict, ids: list[int] | None, language: str):
    """(slug, displayed name, English name, category, city, country, latitude,
    longitude) of the published institutions with coordinates that match
    `filters` (and are among `ids`, if given), by displayed name."""
    query = filtered_select(filters).where(Institution.latitude.is_not(None))
    if ids is not None:
        query = query.where(Institution.id.in_(ids))
    return db.session.execute(
        query.with_only_columns(
            Institution.slug,
            displayed_name(language),
            Institution.name,
            Institution.category,
            Institution.city,
            Institution.country_code,
            Institution.latitude,
            Institution.longitude,
        ).order_by(*name_order(language), Institution.id)
    )


def published_state() -> tuple:
    """What moves whenever a published institution changes: their count, the
    sum of their versions, the largest id and the latest update."""
    row = db.session.execute(
        select(
            func.count(),
            func.sum(Institution.version),
            func.max(Institution.id),
            func.max(Institution.updated),
        ).where(Institution.status == "published")
    ).one()
    return tuple(row)
