"""Focal points of the countries: who they are, when they were last active,
and the gaps of each country's network (no producer, no user, nobody active).

Every function here reads a fixed number of queries, whether it is asked
about one country or all of them.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from migratory.accounts.models import User, focal_point_institutions
from migratory.accounts.network_roles import NETWORK_ROLES, network_role_label
from migratory.core.audit import AuditEntry
from migratory.core.history import Revision
from migratory.core.models import utcnow
from migratory.extensions import db
from migratory.inventory.models import Institution

# A focal point who neither signed in nor changed or confirmed anything (an
# audited action, a revision) for this long is not active.
ACTIVE_WITHIN = timedelta(days=365)
GAPS = {
    "no_producer": _l("No producer focal point"),
    "no_user": _l("No user focal point"),
    "no_active": _l("No focal point active in the last 12 months"),
}
ROLE_ORDER = {role: place for place, role in enumerate(NETWORK_ROLES)}


@dataclass(frozen=True)
class LinkedInstitution:
    """A published institution a focal point keeps up to date."""

    slug: str
    name: str


@dataclass
class FocalPoint:
    """What the network pages show of a focal point (the e-mail address only
    to those who may see contact details)."""

    id: int
    country_code: str
    display_name: str
    position: str | None
    email: str
    network_role: str | None
    last_active: datetime | None = None
    institutions: list[LinkedInstitution] = field(default_factory=list)

    @property
    def network_role_label(self) -> str:
        return network_role_label(self.network_role)

    def is_active(self, now: datetime) -> bool:
        """Signed in, or changed or confirmed a record, within ACTIVE_WITHIN."""
        return self.last_active is not None and now - self.last_active <= ACTIVE_WITHIN


@dataclass(frozen=True)
class Gaps:
    """What a country's network lacks."""

    no_producer: bool
    no_user: bool
    no_active: bool

    def as_dict(self) -> dict[str, bool]:
        return {key: getattr(self, key) for key in GAPS}

    @property
    def count(self) -> int:
        return sum(self.as_dict().values())

    @property
    def labels(self) -> list[str]:
        """The translated names of the gaps there are."""
        return [str(label) for key, label in GAPS.items() if getattr(self, key)]


def gaps_of(focal_points: Iterable[FocalPoint], now: datetime | None = None) -> Gaps:
    """The gaps of a country whose focal points are `focal_points`."""
    now = now or utcnow()
    focal_points = list(focal_points)
    roles = {f.network_role for f in focal_points}
    return Gaps(
        no_producer="producer" not in roles,
        no_user="user" not in roles,
        no_active=not any(f.is_active(now) for f in focal_points),
    )


def _focal_point_ids(country_codes: Iterable[str] | None) -> Select:
    query = select(User.id).where(User.role == "focal_point", User.active.is_(True))
    if country_codes is not None:
        query = query.where(User.country_code.in_(list(country_codes)))
    return query


def last_activity(user_ids: Select) -> dict[int, datetime]:
    """The latest sign-in, audited action or revision of each user of
    `user_ids` (a SELECT of ids): three grouped queries."""
    latest: dict[int, datetime] = {}
    sources = (
        select(User.id, User.last_login).where(
            User.id.in_(user_ids), User.last_login.is_not(None)
        ),
        select(AuditEntry.actor_id, func.max(AuditEntry.created))
        .where(AuditEntry.actor_id.in_(user_ids))
        .group_by(AuditEntry.actor_id),
        select(Revision.author_id, func.max(Revision.created))
        .where(Revision.author_id.in_(user_ids))
        .group_by(Revision.author_id),
    )
    for query in sources:
        for user_id, at in db.session.execute(query):
            at = _aware(at)
            if at is not None and (user_id not in latest or at > latest[user_id]):
                latest[user_id] = at
    return latest


def _aware(value: datetime | None) -> datetime | None:
    """A time read from the database, as an aware UTC datetime."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def focal_points_by_country(
    country_codes: Iterable[str] | None = None,
) -> dict[str, list[FocalPoint]]:
    """The active accounts designated focal point of these countries (all
    countries by default), by country, each in network-role order then by
    name, with their published institutions and last activity."""
    ids = _focal_point_ids(country_codes)
    users = db.session.execute(
        select(
            User.id,
            User.country_code,
            User.name,
            User.position,
            User.email,
            User.network_role,
        ).where(User.id.in_(ids))
    ).all()
    institutions = _published_institutions(ids)
    activity = last_activity(ids)
    found: dict[str, list[FocalPoint]] = defaultdict(list)
    for ident, country, name, position, email, role in users:
        found[country].append(
            FocalPoint(
                id=ident,
                country_code=country,
                display_name=name or str(_l("Focal point")),
                position=position,
                email=email,
                network_role=role,
                last_active=activity.get(ident),
                institutions=institutions.get(ident, []),
            )
        )
    for points in found.values():
        points.sort(key=_role_then_name)
    return dict(found)


def _role_then_name(point: FocalPoint):
    return (
        ROLE_ORDER.get(point.network_role, len(ROLE_ORDER)),
        point.display_name.casefold(),
        point.id,
    )


def _published_institutions(user_ids: Select) -> dict[int, list[LinkedInstitution]]:
    """The published institutions linked to each of these users, by name."""
    rows = db.session.execute(
        select(
            focal_point_institutions.c.user_id,
            Institution.name_key,
            Institution.slug,
            Institution.name,
            Institution.status,
        )
        .join(Institution, Institution.id == focal_point_institutions.c.institution_id)
        .where(focal_point_institutions.c.user_id.in_(user_ids))
    )
    # Status and order are applied here, not in SQL: either makes SQLite walk
    # every institution by its status or name index (0.5 s at 20,000) instead
    # of starting from the few links of focal points.
    linked: dict[int, list[LinkedInstitution]] = defaultdict(list)
    for user_id, _key, slug, name, status in sorted(rows, key=lambda row: row[:2]):
        if status == "published":
            linked[user_id].append(LinkedInstitution(slug, name))
    return linked


@dataclass
class CountryNetwork:
    """A country's focal points and the gaps of its network."""

    country_code: str
    focal_points: list[FocalPoint]
    gaps: Gaps


def country_network(country_code: str, now: datetime | None = None) -> CountryNetwork:
    """The focal points of one country and its gaps (for its page)."""
    points = focal_points_by_country([country_code]).get(country_code, [])
    return CountryNetwork(country_code, points, gaps_of(points, now))
