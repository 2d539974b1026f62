"""Text normalisation used for matching, slugs and duplicate detection."""

import re
import unicodedata
from urllib.parse import urlsplit

from slugify import slugify

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control(text: str) -> str:
    """Remove control characters (keeping tab and newlines) from user text."""
    return _CONTROL.sub("", text)


def normalize_name(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key for comparing names."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    no_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", no_marks).split())


def website_key(url: str | None) -> str | None:
    """Key identifying a website: host without `www.`, plus the path if any.

    Two sites match on the domain alone only when both are at the root; a
    site under a path of a shared portal (gov.uk/government/...) keeps its path,
    so different bodies on one portal are not taken for the same institution.
    """
    if not url:
        return None
    parts = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return None
    path = parts.path.rstrip("/").lower()
    return f"{host}{path}"


def make_slug(text: str, max_length: int = 80) -> str:
    """ASCII URL slug; Cyrillic and other scripts are transliterated."""
    return slugify(text, max_length=max_length, word_boundary=True) or "entry"


def unique_slug(text: str, taken: set[str], suffix: str = "") -> str:
    """A slug for `text` not in `taken`; adds `suffix`, then a counter."""
    base = make_slug(text)
    candidates = [base]
    if suffix:
        candidates.append(f"{base}-{suffix.lower()}")
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    counter = 2
    while f"{candidates[-1]}-{counter}" in taken:
        counter += 1
    return f"{candidates[-1]}-{counter}"
