"""Caches of public pages and reference data, keyed by what the database says.

Every key holds the data stamp: one aggregate query over the tables public
pages show (institutions, their contacts, countries and regions, the
revisions every versioned record writes, focal points). A change
made through any process moves the stamp, so no server process ever serves
what another one changed. Pages are cached for anonymous readers only; a
signed-in person's pages name them and are never shared.
"""

import hashlib
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps

from flask import current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import text

from migratory.core.i18n import current_language
from migratory.extensions import db
from migratory.inventory.names import country_name, region_name

STAMP_SQL = text(
    "SELECT (SELECT count(*) FROM institutions),"
    " (SELECT sum(version) FROM institutions),"
    " (SELECT max(id) FROM institutions),"
    " (SELECT max(updated) FROM institutions),"
    " (SELECT count(*) FROM contacts), (SELECT max(id) FROM contacts),"
    " (SELECT count(*) FROM countries),"
    " (SELECT sum(length(name_en) + coalesce(length(name_ru), 0)) FROM countries),"
    " (SELECT count(*) FROM regions),"
    " (SELECT sum(length(name_en) + coalesce(length(name_ru), 0)) FROM regions),"
    " (SELECT count(*) FROM country_regions),"
    # Every versioned record (links, data sources, ...) writes a revision;
    # focal points and their designations live on users and in the audit log.
    " (SELECT count(*) FROM revisions), (SELECT max(id) FROM revisions),"
    " (SELECT count(*) FROM users), (SELECT max(updated) FROM users),"
    " (SELECT count(*) FROM focal_point_institutions),"
    " (SELECT max(id) FROM audit_entries)"
)
MAX_PAGES = 512
MAX_PAGE_BYTES = 64 * 1024 * 1024
# Pages are rendered with this stand-in for the CSP nonce; each response that
# serves one gets a fresh nonce in its place.
NONCE_STAND_IN = "n" + secrets.token_hex(12)


def data_stamp() -> str:
    """What the public pages' data is now (once per request), plus the day,
    since staleness notes depend on the date."""
    if "data_stamp" not in g:
        state = db.session.execute(STAMP_SQL).one()
        day = datetime.now(UTC).date().isoformat()
        g.data_stamp = repr((tuple(state), day, _index_state()))
    return g.data_stamp


def _index_state():
    """The search index's version where the backend tells it (Whoosh: its
    generation and files), since search pages follow the index."""
    backend = current_app.extensions.get("search")
    version = getattr(backend, "_version", None)
    return version() if callable(version) else None


class _Bounded:
    """A least-recently-used map bounded in entries and bytes."""

    def __init__(self, entries: int, size: int) -> None:
        self.entries, self.size = entries, size
        self.items: OrderedDict = OrderedDict()
        self.bytes = 0

    def get(self, key):
        """The value kept under `key`, or None."""
        found = self.items.get(key)
        if found is None:
            return None
        self.items.move_to_end(key)
        return found[0]

    def put(self, key, value, size: int = 0) -> None:
        """Keep `value` (of `size` bytes), dropping the least recently used."""
        old = self.items.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        self.items[key] = (value, size)
        self.bytes += size
        while len(self.items) > self.entries or self.bytes > self.size:
            _, (_, dropped) = self.items.popitem(last=False)
            self.bytes -= dropped


def _cache(name: str) -> _Bounded:
    """This application's cache `name` ("pages" or "reference")."""
    caches = current_app.extensions.setdefault("public_caches", {})
    if name not in caches:
        caches[name] = _Bounded(MAX_PAGES, MAX_PAGE_BYTES)
    return caches[name]


# Other things public pages depend on (e.g. the map outlines' version), as
# functions that return a hashable value; other packages add theirs.
page_key_parts: list = []


def cached_reference(name: str, build):
    """`build()`'s value, rebuilt only when the data stamp moves.

    Values must be plain data (never ORM objects, which belong to a session).
    """
    key = (name, data_stamp())
    found = _cache("reference").get(key)
    if found is None:
        found = build()
        _cache("reference").put(key, found)
    return found


@dataclass(frozen=True)
class Place:
    """A country or region as filter options show it: code, names, kind."""

    code: str
    name_en: str
    name_ru: str | None
    kind: str = "country"

    @property
    def name(self) -> str:
        """The name in the current language."""
        if self.kind == "country":
            return country_name(
                self.code, self.name_en, self.name_ru, current_language()
            )
        return region_name(self.code, self.name_en, self.name_ru, current_language())

    # Templates written for the models read these.
    iso2 = slug = property(lambda self: self.code)


def _shared_key() -> tuple:
    args = tuple(sorted(request.args.items(multi=True)))
    return (
        request.path,
        args,
        str(get_locale()),
        current_app.config.get("MAP_TILES"),
        data_stamp(),
        tuple(part() for part in page_key_parts),
    )


def _anonymous() -> bool:
    return not current_user.is_authenticated and "_flashes" not in session


def public_page(view):
    """Serve a public GET page from the cache for anonymous readers, with a
    (weak) ETag so that a browser holding it gets a 304. Signed-in readers
    get their own page, marked private."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _anonymous():
            response = make_response(view(*args, **kwargs))
            response.cache_control.private = True
            response.cache_control.no_cache = True
            response.vary.add("Cookie")
            return response
        key = _shared_key()
        etag = hashlib.sha256(repr(key).encode()).hexdigest()[:24]
        if request.if_none_match and request.if_none_match.contains_weak(etag):
            response = current_app.response_class(status=304)
        else:
            response = _cached_or_rendered(key, view, args, kwargs)
        if response.status_code in (200, 304):
            response.set_etag(etag, weak=True)
            response.cache_control.no_cache = True
            response.vary.update(("Cookie", "Accept-Language"))
        return response

    return wrapper


def _cached_or_rendered(key, view, args, kwargs):
    """The page from the cache, or rendered and cached if it may be shared."""
    found = _cache("pages").get(key)
    if found is None:
        g.csp_nonce = NONCE_STAND_IN
        try:
            response = make_response(view(*args, **kwargs))
        finally:
            g.pop("csp_nonce", None)
        if response.status_code != 200 or response.direct_passthrough:
            return response
        body = response.get_data()
        found = (body, response.mimetype, response.content_type)
        if not session.modified:
            _cache("pages").put(key, found, len(body))
    body, _, content_type = found
    if NONCE_STAND_IN.encode() in body:
        from migratory.core.views import csp_nonce

        body = body.replace(NONCE_STAND_IN.encode(), csp_nonce().encode())
    return current_app.response_class(body, content_type=content_type)
