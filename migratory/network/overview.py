"""The network overview: every country of the region with its focal points by
network role, published institutions, the share of them verified in the last
12 months, producer-user links and the gaps of its network.

Computed in a fixed number of queries (aggregates grouped by country), never
one query per country.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from migratory.accounts.network_roles import NETWORK_ROLES
from migratory.core.collation import collation_key
from migratory.core.errors import ValidationFailed
from migratory.core.i18n import current_language
from migratory.core.models import utcnow
from migratory.extensions import db
from migratory.inventory import queries
from migratory.inventory.models import Country, Institution, Region, country_regions
from migratory.inventory.names import country_name
from migratory.network.focal_points import (
    ACTIVE_WITHIN,
    FocalPoint,
    Gaps,
    focal_points_by_country,
    gaps_of,
)
from migratory.network.links import link_counts_by_country

NOT_STATED = "not_stated"  # focal points whose network role is not stated


@dataclass
class CountryRow:
    """One country of the overview."""

    code: str
    name_en: str
    name_ru: str | None
    focal_points: list[FocalPoint]
    institutions: int
    verified: int
    links: int
    gaps: Gaps

    @property
    def name(self) -> str:
        """The country's name in the reader's language."""
        return country_name(self.code, self.name_en, self.name_ru, current_language())

    @property
    def by_role(self) -> dict[str, int]:
        """Number of focal points of each network role (NOT_STATED: none)."""
        counts = dict.fromkeys([*NETWORK_ROLES, NOT_STATED], 0)
        for point in self.focal_points:
            counts[point.network_role or NOT_STATED] += 1
        return counts

    @property
    def verified_share(self) -> float | None:
        """Share of the published institutions verified in the last 12
        months (None without any)."""
        return self.verified / self.institutions if self.institutions else None


# Sort keys of the overview's columns; "-key" sorts descending. Ties keep the
# order of the countries' names.
SORTS = {
    "country": lambda row: 0,
    "focal_points": lambda row: len(row.focal_points),
    "producers": lambda row: row.by_role["producer"],
    "users": lambda row: row.by_role["user"],
    "institutions": lambda row: row.institutions,
    "verified": lambda row: -1 if row.verified_share is None else row.verified_share,
    "links": lambda row: row.links,
    "gaps": lambda row: row.gaps.count,
}


def check_overview_args(region: str | None, sort: str | None) -> None:
    """ValidationFailed naming the refused argument: an unknown region slug or
    sort key."""
    errors = {}
    if region and region not in {r.slug for r in queries.region_options()}:
        errors["region"] = [_("No such region: %(region)s.", region=region)]
    if sort and sort.removeprefix("-") not in SORTS:
        errors["sort"] = [
            _(
                "Sort by one of: %(keys)s (a leading - sorts descending).",
                keys=", ".join(SORTS),
            )
        ]
    if errors:
        message = " ".join(m for messages in errors.values() for m in messages)
        raise ValidationFailed(message, errors=errors)


def network_overview(
    region: str | None = None, sort: str | None = None, now: datetime | None = None
) -> list[CountryRow]:
    """Every country (of `region`, a region's slug), sorted by `sort` (a key
    of SORTS, "-" first for descending; by name by default)."""
    check_overview_args(region, sort)
    now = now or utcnow()
    countries = _countries(region)
    codes = [code for code, _en, _ru in countries]
    focal_points = focal_points_by_country(codes)
    counts = institution_counts(now)
    links = link_counts_by_country()
    rows = []
    for code, name_en, name_ru in countries:
        points = focal_points.get(code, [])
        published, verified = counts.get(code, (0, 0))
        rows.append(
            CountryRow(
                code=code,
                name_en=name_en,
                name_ru=name_ru,
                focal_points=points,
                institutions=published,
                verified=verified,
                links=links.get(code, 0),
                gaps=gaps_of(points, now),
            )
        )
    return sort_rows(rows, sort)


def sort_rows(rows: list[CountryRow], sort: str | None) -> list[CountryRow]:
    """The rows by country name, then by `sort` ("-key" descending)."""
    language = current_language()
    rows = sorted(rows, key=lambda row: (collation_key(row.name, language), row.code))
    key = (sort or "country").removeprefix("-")
    return sorted(rows, key=SORTS[key], reverse=(sort or "").startswith("-"))


def _countries(region: str | None) -> list[tuple[str, str, str | None]]:
    """(code, English name, Russian name) of every country, or of a region's."""
    query = select(Country.iso2, Country.name_en, Country.name_ru)
    if region:
        members = (
            select(country_regions.c.country_code)
            .join(Region, Region.id == country_regions.c.region_id)
            .where(Region.slug == region)
        )
        query = query.where(Country.iso2.in_(members))
    return [tuple(row) for row in db.session.execute(query)]


def institution_counts(now: datetime | None = None) -> dict[str, tuple[int, int]]:
    """Country code -> (published institutions, of which verified within the
    last 12 months): one grouped query."""
    since = (now or utcnow()) - ACTIVE_WITHIN
    recent = case((Institution.last_verified >= since, 1), else_=0)
    rows = db.session.execute(
        select(Institution.country_code, func.count(), func.sum(recent))
        .where(Institution.status == "published")
        .group_by(Institution.country_code)
    )
    return {code: (total, int(verified or 0)) for code, total, verified in rows}
