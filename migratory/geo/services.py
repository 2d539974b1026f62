"""Geocoding services: coordinates for institutions written without them."""

import logging

from flask import current_app
from geopy.exc import GeopyError

logger = logging.getLogger(__name__)
PRECISIONS = ("address", "city", "country")


def locate(city: str | None, country_code: str) -> tuple[float, float, str] | None:
    """(latitude, longitude, geocoder name) of a city in a country, or None."""
    if not city:
        return None
    name = current_app.config["GEOCODER"]
    try:
        location = current_app.extensions["geocoder"].geocode(
            city, country_codes=country_code
        )
    except GeopyError:
        logger.warning("Geocoder %s failed for %s, %s", name, city, country_code)
        return None
    if location is None:
        return None
    return location.latitude, location.longitude, name


def place(values: dict) -> None:
    """Fill coordinates and their provenance in `values` (a record or changes).

    Entered coordinates are kept and marked so; missing ones come from the
    geocoder by city and country, with city precision.
    """
    if values.get("latitude") is not None:
        values["geo_source"] = values.get("geo_source") or "entered"
        return
    found = locate(values.get("city"), values["country_code"])
    if found:
        latitude, longitude, source = found
        values.update(
            latitude=latitude,
            longitude=longitude,
            geo_source=source,
            geo_precision="city",
        )
    else:
        values.update(geo_source=None, geo_precision=None)
