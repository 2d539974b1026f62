"""PostgreSQL backend: for several app servers sharing one database.

Documents are analysed by the same Python analyser as the Whoosh backend
(stemming, transliteration) and stored as pre-analysed `simple` tsvectors, so
both backends find and rank alike; GIN indexes serve matching and prefixes,
pg_trgm the fuzzy fallback of autocomplete.
"""

import itertools
import time
from collections import Counter
from collections.abc import Iterable

from flask import Flask
from sqlalchemy import bindparam, delete, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import insert

from migratory.search.analysis import terms, transliterate
from migratory.search.base import Reader, SearchBackend, SearchQuery, SearchResult
from migratory.search.documents import name_words, spelling_words
from migratory.search.models import SearchDocument
from migratory.search.registry import facet_term, facet_terms
from migratory.search.vocab_bits import TOPIC_BITS, topics_from_mask

WEIGHTS = {"A": ("title", "acronym"), "B": ("names",), "C": ("place",), "D": ("body",)}
RANK_WEIGHTS = "{0.1, 0.3, 0.6, 1.0}"  # D, C, B, A
# Exact terms weigh 1, spelling corrections 0.4, an exact acronym most.
RANK_SQL = (
    f"ts_rank('{RANK_WEIGHTS}', d.document, to_tsquery('simple', :exact))"
    f" + 0.4 * ts_rank('{RANK_WEIGHTS}', d.document, to_tsquery('simple', :fuzzy))"
    " + CASE WHEN d.acronym_exact = ANY(:exacts) THEN 3 ELSE 0 END"
)
# A query word naming a country, topic or category matches that field.
CONCEPT_SQL = {
    "country": "d.country = ANY(:country{n})",
    "category": "d.category = ANY(:category{n})",
    "topics": "d.topics && CAST(:topics{n} AS VARCHAR(40)[])",
}
# Serialises index updates across processes (an arbitrary constant key).
INDEX_LOCK = {"key": 0x6D696772}
VOCABULARY_SQL = "SELECT word FROM ts_stat('SELECT spell FROM search_documents')"
VOCABULARY_TTL = 60.0  # seconds; other processes' new words appear within this
SORTS = {
    "name": "d.name_sort, d.record_id",
    "country": "d.country_sort, d.name_sort, d.record_id",
    "updated": "d.updated DESC, d.record_id",
    "relevance": "rank DESC, d.name_sort, d.record_id",
}
COLUMNS = (
    "names_text",
    "acronym_exact",
    "country",
    "category",
    "topics",
    "roles",
    "topic_mask",
    "facets",
    "name_sort",
    "country_sort",
    "updated",
)


def _tsquery_or(words: Iterable[str], prefix: bool = False, weight: str = "") -> str:
    """A to_tsquery() text OR-ing the words (quoted: no operator gets through)."""
    suffix = (":*" if prefix else "") + (f":{weight}" if weight and not prefix else "")
    quoted = [f"'{w}'{suffix}" for w in dict.fromkeys(words) if w.isalnum()]
    return " | ".join(quoted)


def document_row(document: dict) -> dict:
    """Column values of one search document (tsvectors as weighted term text)."""
    weighted = {
        weight: " ".join(t for field in fields for t in terms(document[field]))
        for weight, fields in WEIGHTS.items()
    }
    names = name_words(document)
    prefixes = {form for word in names for form in (word, transliterate(word)) if form}
    return {
        "kind": document["kind"],
        "record_id": document["id"],
        **{f"w{weight}": value for weight, value in weighted.items()},
        "suggest_text": " ".join(sorted(prefixes)),
        "spell_text": " ".join(spelling_words(document)),
        "names_text": " ".join(names),
        "acronym_exact": (document["acronym"] or "").casefold() or None,
        "country": document["country"] or None,
        "category": document["category"],
        "topics": document["topics"],
        "roles": document["roles"],
        "topic_mask": sum(TOPIC_BITS[t] for t in document["topics"]),
        "facets": facet_terms(document),
        "name_sort": document["sort"],
        "country_sort": document["country_sort"],
        "updated": document["updated"],
    }


def _vector(weight: str):
    """setweight(to_tsvector('simple', :wX), 'X'): the weight must be a "char"."""
    return func.setweight(
        func.to_tsvector("simple", bindparam(f"w{weight}")),
        literal_column(f"'{weight}'"),
    )


class PostgresBackend(SearchBackend):
    """Search in the application's own PostgreSQL database."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._vocabulary: list[str] | None = None
        self._vocabulary_at = 0.0

    @property
    def engine(self):
        from migratory.extensions import db

        with self.app.app_context():
            return db.engine

    # -- writing ---------------------------------------------------------------

    def index(self, documents: Iterable[dict]) -> None:
        documents = iter(documents)
        while batch := list(itertools.islice(documents, 1000)):
            self._upsert([document_row(d) for d in batch])
        self._vocabulary = None

    def refresh(self, kind: str, ids: list[int], read: Reader) -> None:
        """Read and write `ids` in one transaction holding an advisory lock, so
        that updates are written in the order they read the database."""
        if not ids:
            return
        with self.engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), INDEX_LOCK)
            for documents, gone in read(ids):
                if documents:
                    self._upsert([document_row(d) for d in documents], connection)
                if gone:
                    connection.execute(_delete(kind, gone))
        self._vocabulary = None

    def _upsert(self, rows: list[dict], connection=None) -> None:
        table = SearchDocument.__table__
        values = {
            "kind": bindparam("kind"),
            "record_id": bindparam("record_id"),
            "document": _vector("A")
            .op("||")(_vector("B"))
            .op("||")(_vector("C"))
            .op("||")(_vector("D")),
            "suggest": func.to_tsvector("simple", bindparam("suggest_text")),
            "spell": func.to_tsvector("simple", bindparam("spell_text")),
            **{c: bindparam(c) for c in COLUMNS},
        }
        statement = insert(table).values(values)
        key = ("kind", "record_id")
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            set_={c: statement.excluded[c] for c in values if c not in key},
        )
        if connection is not None:
            connection.execute(statement, rows)
            return
        with self.engine.begin() as connection:
            connection.execute(statement, rows)

    def remove(self, ids: Iterable[int], kind: str = "institution") -> None:
        ids = list(ids)
        if ids:
            with self.engine.begin() as connection:
                connection.execute(_delete(kind, ids))

    def clear(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(SearchDocument))
        self._vocabulary = None

    # -- reading ---------------------------------------------------------------

    def query(self, query: SearchQuery) -> SearchResult:
        where, params = self._where(query)
        exact = _tsquery_or(t for c in query.clauses for t, w in c.terms if w == 1.0)
        fuzzy = _tsquery_or(t for c in query.clauses for t, w in c.terms if w < 1.0)
        params.update(
            exact=exact or "",
            fuzzy=fuzzy or "",
            exacts=[c.exact for c in query.clauses],
            limit=query.per_page,
            offset=(query.page - 1) * query.per_page,
        )
        order = SORTS.get(query.sort, SORTS["relevance"])
        page_sql = (
            f"SELECT d.record_id, {RANK_SQL} AS rank FROM search_documents d "
            "WHERE @where " + f"ORDER BY {order} LIMIT :limit OFFSET :offset"
        )
        with self.engine.connect() as connection:
            facet_rows = connection.execute(
                text(
                    "SELECT d.country, d.category, d.topic_mask, count(*) "
                    f"FROM search_documents d WHERE {where} "
                    "GROUP BY d.country, d.category, d.topic_mask"
                ),
                params,
            ).all()
            rows = []
            if order == SORTS["relevance"] and exact:
                # Ranking is computed for every row it orders: first try only
                # the rows with a word in their names (weight A), which is
                # where a full page of the best matches nearly always is.
                params["title"] = _tsquery_or(
                    exact.replace("'", "").split(" | "), weight="A"
                )
                title_where = f"{where} AND d.document @@ to_tsquery('simple', :title)"
                rows = connection.execute(
                    text(page_sql.replace("@where", title_where)), params
                ).all()
            if len(rows) < query.per_page:
                rows = connection.execute(
                    text(page_sql.replace("@where", where)), params
                ).all()
        return SearchResult(
            total=sum(row[3] for row in facet_rows),
            ids=[row[0] for row in rows],
            scores=[round(float(row[1]), 4) for row in rows],
            facets=_facets(facet_rows),
        )

    @staticmethod
    def _where(query: SearchQuery) -> tuple[str, dict]:
        """SQL condition and parameters for the kind, words and filters."""
        conditions, params = [], {"kind": query.kind}
        for number, clause in enumerate(query.clauses):
            params[f"c{number}"] = _tsquery_or(t for t, _ in clause.terms) or ""
            params[f"p{number}"] = _tsquery_or([clause.prefix], prefix=True) or ""
            params[f"e{number}"] = clause.exact
            concepts = "".join(
                f" OR {CONCEPT_SQL[field].format(n=number)}"
                for field in clause.concepts
            )
            for field, values in clause.concepts.items():
                params[f"{field}{number}"] = sorted(values)
            conditions.append(
                f"(d.document @@ to_tsquery('simple', :c{number})"
                f" OR d.suggest @@ to_tsquery('simple', :p{number})"
                f" OR d.acronym_exact = :e{number}{concepts})"
            )
        joiner = " AND " if query.match_all else " OR "
        words = f"({joiner.join(conditions)})" if conditions else "TRUE"
        filters = ["d.kind = :kind", words]
        # Each filter takes one value or several (any of which may match).
        if query.country:
            filters.append("d.country = ANY(:country)")
            params["country"] = _listed(query.country)
        if query.countries is not None:
            filters.append("d.country = ANY(:countries)")
            params["countries"] = query.countries
        if query.category:
            filters.append("d.category = ANY(:category)")
            params["category"] = _listed(query.category)
        if query.topic:
            filters.append("d.topics && CAST(:topic AS VARCHAR(40)[])")
            params["topic"] = _listed(query.topic)
        if query.role:
            filters.append("d.roles && CAST(:role AS VARCHAR(40)[])")
            params["role"] = _listed(query.role)
        for number, (name, values) in enumerate((query.facets or {}).items()):
            filters.append(f"d.facets && CAST(:facet{number} AS VARCHAR(120)[])")
            params[f"facet{number}"] = [facet_term(name, v) for v in values]
        return " AND ".join(filters), params

    def suggest(
        self, prefix: str, limit: int = 10, kind: str = "institution"
    ) -> list[int]:
        parts = [p for p in prefix.split() if p]
        if not parts:
            return []
        tsquery = " & ".join(f"'{p}':*" for p in parts if p.isalnum()) or ""
        of_kind = SearchDocument.kind == kind
        with self.engine.connect() as connection:
            ids = connection.scalars(
                select(SearchDocument.record_id)
                .where(
                    of_kind,
                    SearchDocument.suggest.op("@@")(func.to_tsquery("simple", tsquery)),
                )
                .order_by(
                    func.length(SearchDocument.name_sort), SearchDocument.name_sort
                )
                .limit(limit)
            ).all()
            if not ids:  # a typo: the nearest names by trigram similarity
                ids = connection.scalars(
                    select(SearchDocument.record_id)
                    .where(of_kind, SearchDocument.names_text.op("%")(prefix))
                    .order_by(func.similarity(SearchDocument.names_text, prefix).desc())
                    .limit(limit)
                ).all()
        return list(ids)

    def count(self, kind: str | None = None) -> int:
        query = select(func.count()).select_from(SearchDocument)
        if kind is not None:
            query = query.where(SearchDocument.kind == kind)
        with self.engine.connect() as connection:
            return connection.scalar(query)

    def indexed_ids(self, kind: str = "institution") -> dict[int, float]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(SearchDocument.record_id, SearchDocument.updated).where(
                    SearchDocument.kind == kind
                )
            )
            return dict(rows.all())

    def vocabulary(self) -> list[str]:
        if (
            self._vocabulary is None
            or time.monotonic() - self._vocabulary_at > VOCABULARY_TTL
        ):
            with self.engine.connect() as connection:
                self._vocabulary = list(connection.scalars(text(VOCABULARY_SQL)))
            self._vocabulary_at = time.monotonic()
        return self._vocabulary


def _delete(kind: str, ids: list[int]):
    """DELETE of `kind`'s documents `ids`."""
    return delete(SearchDocument).where(
        SearchDocument.kind == kind, SearchDocument.record_id.in_(ids)
    )


def _listed(value) -> list[str]:
    """One filter value or several, as a list."""
    return list(value) if isinstance(value, list | tuple) else [value]


def _facets(rows) -> dict[str, dict[str, int]]:
    countries: Counter = Counter()
    categories: Counter = Counter()
    topics: Counter = Counter()
    for country, category, mask, count in rows:
        countries[country] += count
        categories[category] += count
        for topic in topics_from_mask(mask):
            topics[topic] += count
    return {
        "country": dict(countries),
        "category": dict(categories),
        "topic": dict(topics),
    }
