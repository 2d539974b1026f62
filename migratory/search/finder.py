"""One way to find institutions: the list page, the API, the map and the exports.

The filters choose the way once, here: near a place (nearest first, words and
facets narrowing the circle), words to search (best first, with snippets and
facet counts), or the facets alone (a sorted list). Every consumer then sees
the same institutions for the same filters.
"""

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from itertools import islice

from markupsafe import Markup

from migratory.core.i18n import current_language
from migratory.geo.features import point_features
from migratory.geo.nearby import DEFAULT_RADIUS_KM, Place, geodesic_km, resolve_place
from migratory.inventory.located import (
    country_names,
    distances_near,
    located_rows,
    published_state,
)
from migratory.inventory.models import Institution
from migratory.inventory.queries import (
    filter_values,
    institutions_in_order,
    iter_institutions,
    list_institutions,
)
from migratory.search.querying import has_search_words
from migratory.search.services import SearchPage, matching_ids, search_institutions

FACET_KEYS = ("country", "region", "category", "topic", "role")


@dataclass(frozen=True)
class InstitutionFilters:
    """What a reader asked for: words, a place and radius, facet values (any
    of one facet's values, all facets) and an order."""

    q: str | None = None
    near: str | None = None
    radius_km: float | None = None
    country: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    role: tuple[str, ...] = ()
    sort: str | None = None

    @classmethod
    def from_mapping(cls, filters: Mapping) -> "InstitutionFilters":
        """From parsed query-string filters (page and page size left out)."""
        values = {key: tuple(filter_values(filters.get(key))) for key in FACET_KEYS}
        return cls(
            q=filters.get("q") or None,
            near=filters.get("near") or None,
            radius_km=filters.get("radius_km") or None,
            sort=filters.get("sort") or None,
            **values,
        )

    @property
    def has_words(self) -> bool:
        """True if `q` holds words to search for."""
        return has_search_words(self.q)

    @property
    def radius(self) -> float:
        """The radius around `near`, in km."""
        return self.radius_km or DEFAULT_RADIUS_KM

    def without_near(self) -> "InstitutionFilters":
        """The same filters without the place."""
        return replace(self, near=None)

    def as_dict(self) -> dict:
        """The non-empty filters as the inventory queries and the search read
        them (facets as lists)."""
        found = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value:
                found[item.name] = list(value) if isinstance(value, tuple) else value
        return found

    def cache_key(self) -> str:
        """A stable text of these filters."""
        return repr(sorted(self.as_dict().items()))


@dataclass
class FoundPage:
    """One page of what the filters find, in the order shown.

    `snippets` (HTML, with words) and `distances_km` (geodesic, with a place)
    run beside `institutions`; `search` holds facet counts, a suggestion and
    whether only some words matched; `place` and `radius_km` the circle.
    """

    institutions: list[Institution]
    total: int
    page: int
    per_page: int
    snippets: list[Markup | None] = field(default_factory=list)
    distances_km: list[float | None] = field(default_factory=list)
    search: SearchPage | None = None
    place: Place | None = None
    radius_km: float | None = None

    def __post_init__(self) -> None:
        self.snippets = self.snippets or [None] * len(self.institutions)
        self.distances_km = self.distances_km or [None] * len(self.institutions)

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        """True if a later page holds more."""
        return self.page < self.pages

    @property
    def rows(self) -> list[tuple[Institution, Markup | None, float | None]]:
        """(institution, snippet, km) of each result, as the list page shows it."""
        return list(
            zip(self.institutions, self.snippets, self.distances_km, strict=True)
        )


def find_institutions(
    filters: InstitutionFilters, *, page: int = 1, per_page: int = 25
) -> FoundPage:
    """One page of the published institutions the filters find: nearest first
    with `near` (ValidationFailed for an unknown place), best first with words,
    else sorted as asked. Only the page's institutions are loaded."""
    if filters.near:
        return _near_page(filters, page, per_page)
    if filters.has_words:
        return _search_page(filters, page, per_page)
    listed = list_institutions(filters.as_dict(), page=page, per_page=per_page)
    return FoundPage(list(listed.items), listed.total, page, per_page)


def iter_found(
    filters: InstitutionFilters, limit: int | None = None
) -> Iterator[Institution]:
    """All the published institutions the filters find (at most `limit`), in
    the order of `find_institutions` (a plain list by name), for downloads."""
    ids = found_ids(filters)
    if ids is None:
        found = iter_institutions(filters.as_dict())
    else:
        found = institutions_in_order(ids[:limit] if limit else ids)
    return islice(found, limit)


def found_ids(filters: InstitutionFilters) -> list[int] | None:
    """Ids of what the filters find, nearest or best first; None when the
    facets alone decide (no place, no words)."""
    if filters.near:
        return [ident for ident, _km in _near(filters)[1]]
    if filters.has_words:
        return matching_ids(filters.q, filters.as_dict())
    return None


def resolve_near(text: str) -> Place:
    """The place named by a `near` filter; ValidationFailed if unknown."""
    return resolve_place(text, country_names())


def institution_features(filters: InstitutionFilters) -> dict:
    """GeoJSON FeatureCollection of the published institutions with coordinates
    that the filters find, by name.

    Only public fields: name (in the reader's language where recorded),
    name_en, slug, category, city and country.
    """
    language = current_language()
    rows = located_rows(filters.as_dict(), found_ids(filters), language)
    return point_features(rows)


def features_etag(filters: InstitutionFilters) -> str:
    """An ETag for `institution_features(filters)` without building it.

    The features change only when a published institution does, and then
    the count, the sum of versions, the largest id or the latest update
    moves; one small aggregate query answers a revalidation.
    """
    key = repr((published_state(), current_language(), filters.cache_key()))
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def _near(filters: InstitutionFilters) -> tuple[Place, list[tuple[int, float]]]:
    """The place of a `near` filter and (id, km) of what lies within the
    radius, nearest first; words, if any, narrow it."""
    place = resolve_near(filters.near)
    ids = None
    if filters.has_words:
        ids = matching_ids(filters.q, filters.as_dict())
    return place, distances_near(place, filters.radius, filters.as_dict(), ids)


def _near_page(filters: InstitutionFilters, page: int, per_page: int) -> FoundPage:
    """A page of the institutions near a place, with geodesic distances."""
    place, near = _near(filters)
    start = (page - 1) * per_page
    shown = list(institutions_in_order([i for i, _ in near[start : start + per_page]]))
    return FoundPage(
        shown,
        len(near),
        page,
        per_page,
        distances_km=[geodesic_km(place, i.latitude, i.longitude) for i in shown],
        place=place,
        radius_km=filters.radius,
    )


def _search_page(filters: InstitutionFilters, page: int, per_page: int) -> FoundPage:
    """A page of search results, best first, with snippets and facet counts."""
    found = search_institutions(
        filters.q, {**filters.as_dict(), "page": page, "per_page": per_page}
    )
    return FoundPage(
        [hit.institution for hit in found.hits],
        found.total,
        found.page,
        found.per_page,
        snippets=[hit.snippet for hit in found.hits],
        search=found,
    )
