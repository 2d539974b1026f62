"""Search services: queries, suggestions, and keeping the index in step."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from migratory.extensions import db
from migratory.inventory.facets import region_counts
from migratory.inventory.models import Institution
from migratory.inventory.queries import (
    country_options,
    filter_values,
    region_members,
    region_options,
)
from migratory.inventory.vocab import CATEGORIES, TOPICS
from migratory.search.base import SearchBackend, SearchQuery
from migratory.search.concepts import build_concepts
from migratory.search.factory import get_backend
from migratory.search.indexing import (  # noqa: F401  (callers import them here)
    IndexCheck,
    check_index,
    rebuild_index,
    reindex,
)
from migratory.search.querying import (
    Corrector,
    ParsedQuery,
    did_you_mean,
    parse_query,
)
from migratory.search.snippets import make_snippet

logger = logging.getLogger(__name__)
INSTITUTION = "institution"  # the document kind these services search


@dataclass
class SearchHit:
    """One result: the institution, its score and a highlighted snippet."""

    institution: Institution
    score: float
    snippet: Markup


@dataclass
class SearchPage:
    """A page of search results with facets and, if nothing matched, a hint."""

    query: str
    total: int
    page: int
    per_page: int
    hits: list[SearchHit]
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    partial: bool = False  # no entry had every word; these have some

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


_correctors: dict[int, Corrector] = {}


def _concepts() -> tuple[dict, list[str]]:
    """Country, region, topic and category words, built once per application."""
    if "search_concepts" not in current_app.extensions:
        current_app.extensions["search_concepts"] = build_concepts()
    return current_app.extensions["search_concepts"]


def _corrector(backend: SearchBackend) -> Corrector:
    """Corrections from the index's words and the concept words."""
    vocabulary = backend.vocabulary()
    key = id(vocabulary)
    if key not in _correctors:
        _correctors.clear()
        _correctors[key] = Corrector(sorted(set(vocabulary) | set(_concepts()[1])))
    return _correctors[key]


def parse_search(text: str, backend: SearchBackend) -> ParsedQuery:
    """`text` as clauses, with typo corrections and country/topic words."""
    return parse_query(text, _corrector(backend), _concepts()[0])


def run_with_fallback(backend: SearchBackend, query: SearchQuery):
    """The backend's result; with no entry matching every word, entries
    matching any word (the result, and whether it is that fallback)."""
    result = backend.query(query)
    if result.total == 0 and len(query.clauses) > 1:
        query.match_all = False
        result = backend.query(query)
        return result, result.total > 0
    return result, False


def _run_query(text: str, filters: dict, *, page: int, per_page: int):
    """Parse `text`, query the backend, and retry with any word if all fail."""
    backend = get_backend()
    parsed = parse_search(text, backend)
    query = SearchQuery(
        kind=INSTITUTION,
        clauses=parsed.clauses,
        country=filters.get("country"),
        countries=_region_countries(filter_values(filters.get("region"))),
        category=filters.get("category"),
        topic=filters.get("topic"),
        role=filters.get("role"),
        sort=filters.get("sort") or "relevance",
        page=page,
        per_page=per_page,
    )
    result, partial = run_with_fallback(backend, query)
    return parsed, query, result, partial


def search_institutions(text: str, filters: dict) -> SearchPage:
    """Ranked published institutions matching `text` and the list filters."""
    parsed, query, result, partial = _run_query(
        text,
        filters,
        page=filters.get("page") or 1,
        per_page=filters.get("per_page") or current_app.config["PER_PAGE"],
    )
    query_terms = {term for clause in parsed.clauses for term, _ in clause.terms}
    return SearchPage(
        query=text,
        total=result.total,
        page=query.page,
        per_page=query.per_page,
        hits=_hits(result.ids, result.scores, query_terms),
        facets=_labelled_facets(result.facets),
        suggestion=did_you_mean(parsed) if result.total == 0 else None,
        partial=partial,
    )


def matching_ids(text: str, filters: dict, limit: int = 100_000) -> list[int]:
    """Ids of the published institutions that `text` and the filters find,
    best first (for the map and the radius search, which need no snippets)."""
    _, _, result, _ = _run_query(text, filters, page=1, per_page=limit)
    return list(result.ids)


def _hits(
    ids: list[int], scores: list[float], query_terms: set[str]
) -> list[SearchHit]:
    """Institutions loaded from the database, in the ranked order."""
    found = {
        i.id: i
        for i in db.session.scalars(
            select(Institution)
            # The index may lag behind an archiving: the database decides.
            .where(Institution.id.in_(ids), Institution.status == "published")
            .options(
                selectinload(Institution.names), selectinload(Institution.topic_links)
            )
        )
    }
    hits = []
    for ident, score in zip(ids, scores, strict=True):
        if ident in found:  # an entry unpublished since it was indexed is skipped
            institution = found[ident]
            snippet = make_snippet(institution.summary, query_terms)
            hits.append(SearchHit(institution, score, snippet))
    return hits


def _region_countries(slugs: list[str]) -> list[str] | None:
    """Countries of any of the regions `slugs`, or None without a region."""
    if not slugs:
        return None
    members = region_members()
    return sorted(set().union(*(members.get(slug, ()) for slug in slugs)))


def _labelled_facets(facets: dict) -> dict[str, list[tuple[str, str, int]]]:
    """Facet values with labels, largest first; regions derived from countries."""
    by_country = facets.get("country", {})
    country_names = {c.code: c.name for c in country_options()}
    region_names = {r.code: r.name for r in region_options()}

    def ordered(counts: dict, labels: Callable[[str], str]):
        items = [(k, str(labels(k)), n) for k, n in counts.items() if n]
        return sorted(items, key=lambda item: (-item[2], item[1]))

    return {
        "category": ordered(facets.get("category", {}), lambda k: CATEGORIES[k]),
        "country": ordered(by_country, lambda k: country_names.get(k, k)),
        "region": ordered(region_counts(by_country), region_names.__getitem__),
        "topic": ordered(facets.get("topic", {}), lambda k: TOPICS[k]),
    }


def suggest_institutions(prefix: str, limit: int = 10) -> list[Institution]:
    """Institutions whose name or acronym has a word starting with `prefix`."""
    words = parse_query(prefix).words
    if not words:
        return []
    ids = get_backend().suggest(" ".join(words), limit=limit, kind=INSTITUTION)
    found = {
        i.id: i
        for i in db.session.scalars(
            select(Institution).where(
                Institution.id.in_(ids), Institution.status == "published"
            )
        )
    }
    return [found[i] for i in ids if i in found]
