"""From what a person typed to a backend-neutral query: words, terms, typos."""

from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from migratory.core.text import strip_control
from migratory.search.analysis import word_terms, words
from migratory.search.base import WordClause

MAX_QUERY_CHARS = 500  # longer input is cut, not refused
MAX_WORDS = 12
CORRECTION_WEIGHT = 0.4  # a corrected word ranks below an exact one
MIN_CORRECTABLE = 4  # shorter words are too ambiguous to correct


class Corrector:
    """Finds index words close to a misspelt one (a swap counts as one edit)."""

    def __init__(self, vocabulary: list[str]) -> None:
        self.words = vocabulary
        self.known = set(vocabulary)

    def candidates(self, word: str, limit: int = 3) -> list[str]:
        """The nearest known words, best first; [] if the word is known."""
        if word in self.known or len(word) < MIN_CORRECTABLE or word.isdigit():
            return []
        max_edits = 1 if len(word) <= 5 else 2
        found = process.extract(
            word, self.words, scorer=OSA.distance, score_cutoff=max_edits, limit=limit
        )
        return [choice for choice, _, _ in found]


@dataclass
class ParsedQuery:
    """The clauses of a query and the corrections tried for unknown words."""

    clauses: list[WordClause]
    corrections: dict[str, str]  # typed word -> best known word
    words: list[str]


def parse_query(
    text: str, corrector: Corrector | None = None, concepts: dict | None = None
) -> ParsedQuery:
    """Clauses for every word of `text`; nothing a person types can make it fail.

    Query syntax is not interpreted: quotes, parentheses, operators and control
    characters are just separators.
    """
    typed = words(strip_control(text or "")[:MAX_QUERY_CHARS])[:MAX_WORDS]
    clauses, corrections = [], {}
    for word in typed:
        terms = [(term, 1.0) for term in word_terms(word)]
        for candidate in corrector.candidates(word) if corrector else []:
            corrections.setdefault(word, candidate)
            known = {term for term, _ in terms}
            terms += [
                (term, CORRECTION_WEIGHT)
                for term in word_terms(candidate)
                if term not in known
            ]
        named: dict[str, set[str]] = {}
        for term, _ in terms:
            for field, values in (concepts or {}).get(term, {}).items():
                named.setdefault(field, set()).update(values)
        clauses.append(WordClause(terms=terms, prefix=word, exact=word, concepts=named))
    return ParsedQuery(clauses=clauses, corrections=corrections, words=typed)


def did_you_mean(parsed: ParsedQuery) -> str | None:
    """The query with each unknown word replaced by its best correction."""
    if not parsed.corrections:
        return None
    return " ".join(parsed.corrections.get(w, w) for w in parsed.words)


def has_search_words(text: str | None) -> bool:
    """True if `text` has a word to search for (not only stop words or symbols)."""
    return bool(text) and bool(words(strip_control(text)[:MAX_QUERY_CHARS]))
