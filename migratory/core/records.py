"""Kinds of versioned record, and what history and moderation need of each.

A domain describes its kind once (how to read a record's state, validate a
payload, create or change a record, label its fields, who may change it) and
`create_app` registers it. History, proposals, the moderation queue, restore
and archive then work alike for institutions, producer-user links, data
sources and every later kind, without importing the domain that owns them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from migratory.core.errors import NotFound
from migratory.core.permissions import is_secretariat, is_signed_in
from migratory.extensions import db


def _no_check(user, record, data) -> None:
    """The default extra rule for direct changes: none."""


def _same_key(key: str) -> str:
    return key


def _secretariat(user, record=None) -> bool:
    return is_secretariat(user)


@dataclass(frozen=True)
class RecordKind:
    """One kind of versioned record and the functions that handle it.

    `create(data, *, source, comment, author_id)` and `change(record, data, *,
    source, comment, author_id, replace)` write the record and its revision
    and only flush: the use case that calls them commits once.
    """

    name: str  # the key in revisions and proposals: "institution", "link", ...
    label: Any  # a lazy, translated name: "Institution"
    model: type
    state: Callable[[Any], dict]  # the full saved state of a record
    validate: Callable[[dict], dict]  # raw payload -> clean data, or ValidationFailed
    create: Callable[..., Any]
    change: Callable[..., bool]
    title: Callable[[Any, str | None], str]  # (record, language) -> its name
    # The record's public page as (endpoint, values): for url_for, and for
    # mail, whose links are built later from SITE_URL.
    page: Callable[[Any], tuple[str, dict]]
    find: Callable[[Any], Any]  # its key (a slug, an id) -> record, or NotFound
    may_edit: Callable[[Any, Any], bool]  # (user, record) -> change directly?
    may_create: Callable[[Any, dict], bool]  # (user, data) -> create directly?
    field_label: Callable[[str], Any]
    value_label: Callable[[str, Any], str]
    title_of_data: Callable[[dict], str] = lambda data: str(data.get("name", ""))
    # Archive or publish again directly (default: the secretariat; others
    # propose archiving).
    may_archive: Callable[[Any, Any], bool] = _secretariat
    # Propose a new record or a change (default: anyone signed in).
    may_propose: Callable[[Any], bool] = is_signed_in
    # Fields every change moves (bookkeeping), not shown as differences.
    hidden: frozenset = frozenset()
    # Fields only the secretariat sets; dropped from anyone else's payload.
    reserved: tuple = ()
    archived: dict = field(default_factory=lambda: {"status": "archived"})
    published: dict = field(default_factory=lambda: {"status": "published"})
    # Validated data may name a field differently from the saved state.
    state_key: Callable[[str], str] = _same_key
    # An extra rule for direct changes (e.g. a focal point keeps an entry in
    # their country); raises PermissionDenied.
    check_direct: Callable[[Any, Any, dict], None] = _no_check
    # The form the secretariat edits a proposal with before approving it
    # (web layer; registered, so moderation never imports a domain's forms).
    form: Callable[[], Any] | None = None
    # (user, record) -> may this user see it at all? Records the user may not
    # see do not exist for them (404). Default: published, or the user may
    # change it directly.
    may_see: Callable[[Any, Any], bool] | None = None

    def __post_init__(self) -> None:
        if self.may_see is None:
            object.__setattr__(self, "may_see", self._published_or_editable)

    def _published_or_editable(self, user, record) -> bool:
        return self.is_published(record) or self.may_edit(user, record)

    def url(self, record) -> str:
        """The path of the record's public page."""
        endpoint, values = self.page(record)
        return url_for(endpoint, **values)

    def get(self, ident: int | None):
        """The record with this id, or NotFound."""
        record = db.session.get(self.model, ident) if ident is not None else None
        if record is None:
            raise NotFound(_("No such record."))
        return record

    def resolve(self, key):
        """The record itself, or the record found by its key (NotFound)."""
        return key if isinstance(key, self.model) else self.find(key)

    def is_archived(self, record) -> bool:
        """True if the record is in its archived state."""
        return all(getattr(record, k) == v for k, v in self.archived.items())

    def is_published(self, record) -> bool:
        """True if the record is in its published state."""
        return all(getattr(record, k) == v for k, v in self.published.items())


_KINDS: dict[str, RecordKind] = {}


def register_record_kind(kind: RecordKind) -> None:
    """Make a kind known to history and moderation (idempotent per name)."""
    _KINDS[kind.name] = kind


def record_kind(name: "str | RecordKind") -> RecordKind:
    """The registered kind called `name`, or NotFound."""
    if isinstance(name, RecordKind):
        return name
    try:
        return _KINDS[name]
    except KeyError:
        raise NotFound(_("No such kind of record.")) from None


def record_kinds() -> list[RecordKind]:
    """Every registered kind, in registration order."""
    return list(_KINDS.values())
