"""Read-side queries of the inventory: filtered lists, counts, recent entries."""

from flask_babel import gettext as _
from sqlalchemy import Select, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from migratory.core.collation import collation_key, sorted_by_name
from migratory.core.errors import NotFound
from migratory.core.i18n import current_language
from migratory.extensions import db
from migratory.inventory.caching import Place, cached_reference
from migratory.inventory.models import (
    Country,
    Institution,
    InstitutionTopic,
    Region,
    country_regions,
)
from migratory.inventory.ordering import sort_terms


def filter_values(value) -> list:
    """A filter's values: none, one, or several (any of which may match)."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def filtered_select(filters: dict, *, status: str = "published") -> Select:
    """SELECT of institutions matching the list filters (all combinable; the
    values of one filter are alternatives).

    Words (`q`) are the search backend's business, not this query's.
    """
    query = select(Institution).join(Institution.country)
    if status:
        query = query.where(Institution.status == status)
    if countries := filter_values(filters.get("country")):
        query = query.where(Institution.country_code.in_(countries))
    if regions := filter_values(filters.get("region")):
        in_region = (
            select(country_regions.c.country_code)
            .join(Region, Region.id == country_regions.c.region_id)
            .where(Region.slug.in_(regions))
        )
        query = query.where(Institution.country_code.in_(in_region))
    if categories := filter_values(filters.get("category")):
        query = query.where(Institution.category.in_(categories))
    if topics := filter_values(filters.get("topic")):
        query = query.where(
            exists().where(
                InstitutionTopic.institution_id == Institution.id,
                InstitutionTopic.topic.in_(topics),
            )
        )
    roles = set(filter_values(filters.get("role")))
    if roles:
        wanted = []
        if "producer" in roles:
            wanted.append(Institution.is_producer.is_(True))
        if "user" in roles:
            wanted.append(Institution.is_user.is_(True))
        query = query.where(or_(*wanted)) if wanted else query.where(false())
    return query


def list_institutions(filters: dict, *, page: int = 1, per_page: int = 25):
    """A page of published institutions matching `filters`, sorted as asked."""
    query = filtered_select(filters).order_by(
        *sort_terms(filters.get("sort")), Institution.id
    )
    # Loaded with the page, never one query per row (the API shows contacts).
    query = query.options(
        selectinload(Institution.topic_links),
        selectinload(Institution.names),
        selectinload(Institution.contacts),
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def institutions_in_order(ids: list[int], *, batch: int = 1000):
    """The published institutions among `ids`, in that order (names, topics
    and contacts loaded with them), read `batch` at a time."""
    for start in range(0, len(ids), batch):
        wanted = ids[start : start + batch]
        loaded = {
            i.id: i
            for i in db.session.scalars(
                select(Institution)
                # The search index may lag behind an archiving: the database decides.
                .where(Institution.id.in_(wanted), Institution.status == "published")
                .options(
                    selectinload(Institution.topic_links),
                    selectinload(Institution.names),
                    selectinload(Institution.contacts),
                )
            )
        }
        yield from (loaded[ident] for ident in wanted if ident in loaded)


def iter_institutions(filters: dict, *, batch: int = 1000):
    """All published institutions matching `filters`, streamed in name order."""
    query = (
        filtered_select(filters)
        .order_by(Institution.name_key, Institution.id)
        .options(selectinload(Institution.topic_links), selectinload(Institution.names))
        .execution_options(yield_per=batch)
    )
    yield from db.session.scalars(query)


def counts_by_category(filters: dict | None = None) -> dict[str, int]:
    """Number of published institutions per category."""
    rows = db.session.execute(
        filtered_select(filters or {})
        .with_only_columns(Institution.category, func.count())
        .group_by(Institution.category)
    )
    return dict(rows.all())


def counts_by_region() -> list[tuple[Region, int]]:
    """Published institutions per region, largest groupings first."""
    rows = db.session.execute(
        select(Region, func.count(Institution.id))
        .join(country_regions, country_regions.c.region_id == Region.id)
        .join(Institution, Institution.country_code == country_regions.c.country_code)
        .where(Institution.status == "published")
        .group_by(Region.id)
        .order_by(func.count(Institution.id).desc(), Region.name_en)
    )
    return [(region, count) for region, count in rows]


def recently_updated(limit: int = 8) -> list[Institution]:
    """The most recently changed published institutions."""
    query = (
        select(Institution)
        .where(Institution.status == "published")
        .order_by(Institution.updated.desc(), Institution.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def all_countries() -> list[Country]:
    """Countries by their name in the reader's language."""
    return sorted_by_name(
        db.session.scalars(select(Country)), language=current_language()
    )


def all_regions() -> list[Region]:
    """Regions, groupings first, then M49 regions and sub-regions, by name."""
    return _by_kind_and_name(db.session.scalars(select(Region)))


def _by_kind_and_name(regions) -> list:
    """Groupings first, then M49 regions and sub-regions, each by displayed name."""
    language = current_language()
    return sorted(regions, key=lambda r: (r.kind, collation_key(r.name, language)))


def country_options() -> list[Place]:
    """Countries as plain rows (code and names), cached while the data stands."""
    places = cached_reference(
        "countries",
        lambda: [Place(c.iso2, c.name_en, c.name_ru) for c in all_countries()],
    )
    return sorted_by_name(places, language=current_language())


def region_members() -> dict[str, frozenset[str]]:
    """Country codes of each region, by slug, cached while the data stands."""

    def build():
        members: dict[str, set[str]] = {}
        rows = db.session.execute(
            select(Region.slug, country_regions.c.country_code).join(
                country_regions, country_regions.c.region_id == Region.id
            )
        )
        for slug, code in rows:
            members.setdefault(slug, set()).add(code)
        return {slug: frozenset(codes) for slug, codes in members.items()}

    return cached_reference("region_members", build)


def region_options() -> list[Place]:
    """Regions as plain rows, groupings first, cached while the data stands."""
    return _by_kind_and_name(
        cached_reference(
            "regions",
            lambda: [
                Place(r.slug, r.name_en, r.name_ru, r.kind) for r in all_regions()
            ],
        )
    )


def get_country(iso2: str) -> Country:
    """The country with this alpha-2 code, or NotFound."""
    country = db.session.get(Country, iso2.upper()) if len(iso2) == 2 else None
    if country is None:
        raise NotFound(_("No such country."))
    return country


def get_region(slug: str) -> Region:
    """The region with this slug, or NotFound."""
    region = db.session.scalar(select(Region).where(Region.slug == slug))
    if region is None:
        raise NotFound(_("No such region."))
    return region


def institutions_by_category(filters: dict) -> dict[str, list[Institution]]:
    """Published institutions matching `filters`, grouped by category."""
    grouped: dict[str, list[Institution]] = {}
    query = filtered_select(filters).order_by(
        Institution.category, Institution.name_key
    )
    for institution in db.session.scalars(query):
        grouped.setdefault(institution.category, []).append(institution)
    return grouped


def total_published() -> int:
    """Number of published institutions."""
    return db.session.scalar(
        select(func.count())
        .select_from(Institution)
        .where(Institution.status == "published")
    )
