"""Match sets from Whoosh posting lists, read a block at a time.

Counting and faceting every match by stepping Whoosh's matchers costs tens of
microseconds a document in Python; reading a term's postings as whole blocks
and combining them with set operations costs well under one. Ranking still
uses Whoosh's scorer, restricted to the set and free to skip low blocks.
"""

import heapq
import math
from collections import OrderedDict

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from migratory.search.base import SearchQuery, WordClause
from migratory.search.registry import facet_term

CACHE_ENTRIES = 512  # term sets kept per searcher; common terms recur


def _posting_ids(matcher) -> list[int]:
    """Document numbers of a leaf matcher, block by block."""
    if not isinstance(matcher, W3LeafMatcher):  # inline postings of rare terms
        return list(matcher.all_ids())
    ids: list[int] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids.extend(matcher._ids)
        matcher._next_block()
    return ids


class PostingSets:
    """Term -> set of global document numbers, for one searcher's snapshot."""

    def __init__(
        self, searcher, text_fields: tuple[str, ...], prefixes: tuple[int, int]
    ) -> None:
        self.leaves = [
            (sub.reader(), offset) for sub, offset in searcher.leaf_searchers()
        ]
        self.text_fields = text_fields
        self.prefix_min, self.prefix_max = prefixes
        self.cache: OrderedDict = OrderedDict()

    def term(self, field: str, text: str) -> frozenset[int]:
        key = (field, text)
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        ids: set[int] = set()
        for reader, offset in self.leaves:
            try:
                matcher = reader.postings(field, text)
            except TermNotFound:
                continue
            if isinstance(matcher, FilterMatcher):  # a segment with deletions
                found = set(_posting_ids(matcher.child)) - reader.deleted_docs_set
            else:
                found = _posting_ids(matcher)
            ids.update(map(offset.__add__, found) if offset else found)
        result = frozenset(ids)
        self.cache[key] = result
        if len(self.cache) > CACHE_ENTRIES:
            self.cache.popitem(last=False)
        return result

    def clause(self, clause: WordClause) -> set[int]:
        """Documents any form of one query word matches."""
        found: set[int] = set()
        for term, _ in clause.terms:
            for field in self.text_fields:
                found |= self.term(field, term)
        for field, values in clause.concepts.items():
            for value in values:
                found |= self.term(field, value)
        if len(clause.prefix) >= self.prefix_min:
            found |= self.term("suggest", clause.prefix[: self.prefix_max])
        found |= self.term("acronym_exact", clause.exact)
        return found

    def match(self, query: SearchQuery, all_docs) -> set[int]:
        """Documents matching the words (all or any) and every filter."""
        if query.clauses:
            sets = sorted((self.clause(c) for c in query.clauses), key=len)
            if query.match_all:
                matched = set(sets[0]).intersection(*sets[1:])
            else:
                matched = set().union(*sets)
        else:
            matched = set(all_docs())
        for field, values in self.filters(query):
            if len(values) == 1:  # no copy of a large set (the kind's)
                matched &= self.term(field, values[0])
                continue
            allowed: set[int] = set()
            for value in values:
                allowed |= self.term(field, value)
            matched &= allowed
        return matched

    @staticmethod
    def filters(query: SearchQuery) -> list[tuple[str, list[str]]]:
        """(field, accepted values) of each filter, the kind first."""
        found = [("kind", [query.kind])]
        if query.countries is not None:
            found.append(("country", query.countries))
        # Each filter takes one value or several (any of which may match).
        for field, value in (
            ("country", query.country),
            ("category", query.category),
            ("topics", query.topic),
            ("roles", query.role),
        ):
            if value:
                found.append((field, value if isinstance(value, list) else [value]))
        for name, values in (query.facets or {}).items():
            found.append(("facets", [facet_term(name, v) for v in values]))
        return found


# Weights of the ways a word can match, before inverse document frequency.
ACRONYM_WEIGHT, TITLE_WEIGHT, BODY_WEIGHT = 30.0, 4.0, 1.0
CONCEPT_WEIGHT, PREFIX_WEIGHT = 1.5, 0.5


def rank(
    sets: PostingSets, query: SearchQuery, matched: set[int], title_lengths, limit: int
) -> list[tuple[int, float]]:
    """The best `limit` matches by a BM25-like score computed on sets.

    Each query word adds the best of its ways of matching a document: as an
    acronym, in a title (names), as a country/topic/category, as a name
    prefix, or in the body; each weighted by the rarity of what matched.
    Title matches are damped for long titles, as BM25 does.
    """
    total = max(len(title_lengths), 1)
    average = (sum(title_lengths) / total) if title_lengths else 1.0
    scores: dict[int, float] = {}
    for clause in query.clauses:
        best: dict[int, float] = {}
        for found, weight, is_title in _components(sets, clause):
            hits = found & matched if len(found) > len(matched) else found
            if not hits:
                continue
            value = weight * _idf(len(found), total)
            for doc in hits:
                if doc not in matched:
                    continue
                score = value
                if is_title:
                    score /= 0.5 + 0.5 * title_lengths[doc] / average
                if score > best.get(doc, 0.0):
                    best[doc] = score
        for doc, score in best.items():
            scores[doc] = scores.get(doc, 0.0) + score
    # Ties go to the shorter title: "World Bank" before a long namesake.
    return heapq.nlargest(
        limit, scores.items(), key=lambda item: (item[1], -title_lengths[item[0]])
    )


def _idf(df: int, total: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def _components(sets: PostingSets, clause: WordClause):
    """(documents, weight, is_title) for each way the word can match."""
    yield sets.term("acronym_exact", clause.exact), ACRONYM_WEIGHT, False
    for term, weight in clause.terms:
        yield sets.term("title", term), TITLE_WEIGHT * weight, True
        yield sets.term("body", term), BODY_WEIGHT * weight, False
    for field, values in clause.concepts.items():
        found: set[int] = set()
        for value in values:
            found |= sets.term(field, value)
        yield frozenset(found), CONCEPT_WEIGHT, False
    if len(clause.prefix) >= sets.prefix_min:
        yield (
            sets.term("suggest", clause.prefix[: sets.prefix_max]),
            PREFIX_WEIGHT,
            True,
        )
