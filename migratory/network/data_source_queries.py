"""Finding published data sources: one use case for the list page, its
exports and the API (filters country, region, type and words)."""

from dataclasses import dataclass, field
from math import ceil

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from migratory.extensions import db
from migratory.inventory.models import Institution, Region, country_regions
from migratory.network.data_source_search import DATA_SOURCES
from migratory.network.models import DataSource
from migratory.network.permissions import public_data_sources
from migratory.network.vocab import FLOWS
from migratory.search.kind_search import matching_kind_ids

# Words are matched by the search index; this many best matches at most.
WORD_MATCHES = 5000


@dataclass
class DataSourcePage:
    """One page of data sources found, with the total and whether the words
    matched only in part (no data source had every word)."""

    rows: list[DataSource]
    total: int
    page: int
    per_page: int
    partial: bool = False
    words: str = ""
    filters: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _filtered(filters: dict) -> Select:
    """Public data sources (published, of a published institution) matching
    the country, region and type filters."""
    query = select(DataSource).where(public_data_sources())
    if filters.get("country"):
        query = query.where(DataSource.country_code == filters["country"])
    if filters.get("region"):
        members = (
            select(country_regions.c.country_code)
            .join(Region, Region.id == country_regions.c.region_id)
            .where(Region.slug == filters["region"])
        )
        query = query.where(DataSource.country_code.in_(members))
    if filters.get("type"):
        query = query.where(DataSource.source_type == filters["type"])
    return query


def _with_institutions(query: Select) -> Select:
    """Load the producing institutions and their names with the rows (the
    names show in every language but English: one query, not one a row)."""
    return query.options(
        selectinload(DataSource.institution).selectinload(Institution.names)
    )


def _matching_ids(words: str) -> tuple[list[int], bool]:
    """Ids of the data sources the words find, best first, and whether the
    match is partial."""
    return matching_kind_ids(DATA_SOURCES.name, words, WORD_MATCHES)


def find_data_sources(filters: dict, *, page: int = 1, per_page: int = 25):
    """A page of the published data sources the filters find: by name, or
    by relevance when `q` has words."""
    words = (filters.get("q") or "").strip()
    query = _filtered(filters)
    if not words:
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = db.session.scalars(
            _with_institutions(query)
            .order_by(DataSource.name, DataSource.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        return DataSourcePage(list(rows), total, page, per_page, filters=filters)
    ranked, partial = _matching_ids(words)
    of_ranked = query.with_only_columns(DataSource.id).where(DataSource.id.in_(ranked))
    matching = set(db.session.scalars(of_ranked))
    ids = [i for i in ranked if i in matching]
    shown = ids[(page - 1) * per_page : page * per_page]
    loaded = {
        s.id: s
        for s in db.session.scalars(
            _with_institutions(query).where(DataSource.id.in_(shown))
        )
    }
    rows = [loaded[i] for i in shown if i in loaded]
    return DataSourcePage(rows, len(ids), page, per_page, partial, words, filters)


def all_found(filters: dict, limit: int = 100_000) -> list[DataSource]:
    """Every data source the filters find, in the list's order (exports)."""
    found = find_data_sources(filters, page=1, per_page=limit)
    return found.rows


def data_sources_of_institution(institution_id: int) -> list[DataSource]:
    """The published data sources an institution produces, by type and name."""
    query = (
        _with_institutions(select(DataSource))
        .where(DataSource.institution_id == institution_id, public_data_sources())
        .order_by(DataSource.source_type, DataSource.name)
    )
    return list(db.session.scalars(query))


def data_sources_by_type(country_code: str) -> dict[str, list[DataSource]]:
    """A country's published data sources grouped by type, in the
    vocabulary's order."""
    grouped: dict[str, list[DataSource]] = {}
    query = _with_institutions(_filtered({"country": country_code}))
    query = query.order_by(DataSource.name)
    for data_source in db.session.scalars(query):
        grouped.setdefault(data_source.source_type, []).append(data_source)
    return {t: grouped[t] for t in FLOWS if t in grouped}
