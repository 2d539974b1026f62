"""Word search in any document kind: the search page's other results
("Data sources", "Producer–user links", ...) beside the institutions."""

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from markupsafe import Markup

from migratory.extensions import db
from migratory.search.base import SearchBackend, SearchQuery
from migratory.search.factory import get_backend
from migratory.search.querying import ParsedQuery
from migratory.search.registry import DocumentKind, document_kinds, get_document_kind
from migratory.search.services import INSTITUTION, parse_search, run_with_fallback
from migratory.search.snippets import make_snippet


@dataclass
class KindHit:
    """One document found: its record's id, score, title and snippet."""

    id: int
    score: float
    title: str
    snippet: Markup
    url: str | None = None


@dataclass
class KindResults:
    """A page of one kind's documents matching the words."""

    kind: str
    label: Any
    total: int
    hits: list[KindHit] = field(default_factory=list)
    partial: bool = False  # none had every word; these have some


def search_kind(
    kind: str,
    text: str,
    page: int = 1,
    per_page: int = 10,
    *,
    country: str | list[str] | None = None,
    facets: dict[str, str | list[str]] | None = None,
) -> KindResults:
    """Ranked visible documents of `kind` matching `text`, with the same
    analysis as institutions (stemming, transliteration, typo corrections);
    `country` and the kind's `facets` ({"flow": "census"}) filter them."""
    backend = get_backend()
    parsed = parse_search(text, backend)
    return _search(
        get_document_kind(kind), parsed, backend, page, per_page, country, facets
    )


class KindIds(NamedTuple):
    """Ids of one kind's documents matching the words, best first, and
    whether the match is partial (none had every word)."""

    ids: list[int]
    partial: bool


def matching_kind_ids(kind: str, text: str, limit: int) -> KindIds:
    """The ids of the best `limit` documents of `kind` matching `text`: the
    backend's ranking only (no documents loaded, no snippets, no addresses);
    the caller's query applies the kind's visibility."""
    backend = get_backend()
    parsed = parse_search(text, backend)
    if not parsed.clauses:
        return KindIds([], False)
    query = SearchQuery(
        kind=get_document_kind(kind).name,
        clauses=parsed.clauses,
        page=1,
        per_page=limit,
    )
    result, partial = run_with_fallback(backend, query)
    return KindIds(list(result.ids), partial)


def _search(
    document_kind: DocumentKind,
    parsed: ParsedQuery,
    backend: SearchBackend,
    page: int,
    per_page: int,
    country: str | list[str] | None = None,
    facets: dict[str, str | list[str]] | None = None,
) -> KindResults:
    kind = document_kind.name
    if not parsed.clauses:
        return KindResults(kind, document_kind.label, 0)
    query = SearchQuery(
        kind=kind,
        clauses=parsed.clauses,
        country=country,
        facets={
            name: [value] if isinstance(value, str) else list(value)
            for name, value in (facets or {}).items()
        },
        page=max(1, page),
        per_page=per_page,
    )
    result, partial = run_with_fallback(backend, query)
    # The index may lag behind the database: the kind's visibility rule decides.
    documents, _ = document_kind.documents(result.ids, db.session)
    found = {document["id"]: document for document in documents}
    query_terms = {term for clause in parsed.clauses for term, _ in clause.terms}
    hits = [
        KindHit(
            id=ident,
            score=score,
            title=found[ident]["title"],
            snippet=make_snippet(found[ident]["body"], query_terms),
            url=document_kind.url(ident) if document_kind.url else None,
        )
        for ident, score in zip(result.ids, result.scores, strict=True)
        if ident in found
    ]
    return KindResults(kind, document_kind.label, result.total, hits, partial)


def search_all_kinds(text: str, per_kind: int = 5) -> list[KindResults]:
    """The best `per_kind` matches of every kind but institutions (which the
    search page lists itself), for kinds with any match, in registration order."""
    backend = get_backend()
    parsed = parse_search(text, backend)
    found = []
    for kind in document_kinds():
        if kind.name == INSTITUTION:
            continue
        results = _search(kind, parsed, backend, 1, per_kind)
        if results.total:
            found.append(results)
    return found
