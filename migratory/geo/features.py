"""GeoJSON points for maps and the API, from plain rows."""

from collections.abc import Iterable


def point_features(rows: Iterable[tuple]) -> dict:
    """A FeatureCollection of Points from rows of (slug, name, name_en,
    category, city, country, latitude, longitude), in their order.

    Coordinates are rounded to about 10 m, finer than any geocoded precision.
    """
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
