"""Names sort the way readers of each language expect, in Python and in SQL."""

import pytest
from sqlalchemy import literal, select, union_all

from migratory.core.collation import (
    collation_key,
    collation_name,
    sorted_by_name,
    usable_collation,
)
from migratory.extensions import db

RUSSIAN = ["Яблоко", "Ёлка", "Жилищный фонд", "агентство", "Евразийский банк"]
RUSSIAN_ORDER = ["агентство", "Евразийский банк", "Ёлка", "Жилищный фонд", "Яблоко"]
LATIN = ["Zeta", "éclair", "Ecole", "Äpfel", "apple", "Beta"]
LATIN_ORDER = ["Äpfel", "apple", "Beta", "éclair", "Ecole", "Zeta"]


def ordered(names, language):
    return [name for name in sorted(names, key=lambda n: collation_key(n, language))]


def test_russian_letters_follow_the_alphabet():
    """ё sorts with е, case does not count, й is a letter of its own."""
    assert ordered(RUSSIAN, "ru") == RUSSIAN_ORDER
    assert ordered(["Йошкар-Ола", "Иваново", "Калуга"], "ru") == [
        "Иваново",
        "Йошкар-Ола",
        "Калуга",
    ]


def test_accents_and_case_only_break_ties():
    """Äpfel sorts with apple, éclair before Ecole (c-l before c-o)."""
    assert ordered(LATIN, "fr") == LATIN_ORDER
    assert ordered(LATIN, "en") == LATIN_ORDER


def test_the_readers_script_comes_first():
    """Cyrillic names before Latin ones in Russian, after them in English."""
    names = ["Zeta", "Агентство", "Alpha", "Бюро"]
    assert ordered(names, "ru") == ["Агентство", "Бюро", "Alpha", "Zeta"]
    assert ordered(names, "en") == ["Alpha", "Zeta", "Агентство", "Бюро"]


def test_sorted_by_name_uses_the_displayed_name():
    class Named:
        def __init__(self, name):
            self.name = name

    items = [Named(n) for n in RUSSIAN]
    assert [i.name for i in sorted_by_name(items, language="ru")] == RUSSIAN_ORDER


@pytest.mark.parametrize(
    ("language", "names", "expected"),
    [("ru", RUSSIAN, RUSSIAN_ORDER), ("fr", LATIN, LATIN_ORDER)],
)
def test_sql_order_by_collation_matches(ctx, language, names, expected):
    """ORDER BY ... COLLATE "<lang>-x-icu" sorts alike on SQLite and PostgreSQL."""
    rows = union_all(*(select(literal(n).label("name")) for n in names)).subquery()
    query = select(rows.c.name).order_by(rows.c.name.collate(collation_name(language)))
    assert list(db.session.scalars(query)) == expected


def test_the_database_has_the_collations(ctx):
    """SQLite gets them on connect; the PostgreSQL server here has ICU."""
    assert usable_collation("ru", db.engine) == "ru-x-icu"
    assert usable_collation("xx", db.engine) == "und-x-icu"
