"""`flask geo fill`: place the institutions that lack coordinates, or refine them.

A use case of the inventory (it writes institutions, with revisions) that asks
the geo adapter where they are; geo itself knows no institution.
"""

import dataclasses
import logging

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from migratory.extensions import db
from migratory.geo.geocoding import finer
from migratory.geo.services import LOCATION_FIELDS, locate
from migratory.inventory.models import Institution
from migratory.inventory.services import change_institution

logger = logging.getLogger(__name__)
FILL_BATCH = 100  # institutions geocoded per commit


@dataclasses.dataclass
class FillReport:
    """What a backfill did; `unplaced` lists (slug, city, country code)."""

    placed: int = 0
    refined: int = 0
    unplaced: list[tuple[str, str | None, str]] = dataclasses.field(
        default_factory=list
    )


def fill_coordinates(
    geocoder=None,
    *,
    refine: bool = False,
    progress=None,
    batch_size: int = FILL_BATCH,
) -> FillReport:
    """Geocode every institution without coordinates and, with `refine`, move
    those the gazetteer placed at their city to the geocoder's finer place.

    `geocoder` is a geopy geocoder (the offline gazetteer if None). Commits
    every `batch_size` institutions, so an interrupted run keeps its progress.
    """
    wanted = Institution.latitude.is_(None)
    if refine:
        wanted = or_(wanted, Institution.geo_source == "gazetteer")
    ids = list(
        db.session.scalars(
            select(Institution.id).where(wanted).order_by(Institution.id)
        )
    )
    report = FillReport()
    for start in range(0, len(ids), batch_size):
        batch = select(Institution).where(
            Institution.id.in_(ids[start : start + batch_size])
        )
        batch = batch.options(
            selectinload(Institution.names), selectinload(Institution.topic_links)
        )
        for institution in db.session.scalars(batch.order_by(Institution.id)):
            _fill_one(institution, geocoder, report)
            if progress:
                progress(1, len(ids))
        db.session.commit()
    logger.info(
        "Geocoded %d institutions, refined %d; %d not placed",
        report.placed,
        report.refined,
        len(report.unplaced),
    )
    return report


def _fill_one(institution: Institution, geocoder, report: FillReport) -> None:
    """Place (or refine) one institution, with a revision if it moved."""
    missing = institution.latitude is None
    found = locate({f: getattr(institution, f) for f in LOCATION_FIELDS}, geocoder)
    if found is None:
        if missing:
            report.unplaced.append(
                (institution.slug, institution.city, institution.country_code)
            )
        return
    if not missing and not finer(found.precision, institution.geo_precision or "city"):
        return  # refining keeps only a strictly finer place
    change_institution(
        institution,
        {
            "latitude": found.latitude,
            "longitude": found.longitude,
            "geo_source": found.source,
            "geo_precision": found.precision,
        },
        source="geocoder",
    )
    if missing:
        report.placed += 1
    else:
        report.refined += 1
