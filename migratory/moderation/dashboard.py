"""What the secretariat watches: status, freshness, gaps and likely duplicates."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from rapidfuzz import fuzz
from rapidfuzz.process import cdist
from sqlalchemy import func, or_, select

from migratory.accounts.models import User
from migratory.core.models import utcnow
from migratory.extensions import db
from migratory.inventory.models import Country, Institution, InstitutionTopic
from migratory.moderation.models import DismissedDuplicate

NAME_SIMILARITY = 88  # rapidfuzz token_sort_ratio, 0-100


def stale_before():
    """Entries last confirmed (or created) before this moment are stale."""
    return utcnow() - timedelta(days=current_app.config["STALE_AFTER_DAYS"])


def _last_confirmed():
    return func.coalesce(Institution.last_verified, Institution.created)


def is_stale(institution: Institution) -> bool:
    """True if the entry has not been confirmed for the configured time."""
    return (institution.last_verified or institution.created) < stale_before()


def counts_by_status() -> dict[str, int]:
    rows = db.session.execute(
        select(Institution.status, func.count()).group_by(Institution.status)
    )
    return dict(rows.all())


@dataclass
class CountryFreshness:
    country: Country
    fresh: int
    stale: int
    focal_points: int


def freshness_by_country() -> list[CountryFreshness]:
    """Per country: fresh and stale published entries, and its focal points."""
    cutoff = stale_before()
    stale = func.sum(func.cast(_last_confirmed() < cutoff, db.Integer))
    rows = db.session.execute(
        select(Institution.country_code, func.count(), stale)
        .where(Institution.status == "published")
        .group_by(Institution.country_code)
    )
    counts = {code: (total, int(old or 0)) for code, total, old in rows}
    focal = dict(
        db.session.execute(
            select(User.country_code, func.count())
            .where(User.role == "focal_point", User.active.is_(True))
            .group_by(User.country_code)
        ).all()
    )
    return [
        CountryFreshness(
            country,
            counts.get(country.iso2, (0, 0))[0] - counts.get(country.iso2, (0, 0))[1],
            counts.get(country.iso2, (0, 0))[1],
            focal.get(country.iso2, 0),
        )
        for country in db.session.scalars(select(Country).order_by(Country.name_en))
    ]


def stale_institutions(limit: int = 200, institutions=None) -> list[Institution]:
    """Published entries not confirmed for the configured time, oldest first."""
    query = (
        select(Institution)
        .where(Institution.status == "published", _last_confirmed() < stale_before())
        .order_by(_last_confirmed(), Institution.id)
        .limit(limit)
    )
    if institutions is not None:
        query = query.where(Institution.id.in_([i.id for i in institutions]))
    return list(db.session.scalars(query))


def incomplete_institutions(limit: int = 100) -> dict[str, list[Institution]]:
    """Published entries lacking a website, coordinates, topics or a summary."""
    no_topics = (
        ~select(InstitutionTopic.institution_id)
        .where(InstitutionTopic.institution_id == Institution.id)
        .exists()
    )
    gaps = {
        "website": Institution.website.is_(None),
        "coordinates": Institution.latitude.is_(None),
        "topics": no_topics,
        "summary": or_(Institution.summary.is_(None), Institution.summary == ""),
    }
    return {
        gap: list(
            db.session.scalars(
                select(Institution)
                .where(Institution.status == "published", condition)
                .order_by(Institution.country_code, Institution.name_key)
                .limit(limit)
            )
        )
        for gap, condition in gaps.items()
    }


@dataclass
class DuplicatePair:
    first: Institution
    second: Institution
    reason: str
    score: int


def likely_duplicates(limit: int = 100) -> list[DuplicatePair]:
    """Published pairs in one country with similar names or the same web host."""
    rows = list(
        db.session.scalars(
            select(Institution)
            .where(Institution.status == "published")
            .order_by(Institution.id)
        )
    )
    dismissed = set(
        db.session.execute(
            select(DismissedDuplicate.first_id, DismissedDuplicate.second_id)
        ).all()
    )
    pairs: dict[tuple[int, int], DuplicatePair] = {}
    by_country = defaultdict(list)
    for institution in rows:
        by_country[institution.country_code].append(institution)
    for group in by_country.values():
        _similar_names(group, pairs)
    _same_hosts(rows, pairs)
    found = [p for key, p in pairs.items() if key not in dismissed]
    found.sort(key=lambda p: (-p.score, p.first.name_key))
    return found[:limit]


def _similar_names(group: list[Institution], pairs: dict) -> None:
    if len(group) < 2:
        return
    keys = [i.name_key for i in group]
    scores = cdist(
        keys, keys, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_SIMILARITY
    )
    for a, b in zip(*scores.nonzero(), strict=True):
        if a < b:
            first, second = group[a], group[b]
            pairs[(first.id, second.id)] = DuplicatePair(
                first, second, "similar names", int(scores[a][b])
            )


def _same_hosts(rows: list[Institution], pairs: dict) -> None:
    by_host = defaultdict(list)
    for institution in rows:
        if institution.website_key:
            # The whole key: bodies under paths of one portal stay distinct.
            by_host[institution.website_key].append(institution)
    for group in by_host.values():
        for index, first in enumerate(group):
            for second in group[index + 1 :]:
                key = (first.id, second.id)
                if key not in pairs:
                    pairs[key] = DuplicatePair(first, second, "same website", 100)
