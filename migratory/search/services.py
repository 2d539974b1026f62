"""Search services: queries, suggestions, and keeping the index in step."""

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from migratory.extensions import db
from migratory.inventory.facets import region_counts
from migratory.inventory.models import Institution
from migratory.inventory.queries import (
    country_options,
    filter_values,
    iter_institutions,
    region_members,
    region_options,
)
from migratory.inventory.vocab import CATEGORIES, TOPICS
from migratory.search.base import SearchBackend, SearchQuery
from migratory.search.concepts import build_concepts
from migratory.search.documents import institution_document, load_documents
from migratory.search.querying import (
    Corrector,
    did_you_mean,
    has_search_words,
    parse_query,
)
from migratory.search.snippets import make_snippet

logger = logging.getLogger(__name__)
BATCH = 2000


def get_backend() -> SearchBackend:
    """The search backend of the current application."""
    return current_app.extensions["search"]


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


def _run_query(text: str, filters: dict, *, page: int, per_page: int):
    """Parse `text`, query the backend, and retry with any word if all fail."""
    backend = get_backend()
    parsed = parse_query(text, _corrector(backend), _concepts()[0])
    query = SearchQuery(
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
    result = backend.query(query)
    partial = False
    if result.total == 0 and len(parsed.clauses) > 1:
        query.match_all = False
        result = backend.query(query)
        partial = result.total > 0
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


def institutions_found(filters: dict, limit: int = 100_000) -> Iterable[Institution]:
    """All institutions a reader found: searched (best first) when `q` has words,
    else the filtered list in name order. Exports use it."""
    if not has_search_words(filters.get("q")):
        return iter_institutions(filters)
    page = search_institutions(filters["q"], {**filters, "page": 1, "per_page": limit})
    return [hit.institution for hit in page.hits]


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
    ids = get_backend().suggest(" ".join(words), limit=limit)
    found = {
        i.id: i
        for i in db.session.scalars(
            select(Institution).where(
                Institution.id.in_(ids), Institution.status == "published"
            )
        )
    }
    return [found[i] for i in ids if i in found]


# -- keeping the index in step --------------------------------------------------


def reindex(ids: Iterable[int], backend: SearchBackend | None = None) -> None:
    """Index the published institutions among `ids`; remove the others.

    The backend reads them from the database once it holds its write lock
    (`SearchBackend.refresh`), in batches, in one pass (one Whoosh writer,
    however many thousands an import brings).
    """
    backend = backend or get_backend()
    backend.refresh(sorted(set(ids)), read_documents)


def read_documents(ids: list[int]) -> Iterator[tuple[list[dict], list[int]]]:
    """(documents, ids to remove) of `ids` in batches, read from the database."""
    with Session(db.engine) as session:
        for start in range(0, len(ids), BATCH):
            yield load_documents(ids[start : start + BATCH], session)


def _published_batches(session: Session, progress=None) -> Iterator[list[dict]]:
    query = (
        select(Institution)
        .where(Institution.status == "published")
        .order_by(Institution.id)
        .options(selectinload(Institution.names), selectinload(Institution.topic_links))
        .execution_options(yield_per=BATCH)
    )
    for partition in session.scalars(query).partitions():
        batch = [institution_document(i) for i in partition]
        if progress:
            progress(len(batch))
        yield batch


def published_count(session: Session) -> int:
    """Number of published institutions."""
    return session.scalar(
        select(db.func.count())
        .select_from(Institution)
        .where(Institution.status == "published")
    )


def rebuild_index(progress: Callable[[int], None] | None = None, procs: int = 1) -> int:
    """Rebuild the index from the database, the source of truth."""
    backend = get_backend()
    backend.clear()
    with Session(db.engine) as session:
        backend.bulk_load(_published_batches(session, progress), procs=procs)
    return backend.count()


@dataclass
class IndexCheck:
    """Differences between the database and the index."""

    missing: list[int]
    stale: list[int]
    extra: list[int]
    tidied: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def check_index(repair: bool = True) -> IndexCheck:
    """Compare the index with the database; optionally repair the differences."""
    backend = get_backend()
    indexed = backend.indexed_ids()
    with Session(db.engine) as session:
        rows = session.execute(
            select(Institution.id, Institution.updated).where(
                Institution.status == "published"
            )
        ).all()
    published = {ident: updated.timestamp() for ident, updated in rows}
    check = IndexCheck(
        missing=sorted(set(published) - set(indexed)),
        stale=sorted(
            i
            for i in set(published) & set(indexed)
            if abs(published[i] - indexed[i]) > 1e-3
        ),
        extra=sorted(set(indexed) - set(published)),
    )
    if repair:
        if not check.ok:
            reindex(check.missing + check.stale + check.extra, backend)
        check.tidied = backend.tidy()
    return check
