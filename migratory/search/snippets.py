"""Highlighted snippets: the part of a text that matched, with <mark> around hits."""

import re

from markupsafe import Markup, escape

from migratory.search.analysis import fold, word_terms

_TOKEN = re.compile(r"(\w+)", re.UNICODE)


def make_snippet(text: str | None, query_terms: set[str], width: int = 28) -> Markup:
    """About `width` words of `text` around the first match, hits marked."""
    if not text:
        return Markup("")
    parts = _TOKEN.split(text)  # words at odd indexes
    hits = [
        i
        for i in range(1, len(parts), 2)
        if set(word_terms(fold(parts[i]))) & query_terms
    ]
    if not hits:
        return Markup("")
    start_word = max(0, (hits[0] - 1) // 2 - width // 4)
    start = start_word * 2
    end = min(len(parts), start + width * 2)
    marked, pieces = set(hits), []
    for index in range(start, end):
        piece = escape(parts[index])
        pieces.append(Markup(f"<mark>{piece}</mark>") if index in marked else piece)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(parts) else ""
    return Markup(prefix) + Markup("").join(pieces) + Markup(suffix)
