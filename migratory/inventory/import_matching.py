"""Which institution an imported row stands for: the import's duplicate rule.

Two records with different ROR ids are never the same institution. A row is
the same institution as another entry (of the database or earlier in the
file) when they share their ROR id, or when nothing distinguishes them: the
same name in the same country, with no different ROR id and no different
website. A website identifies a body only together with its country, and its
whole address counts (`.../index.jsp?org=ENG` is not `.../index.jsp?org=BIO`).
A row that merely shares a name or a website with another entry is imported
as an entry of its own; the dashboard lists such pairs as likely duplicates.
"""

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from migratory.core.text import normalize_name, website_key
from migratory.extensions import db
from migratory.inventory.models import Institution


def site_identity(url: str | None) -> str | None:
    """A website's whole address, without scheme, `www.`, trailing slash or
    fragment: host and path folded to lower case, the query kept as it is."""
    key = website_key(url)
    if key is None:
        return None
    query = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}").query
    return f"{key}?{query}" if query else key


@dataclass
class Entry:
    """What identifies an institution: of the database (`ident`) or of a row."""

    ident: int | None
    row: int | None
    ror_id: str | None
    site: str | None
    name_key: str
    country: str

    @classmethod
    def of_row(cls, number: int, data: dict) -> "Entry":
        """The entry a validated row describes."""
        return cls(
            ident=None,
            row=number,
            ror_id=data.get("ror_id"),
            site=site_identity(data.get("website")),
            name_key=normalize_name(data["name"]),
            country=data["country_code"],
        )

    def distinguished_from(self, other: "Entry") -> bool:
        """True when something says these are two institutions."""
        differ = lambda a, b: a is not None and b is not None and a != b  # noqa: E731
        return (
            differ(self.ror_id, other.ror_id)
            or differ(self.site, other.site)
            or self.name_key != other.name_key
            or self.country != other.country
        )

    def label(self) -> str:
        """How the report names this entry."""
        return f"row {self.row}" if self.row is not None else f"entry #{self.ident}"


class Matcher:
    """The database's institutions and the rows seen so far, by their keys."""

    def __init__(self) -> None:
        self.by_ror: dict[str, Entry] = {}
        self.by_name: dict[tuple, list[Entry]] = defaultdict(list)
        self.by_site: dict[tuple, list[Entry]] = defaultdict(list)
        self.claimed: dict[int, Entry] = {}  # existing id -> the row updating it
        rows = db.session.execute(
            select(
                Institution.id,
                Institution.ror_id,
                Institution.website,
                Institution.name_key,
                Institution.country_code,
            ).order_by(Institution.id)
        )
        for ident, ror_id, website, name_key, country in rows:
            self._add(
                Entry(ident, None, ror_id, site_identity(website), name_key, country)
            )

    def _add(self, entry: Entry) -> None:
        if entry.ror_id:
            self.by_ror.setdefault(entry.ror_id, entry)
        self.by_name[(entry.name_key, entry.country)].append(entry)
        if entry.site:
            self.by_site[(entry.site, entry.country)].append(entry)

    def same(self, entry: Entry) -> Entry | None:
        """The entry that is the same institution as `entry`, if any."""
        if entry.ror_id and entry.ror_id in self.by_ror:
            return self.by_ror[entry.ror_id]
        for other in self.by_name.get((entry.name_key, entry.country), ()):
            if not entry.distinguished_from(other):
                return other
        return None

    def resembling(self, entry: Entry) -> Entry | None:
        """An entry sharing the name or the website (in one country) with it."""
        for index, key in (
            (self.by_name, (entry.name_key, entry.country)),
            (self.by_site, (entry.site, entry.country)),
        ):
            if key[0] and index.get(key):
                return index[key][0]
        return None

    def place(self, entry: Entry) -> tuple[int | None, Entry | None]:
        """Decide for a row: (existing id to update or None, earlier row it
        repeats or None). A new institution is remembered for later rows."""
        same = self.same(entry)
        if same is not None and same.ident is None:
            return None, same
        if same is not None:
            if same.ident in self.claimed:
                return None, self.claimed[same.ident]
            self.claimed[same.ident] = entry
            if entry.ror_id and entry.ror_id not in self.by_ror:
                self.by_ror[entry.ror_id] = same  # a later row with it updates too
            return same.ident, None
        self._add(entry)
        return None, None
