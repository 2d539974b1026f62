"""GeoJSON of institutions for maps and the API."""

import hashlib

from sqlalchemy import func, select

from migratory.core.i18n import current_language
from migratory.extensions import db
from migratory.geo.nearby import distances_near, near_search
from migratory.inventory.models import Institution
from migratory.inventory.ordering import displayed_name, name_order
from migratory.inventory.queries import filtered_select
from migratory.search.querying import has_search_words
from migratory.search.services import matching_ids


def institution_features(filters: dict) -> dict:
    """GeoJSON FeatureCollection of the published institutions with coordinates
    that the filters find (words in `q`, a circle with `near`), by name.

    Only public fields: name (in the reader's language where recorded),
    name_en, slug, category, city and country. Coordinates are rounded to
    about 10 m, finer than any geocoded precision.
    """
    language = current_language()
    query = filtered_select(filters).where(Institution.latitude.is_not(None))
    if filters.get("near"):
        place, radius, ids = near_search(filters)
        ids = [ident for ident, _km in distances_near(place, radius, filters, ids)]
    elif has_search_words(filters.get("q")):
        ids = matching_ids(filters["q"], filters)
    else:
        ids = None
    if ids is not None:
        query = query.where(Institution.id.in_(ids))
    rows = db.session.execute(
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
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(longitude, 4), round(latitude, 4)],
            },
            "properties": {
                "slug": slug,
                "name": shown,
                "name_en": name,
                "category": category,
                "city": city,
                "country": country,
            },
        }
        for slug, shown, name, category, city, country, latitude, longitude in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def features_etag(filters: dict) -> str:
    """An ETag for `institution_features(filters)` without building it.

    The features change only when a published institution does, and then
    the count, the sum of versions, the largest id or the latest update
    moves; one small aggregate query answers a revalidation.
    """
    state = db.session.execute(
        select(
            func.count(),
            func.sum(Institution.version),
            func.max(Institution.id),
            func.max(Institution.updated),
        ).where(Institution.status == "published")
    ).one()
    key = repr(
        (
            tuple(state),
            current_language(),
            sorted((k, str(v)) for k, v in filters.items()),
        )
    )
    return hashlib.sha256(key.encode()).hexdigest()[:24]
