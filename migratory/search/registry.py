"""The kinds of document the search index holds, registered explicitly.

Each kind says how its documents are built from the database and which of
them are visible (`load`), which models' flushes change them (`watch`), and
which documents should exist (`all_ids`, for rebuild and check). Institutions
are registered by `init_search`; a domain above search (network, events)
defines its kinds as module constants and registers them from a function that
`create_app` calls:

    LINKS = DocumentKind(
        name="link", label=_l("Producer–user links"), load=load_links,
        all_ids=visible_link_ids,
        watch=(Watch(Link, lambda link: [link.id]),
               Watch(Institution, links_of_institution)),
    )

    def register_search_kinds() -> None:
        register_document_kind(LINKS)

A document is a dict made with `make_document`: what every backend stores.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

# load(ids, session) -> (documents of the visible ones, ids whose documents go)
Loader = Callable[[list[int], Session], tuple[list[dict], list[int]]]


@dataclass(frozen=True)
class Watch:
    """A model whose flushes change documents of a kind, and which ones:
    `affected_ids(obj)` gives the ids of the documents (of this kind) that a
    new, changed or deleted `obj` affects; None among them is ignored.

    Watches see ORM flushes. A set-based write (`insert(Model)` with a list of
    rows, as institutions are created) bypasses them: its writer calls
    `core.changes.mark_changed(session, ids, kind)` for the kinds it changes.
    """

    model: type
    affected_ids: Callable[[Any], Iterable[int | None]]


@dataclass(frozen=True, eq=False)
class DocumentKind:
    """One kind of search document.

    name: the key stored with each document ("institution", "link", ...),
        at most 30 characters.
    label: a heading for the search page ("Data sources"), may be lazy.
    load: `load(ids, session)` returns (documents, ids to drop): documents
        (`make_document`) of those among `ids` that should be visible, and the
        other ids (hidden, archived or deleted), whose documents are removed.
    all_ids: `all_ids(session)` maps the id of every document that should be
        visible to the `updated` timestamp its document carries (for check).
    watch: the models whose flushes change documents of this kind.
    url: `url(id)` links a hit to its page (called in a request), optional.
    """

    name: str
    label: Any
    load: Loader
    all_ids: Callable[[Session], Mapping[int, float]]
    watch: tuple[Watch, ...] = ()
    url: Callable[[int], str] | None = None

    def documents(self, ids: list[int], session: Session) -> tuple[list, list]:
        """`load`, with every document marked as being of this kind."""
        documents, gone = self.load(ids, session)
        for document in documents:
            document["kind"] = self.name
        return documents, gone


def make_document(
    ident: int,
    title: str,
    updated: float,
    *,
    body: str = "",
    country: str | None = None,
    facets: Mapping[str, str | Iterable[str]] | None = None,
    names: str = "",
    place: str = "",
    acronym: str = "",
    sort: str | None = None,
    country_sort: str = "",
    category: str = "",
    topics: Iterable[str] = (),
    roles: Iterable[str] = (),
) -> dict:
    """A search document, as every backend stores it.

    title: matched first (names); names: other names and translations;
    place, body: matched with less weight (body also gives the snippet);
    country: an ISO 3166-1 alpha-2 code or None; facets: extra filter values,
    {"flow": "census"} or {"flow": ["census", "register"]}; updated: a POSIX
    timestamp (`check` compares it with `all_ids`); sort: the key of name
    order (default: the folded title). Institutions also fill category,
    topics and roles, which have columns of their own.
    """
    listed = {
        name: sorted({str(v) for v in ([value] if isinstance(value, str) else value)})
        for name, value in (facets or {}).items()
    }
    return {
        "id": ident,
        "title": title,
        "acronym": acronym,
        "names": names,
        "place": place,
        "body": body,
        "country": country,
        "facets": {name: values for name, values in listed.items() if values},
        "sort": sort if sort is not None else title.casefold(),
        "country_sort": country_sort,
        "updated": updated,
        "category": category,
        "topics": list(topics),
        "roles": list(roles),
    }


def facet_terms(document: dict) -> list[str]:
    """The document's extra facets as "name=value" terms, as backends store them."""
    return [
        facet_term(name, value)
        for name, values in document.get("facets", {}).items()
        for value in values
    ]


def facet_term(name: str, value: str) -> str:
    """One facet value as a stored term."""
    return f"{name}={value}".replace(",", " ")


_KINDS: dict[str, DocumentKind] = {}
# Model class -> [(kind name, affected_ids)], rebuilt when the kinds change.
_watchers: dict[type, list[tuple[str, Callable]]] = {}


def register_document_kind(kind: DocumentKind) -> DocumentKind:
    """Add a kind (define it once, as a module constant): registering the same
    object again (another app) is a no-op, another under a taken name an error."""
    if not kind.name or len(kind.name) > 30 or ":" in kind.name:
        raise ValueError(f"invalid document kind name: {kind.name!r}")
    known = _KINDS.get(kind.name)
    if known is not None and known is not kind:
        raise ValueError(f"another document kind is registered as {kind.name!r}")
    _KINDS[kind.name] = kind
    _watchers.clear()
    return kind


def unregister_document_kind(name: str) -> None:
    """Forget a kind (tests); its documents stay until a rebuild."""
    _KINDS.pop(name, None)
    _watchers.clear()


def document_kinds() -> list[DocumentKind]:
    """Every registered kind, in the order of registration."""
    return list(_KINDS.values())


def get_document_kind(name: str) -> DocumentKind:
    """The kind registered as `name`; KeyError if there is none."""
    return _KINDS[name]


def watchers_of(cls: type) -> list[tuple[str, Callable]]:
    """(kind name, affected_ids) of every kind watching `cls` or a base of it."""
    if cls not in _watchers:
        _watchers[cls] = [
            (kind.name, watch.affected_ids)
            for kind in _KINDS.values()
            for watch in kind.watch
            if issubclass(cls, watch.model)
        ]
    return _watchers[cls]
