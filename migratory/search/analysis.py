"""Text analysis shared by every search backend: one behaviour everywhere.

Words are case- and accent-folded, stemmed with the Russian stemmer when they
are Cyrillic and the English one otherwise, and Cyrillic words also yield their
Latin transliteration, so that "Росстат" meets "Rosstat" and "Казахстан" meets
"Kazakhstan". Russian stems are cut to six letters ("light stemming"): the
Snowball stems of "миграция" and "миграционной" differ, their first six
letters do not.
"""

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode
from whoosh.lang import stemmer_for_language

WORD = re.compile(r"[^\W_]+", re.UNICODE)
RUSSIAN_STEM_LENGTH = 6
STOPWORDS = frozenset(
    "a an and at by de des du et for from in la le of on or the to with "
    "и в во на по для при о об от с со к из у за".split()
)
_english = stemmer_for_language("en")
_russian = stemmer_for_language("ru")


def is_cyrillic(word: str) -> bool:
    """True if the word has a Cyrillic letter."""
    return any("\u0400" <= char <= "\u04ff" for char in word)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower case without Latin diacritics; Cyrillic keeps its letters but ё."""
    word = word.casefold().replace("ё", "е")
    if word.isascii() or is_cyrillic(word):
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def transliterate(word: str) -> str:
    """Latin spelling of a (folded) word, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", unidecode(word).lower())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The search term of one folded word."""
    if is_cyrillic(word):
        return _russian(word)[:RUSSIAN_STEM_LENGTH]
    return _english(word)


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    """Search terms of one folded word: its stem, and for Cyrillic its Latin form."""
    terms = [stem(word)]
    if is_cyrillic(word):
        latin = transliterate(word)
        if latin and latin != terms[0]:
            terms.append(_english(latin))
    return tuple(terms)


def words(text: str | None) -> list[str]:
    """Folded words of a text, stop words left out."""
    if not text:
        return []
    folded = (fold(w) for w in WORD.findall(text))
    return [w for w in folded if w not in STOPWORDS]


def terms(text: str | None) -> list[str]:
    """All search terms of a text, in order (a Cyrillic word gives two)."""
    return [term for word in words(text) for term in word_terms(word)]
