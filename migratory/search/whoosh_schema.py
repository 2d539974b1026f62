"""The Whoosh index's schema: one schema for every document kind."""

from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

from migratory.search.analysis import terms
from migratory.search.documents import name_words, spelling_words
from migratory.search.registry import facet_terms
from migratory.search.vocab_bits import TOPIC_BITS

INDEX_NAME = "documents_v6"  # a new name when the schema changes
PREFIX_MIN, PREFIX_MAX = 3, 10
# Two matching fields, not one per source field: every sub-query of a word is a
# matcher Whoosh steps through in Python, so fewer is faster. Names rank first.
TEXT_FIELDS = ("title", "body")  # weights: see whoosh_sets.rank
TITLE_SOURCES = ("title", "acronym", "names")
BODY_SOURCES = ("place", "body")


class _TermsTokenizer(Tokenizer):
    """Turns a value into tokens with a function; positions are term indexes."""

    def __init__(self, function) -> None:
        self.function = function

    def __eq__(self, other) -> bool:
        return isinstance(other, _TermsTokenizer) and other.function == self.function

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, text in enumerate(self.function(value)):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token


def _edge_ngrams(text: str) -> list[str]:
    """Word starts of the names and acronym, for autocomplete."""
    grams = []
    for word in text.split():
        grams.extend(
            word[:n] for n in range(PREFIX_MIN, min(len(word), PREFIX_MAX) + 1)
        )
    return grams


def _split(text: str) -> list[str]:
    return text.split()


def build_schema() -> Schema:
    """Fields: analysed text for matching, columns for facets and sorting."""
    analysed = _TermsTokenizer(terms)
    fields = {name: TEXT(analyzer=analysed, phrase=False) for name in TEXT_FIELDS}
    return Schema(
        # "<kind>:<id>": documents of two kinds may share an id.
        key=ID(unique=True),
        kind=ID(stored=True),
        id=ID(stored=True),
        acronym_exact=ID(),
        suggest=TEXT(analyzer=_TermsTokenizer(_edge_ngrams), phrase=False),
        spell=TEXT(analyzer=_TermsTokenizer(_split), phrase=False),
        country=ID(sortable=True),
        category=ID(sortable=True),
        topics=KEYWORD(),
        roles=KEYWORD(),
        facets=KEYWORD(commas=True),  # "name=value" terms of a kind's facets
        topic_mask=NUMERIC(int, bits=32, sortable=True, default=0),
        title_len=NUMERIC(int, bits=16, sortable=True, default=1),
        name_sort=ID(sortable=True),
        country_sort=ID(sortable=True),
        # Microseconds: Whoosh's float columns cannot be sorted (NaN default).
        updated=NUMERIC(int, bits=64, stored=True, sortable=True, default=0),
        **fields,
    )


def whoosh_fields(document: dict) -> dict:
    """A search document as Whoosh field values."""
    names = name_words(document)
    fields = {
        "title": " ".join(document[k] for k in TITLE_SOURCES),
        "body": " ".join(document[k] for k in BODY_SOURCES),
    }
    fields.update(
        key=f"{document['kind']}:{document['id']}",
        kind=document["kind"],
        id=str(document["id"]),
        acronym_exact=(document["acronym"] or "").casefold() or None,
        suggest=" ".join(names),
        spell=" ".join(spelling_words(document)),
        country=document["country"] or None,
        category=document["category"] or None,
        topics=" ".join(document["topics"]),
        roles=" ".join(document["roles"]),
        facets=",".join(facet_terms(document)) or None,
        topic_mask=sum(TOPIC_BITS[t] for t in document["topics"]),
        title_len=max(1, len(terms(fields["title"]))),
        name_sort=document["sort"],
        country_sort=document["country_sort"],
        updated=round(document["updated"] * 1_000_000),
    )
    return {k: v for k, v in fields.items() if v is not None}
