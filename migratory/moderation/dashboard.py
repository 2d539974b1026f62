"""What the secretariat watches: status, freshness, gaps and likely duplicates."""

import heapq
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
from migratory.inventory.queries import all_countries
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


def freshness(institution: Institution) -> str:
    """The entry's state: stale (not confirmed, or added and never confirmed,
    for the configured time), unconfirmed (added since, never confirmed) or
    fresh (confirmed since). The dashboard counts by the same rule."""
    if is_stale(institution):
        return "stale"
    return "fresh" if institution.last_verified else "unconfirmed"


def counts_by_status() -> dict[str, int]:
    rows = db.session.execute(
        select(Institution.status, func.count()).group_by(Institution.status)
    )
    return dict(rows.all())


@dataclass
class CountryFreshness:
    """One row of the dashboard's table of countries."""

    country: Country
    fresh: int
    stale: int
    focal_points: int
    unconfirmed: int = 0
    drafts: int = 0
    archived: int = 0


def freshness_by_country() -> list[CountryFreshness]:
    """Per country: fresh, stale and never confirmed published entries (as
    `freshness` says), drafts, archived entries and its focal points (one
    grouped query each)."""
    cutoff = stale_before()
    stale = func.sum(func.cast(_last_confirmed() < cutoff, db.Integer))
    unconfirmed = func.sum(
        func.cast(
            Institution.last_verified.is_(None) & (Institution.created >= cutoff),
            db.Integer,
        )
    )
    rows = db.session.execute(
        select(
            Institution.country_code,
            Institution.status,
            func.count(),
            stale,
            unconfirmed,
        ).group_by(Institution.country_code, Institution.status)
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for code, status, total, old, new in rows:
        counts[code][status] = total
        if status == "published":
            counts[code]["stale"] = int(old or 0)
            counts[code]["unconfirmed"] = int(new or 0)
    focal = dict(
        db.session.execute(
            select(User.country_code, func.count())
            .where(User.role == "focal_point", User.active.is_(True))
            .group_by(User.country_code)
        ).all()
    )
    rows = []
    for country in all_countries():  # by name in the reader's language
        by_status = counts.get(country.iso2, {})
        stale_count = by_status.get("stale", 0)
        unconfirmed_count = by_status.get("unconfirmed", 0)
        rows.append(
            CountryFreshness(
                country,
                fresh=by_status.get("published", 0) - stale_count - unconfirmed_count,
                stale=stale_count,
                unconfirmed=unconfirmed_count,
                focal_points=focal.get(country.iso2, 0),
                drafts=by_status.get("draft", 0),
                archived=by_status.get("archived", 0),
            )
        )
    return rows


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
    """Two entries that may describe one body, and why."""

    first: Institution
    second: Institution
    reason: str
    score: int


# Rows of the name matrix compared at once: bounds memory for large countries.
DUPLICATE_BLOCK = 1000
# Best name pairs kept per country; dismissed pairs are filtered out after.
PAIRS_PER_COUNTRY = 500
CACHE_KEY = "migratory.duplicate_names"
PARALLEL_FROM = 1000  # names in a country from which rapidfuzz uses every core


def likely_duplicates(limit: int = 100) -> list[DuplicatePair]:
    """Published pairs in one country with similar names or the same web host.

    Name matching is quadratic in a country's entries, so each country's
    pairs are kept per process and recomputed only when that country's
    published entries change (their count, versions, ids or times differ).
    """
    scores = {(a, b): ("similar names", score) for a, b, score in _name_pairs()}
    _same_hosts(scores)
    dismissed = set(
        db.session.execute(
            select(DismissedDuplicate.first_id, DismissedDuplicate.second_id)
        ).all()
    )
    # Best first; equal scores by id, so that the same pairs are shown each time.
    found = sorted(
        (item for item in scores.items() if item[0] not in dismissed),
        key=lambda item: (-item[1][1], item[0]),
    )
    return _load_pairs(found[:limit])


def _name_pairs() -> list[tuple[int, int, int]]:
    """(first id, second id, score) of similar names, country by country."""
    cache = current_app.extensions.setdefault(CACHE_KEY, {})
    published = Institution.status == "published"
    prints = {
        code: tuple(fingerprint)
        for code, *fingerprint in db.session.execute(
            select(
                Institution.country_code,
                func.count(),
                func.sum(Institution.version),
                func.max(Institution.id),
                func.max(Institution.updated),
            )
            .where(published)
            .group_by(Institution.country_code)
        )
    }
    for code in set(cache) - set(prints):
        cache.pop(code, None)  # another request may have dropped it already
    stale = [
        code for code, print_ in prints.items() if cache.get(code, [None])[0] != print_
    ]
    for code, rows in _names_of(stale).items():
        cache[code] = (prints[code], _similar_names(rows))
    return [pair for code in prints for pair in cache[code][1]]


def _names_of(countries: list[str]) -> dict[str, list]:
    """(id, name key) of the published entries of these countries, in one query."""
    if not countries:
        return {}
    rows = db.session.execute(
        select(Institution.country_code, Institution.id, Institution.name_key)
        .where(Institution.status == "published")
        .where(Institution.country_code.in_(countries))
        .order_by(Institution.id)
    )
    grouped: dict[str, list] = {code: [] for code in countries}
    for code, ident, name_key in rows:
        grouped[code].append((ident, name_key))
    return grouped


def _similar_names(rows: list[tuple[int, str]]) -> list[tuple[int, int, int]]:
    """The best pairs of similar names among one country's published entries."""
    ids, keys = [r[0] for r in rows], [r[1] for r in rows]
    pairs = []
    for start in range(0, len(keys), DUPLICATE_BLOCK):
        block = cdist(
            keys[start : start + DUPLICATE_BLOCK],
            keys,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=NAME_SIMILARITY,
            # Threads pay off only on large matrices; small ones run inline.
            workers=-1 if len(keys) > PARALLEL_FROM else 1,
        )
        for a, b in zip(*block.nonzero(), strict=True):
            if start + a < b:
                pairs.append((ids[start + a], ids[b], int(block[a][b])))
    return heapq.nlargest(PAIRS_PER_COUNTRY, pairs, key=lambda pair: pair[2])


def _load_pairs(found: list) -> list[DuplicatePair]:
    """These pairs as entries, best first, then by name."""
    ids = {ident for (pair, _) in found for ident in pair}
    entries = {
        i.id: i
        for i in db.session.scalars(select(Institution).where(Institution.id.in_(ids)))
    }
    pairs = [
        DuplicatePair(entries[a], entries[b], reason, score)
        for (a, b), (reason, score) in found
    ]
    pairs.sort(key=lambda p: (-p.score, p.first.name_key))
    return pairs


def _same_hosts(scores: dict) -> None:
    """Pairs of published entries with the same website (host and path)."""
    rows = db.session.execute(
        select(Institution.id, Institution.website_key)
        .where(Institution.status == "published", Institution.website_key.is_not(None))
        .order_by(Institution.id)
    )
    by_host = defaultdict(list)
    for ident, key in rows:
        if key:  # the whole key: bodies under paths of one portal stay distinct
            by_host[key].append(ident)
    for group in by_host.values():
        for index, first in enumerate(group):
            for second in group[index + 1 :]:
                scores.setdefault((first, second), ("same website", 100))
