"""Match sets from Whoosh posting lists, read a block at a time.

Counting and faceting every match by stepping Whoosh's matchers costs tens of
microseconds a document in Python; reading a term's postings as whole blocks
and combining them with set operations costs well under one. Ranking still
uses Whoosh's scorer, restricted to the set and free to skip low blocks.
"""

from collections import OrderedDict

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from migratory.search.base import SearchQuery, WordClause

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

    def __init__(self, searcher, text_fields: tuple[str, ...], prefix_max: int) -> None:
        self.leaves = [
            (sub.reader(), offset) for sub, offset in searcher.leaf_searchers()
        ]
        self.text_fields = text_fields
        self.prefix_max = prefix_max
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
        if len(clause.prefix) >= 2:
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
            allowed: set[int] = set()
            for value in values:
                allowed |= self.term(field, value)
            matched &= allowed
        return matched

    @staticmethod
    def filters(query: SearchQuery) -> list[tuple[str, list[str]]]:
        """(field, accepted values) of each filter."""
        found = []
        if query.country:
            found.append(("country", [query.country]))
        if query.countries is not None:
            found.append(("country", query.countries))
        for field, value in (
            ("category", query.category),
            ("topics", query.topic),
            ("roles", query.role),
        ):
            if value:
                found.append((field, [value]))
        return found
