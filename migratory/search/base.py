"""The search backend interface and the query model every backend understands."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field


@dataclass
class WordClause:
    """One word of the user's query: any of its terms may match.

    `terms` holds (term, weight): the word's own terms weigh 1, spelling
    corrections less, so exact matches rank first. `prefix` is the folded word
    for matching the start of names; `exact` the folded word for acronyms.
    """

    terms: list[tuple[str, float]]
    prefix: str
    exact: str
    # Fields the word names a value of: {"country": {"KZ"}, "topics": {...}}
    concepts: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class SearchQuery:
    """A parsed query with its filters, page and order, in one document kind."""

    clauses: list[WordClause]
    kind: str = "institution"
    match_all: bool = True  # every word must match; False: any word
    country: str | None = None
    countries: list[str] | None = None  # a region, as its countries
    category: str | None = None
    topic: str | None = None
    role: str | None = None
    # A kind's extra facets: {"flow": ["census", ...]}; every name must match
    # one of its values.
    facets: dict[str, list[str]] | None = None
    sort: str = "relevance"  # relevance | name | country | updated
    page: int = 1
    per_page: int = 25


@dataclass
class SearchResult:
    """Ranked ids of one page, the total, and facet counts of the whole match."""

    total: int
    ids: list[int]
    scores: list[float]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


# What `SearchBackend.refresh` reads the database with.
Reader = Callable[[list[int]], Iterator[tuple[list[dict], list[int]]]]


class SearchBackend(ABC):
    """What every search engine offers the search service."""

    @abstractmethod
    def index(self, documents: Iterable[dict]) -> None:
        """Add or replace documents (keyed by `kind` and `id`)."""

    @abstractmethod
    def remove(self, ids: Iterable[int], kind: str = "institution") -> None:
        """Remove documents of `kind` by id; unknown ids are ignored."""

    @abstractmethod
    def query(self, query: SearchQuery) -> SearchResult:
        """Ranked, filtered, paginated matches of one kind with facet counts."""

    @abstractmethod
    def suggest(
        self, prefix: str, limit: int = 10, kind: str = "institution"
    ) -> list[int]:
        """Ids of documents whose title or acronym has a word starting so."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every document."""

    @abstractmethod
    def count(self, kind: str | None = None) -> int:
        """Number of documents indexed, of one kind or of all."""

    @abstractmethod
    def indexed_ids(self, kind: str = "institution") -> dict[int, float]:
        """Every indexed id of `kind` with the `updated` timestamp it was
        indexed at."""

    @abstractmethod
    def vocabulary(self) -> list[str]:
        """Folded words of the index, for spelling correction."""

    def refresh(self, kind: str, ids: list[int], read: "Reader") -> None:
        """Make the index hold the database's current state of `kind`'s `ids`.

        `read(ids)` yields batches of (documents, ids to remove) from the
        database. Backends call it only once they hold their write lock and
        write what it gives under that same lock, so that of two updates of one
        entry the one that read the database last is written last. This default
        is for backends without such a lock.
        """
        for documents, gone in read(ids):
            self.index(documents)
            self.remove(gone, kind)

    def bulk_load(self, batches: Iterable[list[dict]], procs: int = 1) -> None:
        """Fill an empty index; backends may do this faster than `index`."""
        for batch in batches:
            self.index(batch)

    def tidy(self) -> list[str]:
        """Remove leftovers (files of killed writers); names of what went."""
        return []

    def close(self) -> None:  # noqa: B027  (optional hook)
        """Release files or connections."""
