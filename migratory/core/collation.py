"""Sorting names the way readers of a language expect, in Python and in SQL.

PostgreSQL sorts with its ICU collations ("ru-x-icu", "fr-x-icu", ...). SQLite
has no ICU: collations of the same names are registered on every SQLite
connection, backed by `collation_key`, so one ORDER BY ... COLLATE works on
both databases. The key follows the Unicode collation rules that matter here:
case and accents count only to break ties (ё sorts with е, é with e), й stays
a letter of its own, spaces and punctuation come before digits, digits before
letters, and the reader's own script comes first (Cyrillic for Russian).
"""

import sqlite3
import unicodedata
from functools import lru_cache

from sqlalchemy import event, text
from sqlalchemy.engine import Engine

CYRILLIC_LANGUAGES = {"ru", "uk", "be", "bg", "kk", "ky", "tg", "mn", "sr", "mk"}
COLLATIONS = {"en": "en-x-icu", "fr": "fr-x-icu", "ru": "ru-x-icu"}
DEFAULT_COLLATION = "und-x-icu"
BREVE = "\u0306"


def collation_name(language: str | None) -> str:
    """The collation that sorts text for readers of `language`."""
    return COLLATIONS.get(language or "", DEFAULT_COLLATION)


_known: dict[str, frozenset[str]] = {}


def usable_collation(language: str | None, engine: Engine) -> str | None:
    """`collation_name(language)` if the database has it, else its ICU root
    collation, else None (a PostgreSQL built without ICU: its default order)."""
    if engine.dialect.name == "sqlite":
        return collation_name(language)
    key = str(engine.url)
    if key not in _known:
        wanted = [*COLLATIONS.values(), DEFAULT_COLLATION]
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT collname FROM pg_collation WHERE collname = ANY(:names)"),
                {"names": wanted},
            )
            _known[key] = frozenset(found.scalars())
    for name in (collation_name(language), DEFAULT_COLLATION):
        if name in _known[key]:
            return name
    return None


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u052f"


def _rank(char: str, own_cyrillic: bool) -> int:
    """0 spaces and punctuation, 1 digits, 2 the reader's script, 3 other letters."""
    if char.isdigit():
        return 1
    if not char.isalpha():
        return 0
    return 2 if _is_cyrillic(char) == own_cyrillic else 3


def _base_letters(text: str) -> list[str]:
    """Case-folded characters without accents; й and ў keep their breve."""
    letters: list[str] = []
    for char in unicodedata.normalize("NFD", text.casefold()):
        if not unicodedata.combining(char):
            letters.append(char)
        elif char == BREVE and letters and letters[-1] in ("и", "у"):
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + BREVE)
    return letters


@lru_cache(maxsize=65536)
def collation_key(text: str | None, language: str | None = None) -> tuple:
    """A sort key for `text` as readers of `language` order names."""
    text = text or ""
    own_cyrillic = (language or "") in CYRILLIC_LANGUAGES
    primary = tuple((_rank(c, own_cyrillic), c) for c in _base_letters(text))
    return (primary, unicodedata.normalize("NFC", text.casefold()), text)


def sorted_by_name(items, name=lambda item: item.name, language: str | None = None):
    """`items` sorted by their displayed `name` with the collation of `language`."""
    return sorted(items, key=lambda item: collation_key(name(item), language))


def _comparison(language: str | None):
    def compare(first: str | None, second: str | None) -> int:
        a, b = collation_key(first, language), collation_key(second, language)
        return (a > b) - (a < b)

    return compare


def register_sqlite_collations(connection: sqlite3.Connection) -> None:
    """Give a SQLite connection the ICU collation names PostgreSQL has."""
    for language, name in COLLATIONS.items():
        connection.create_collation(name, _comparison(language))
    connection.create_collation(DEFAULT_COLLATION, _comparison(None))


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        register_sqlite_collations(dbapi_connection)
