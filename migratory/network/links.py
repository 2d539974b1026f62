"""Producer-user links: the only code that writes them, their kind of
versioned record (history, proposals, restore, archive through the generic
mechanisms), and the count per country that /network shows."""

import logging

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import func, select, union_all
from sqlalchemy.orm import aliased

from migratory.core.errors import NotFound, ValidationFailed
from migratory.core.history import add_revision
from migratory.core.i18n import current_language
from migratory.core.labels import vocabulary_label
from migratory.core.models import utcnow
from migratory.core.records import RecordKind
from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.network import permissions
from migratory.network.link_schemas import (
    LinkSchema,
    duplicate_message,
    duplicate_of,
    find_data_source,
    find_institution,
    format_years,
)
from migratory.network.models import ProducerUserLink
from migratory.network.request_memo import per_request
from migratory.network.vocab import FLOWS, RECORD_STATUSES

logger = logging.getLogger(__name__)
# The kind links have in revisions, proposals and the search index.
LINK = "link"
# Only the secretariat sets the status through a form (others archive).
RESERVED = ("status",)
HIDDEN = frozenset({"id"})

FIELD_LABELS = {
    "producer": _l("Producer"),
    "user": _l("User"),
    "flow": _l("What flows"),
    "data_source": _l("Data source"),
    "description": _l("Description"),
    "years": _l("Years covered"),
    "year_from": _l("First year covered"),
    "year_to": _l("Last year covered"),
    "status": _l("Status"),
}


def link_state(link: ProducerUserLink) -> dict:
    """The saved state of a link, as kept in its revisions (and validated
    again on restore)."""
    return {
        "id": link.id,
        "producer": link.producer.slug,
        "user": link.consumer.slug,
        "flow": link.flow,
        "data_source": link.data_source.slug if link.data_source else None,
        "description": link.description,
        "year_from": link.year_from,
        "year_to": link.year_to,
        "status": link.status,
    }


def validate_link(payload: dict) -> dict:
    """Raw input (a form, a proposal, a revision, an import row) to clean
    data in the shape of the saved state; ValidationFailed with field errors."""
    try:
        return LinkSchema().load(payload)
    except ValidationError as exc:
        raise ValidationFailed(
            _("The link is not valid."), errors=exc.messages
        ) from exc


def _values(data: dict) -> dict:
    """Model attributes for the keys present in validated data."""
    values = {}
    for key, attr in (("producer", "producer"), ("user", "consumer")):
        if key in data:
            values[attr] = find_institution(data[key], published=False)
    if "data_source" in data:
        values["data_source"] = find_data_source(data["data_source"])
    for key in ("flow", "description", "year_from", "year_to", "status"):
        if key in data:
            values[key] = data[key]
    return values


def _check_unique(producer, consumer, flow: str, own_id: int | None) -> None:
    """The same producer, user and flow twice is refused, with where the
    other is (the schema says so first; this guards every write)."""
    other = duplicate_of(producer.id, consumer.id, flow, own_id)
    if other is not None:
        raise ValidationFailed(
            _("The link is not valid."), errors={"flow": [duplicate_message(other)]}
        )


def create_link(data: dict, *, source: str, comment=None, author_id=None):
    """Add a link from validated data with its first revision (flush only)."""
    values = {"status": "published", **_values(data)}
    _check_unique(values["producer"], values["consumer"], values["flow"], None)
    link = ProducerUserLink(**values)
    db.session.add(link)
    db.session.flush()
    add_revision(
        LINK,
        link.id,
        1,
        link_state(link),
        source=source,
        comment=comment,
        author_id=author_id,
    )
    db.session.flush()
    logger.info("Link %s added (%s)", link.id, source)
    return link


def change_link(
    link, data: dict, *, source, comment=None, author_id=None, replace=False
):
    """Apply the keys present in validated data (a whole form, or a status);
    write a revision if anything changed (flush only). `replace` is the
    generic signature's: a link has no list to merge."""
    values = _values(data)
    with db.session.no_autoflush:
        changed = {k: v for k, v in values.items() if getattr(link, k) != v}
        if not changed:
            return False
        ends = {"producer", "consumer", "flow"}
        if ends & changed.keys():
            after = {k: values.get(k, getattr(link, k)) for k in ends}
            _check_unique(after["producer"], after["consumer"], after["flow"], link.id)
        for key, value in changed.items():
            setattr(link, key, value)
        link.updated = utcnow()
        add_revision(
            LINK,
            link.id,
            link.version + 1,
            link_state(link),
            source=source,
            comment=comment,
            author_id=author_id,
        )
    # A lost race for the version counter raises here; the use case turns
    # it into a Conflict.
    db.session.flush()
    return True


def get_link(ident) -> ProducerUserLink:
    """The link with this id (any status), or NotFound."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        ident = None
    link = db.session.get(ProducerUserLink, ident) if ident is not None else None
    if link is None:
        raise NotFound(_("No such link."))
    return link


def link_title(link, language: str | None = None) -> str:
    """ "Producer → User" in `language` (the reader's by default)."""
    language = language or current_language()
    return (
        f"{link.producer.display_name_in(language)} → "
        f"{link.consumer.display_name_in(language)}"
    )


def title_of_data(data: dict) -> str:
    """The title of a proposed new link, from its payload: the names of the
    institutions it names (their keys where none is found)."""

    def name(key) -> str:
        found = find_institution(key, published=False) if isinstance(key, str) else None
        return found.display_name if found else str(key or "?")

    return f"{name(data.get('producer'))} → {name(data.get('user'))}"


def _institution_name(key: str) -> str:
    found = find_institution(key, published=False)
    return found.display_name if found else str(key)


def _data_source_name(slug: str) -> str:
    found = find_data_source(slug)
    return found.display_name if found else str(slug)


def value_label(field: str, value) -> str:
    """A saved value as a reader sees it: names, never slugs or codes (each
    looked up once a request: history pages repeat them)."""
    if value in (None, ""):
        return ""
    if field in ("producer", "user"):
        return per_request("institution", value, lambda: _institution_name(value))
    if field == "data_source":
        return per_request("data_source", value, lambda: _data_source_name(value))
    if field == "flow":
        return vocabulary_label(FLOWS, value)
    if field == "status":
        return vocabulary_label(RECORD_STATUSES, value)
    return str(value)


def years_label(link) -> str:
    """The years a link covers, as a reader writes them."""
    return format_years(link.year_from, link.year_to)


def _ends(data: dict):
    return (
        find_institution(data.get("producer"), published=False),
        find_institution(data.get("user"), published=False),
    )


def _may_create(user, data: dict) -> bool:
    return permissions.may_create_link(user, *_ends(data))


def _keeps_an_end(user, link, data: dict) -> None:
    """A focal point's direct change keeps one end an institution of theirs."""
    if "producer" in data or "user" in data:
        permissions.keeps_link_end(user, *_ends(data))


def _form():
    from migratory.network.link_forms import LinkForm

    return LinkForm()


def link_kind() -> RecordKind:
    """The record kind of producer-user links."""
    return RecordKind(
        name=LINK,
        label=_l("Producer–user link"),
        model=ProducerUserLink,
        state=link_state,
        validate=validate_link,
        create=create_link,
        change=change_link,
        title=link_title,
        page=lambda link: ("links.detail", {"ident": link.id}),
        find=get_link,
        may_edit=permissions.may_edit_link,
        may_create=_may_create,
        may_archive=permissions.may_archive_link,
        may_see=permissions.may_see_link,
        may_propose=permissions.may_propose_link,
        field_label=lambda field: FIELD_LABELS.get(field, field),
        value_label=value_label,
        title_of_data=title_of_data,
        hidden=HIDDEN,
        reserved=RESERVED,
        check_direct=_keeps_an_end,
        form=_form,
    )


def require_visible(user, link) -> ProducerUserLink:
    """The link if `user` may see it; NotFound otherwise (it does not exist
    for them)."""
    if not permissions.may_see_link(user, link):
        raise NotFound(_("No such link."))
    return link


def link_counts_by_country() -> dict[str, int]:
    """Published links per country: a link counts for the country of either
    end, once per country (a link within one country counts once)."""
    producer, consumer = aliased(Institution), aliased(Institution)
    visible = (
        ProducerUserLink.status == "published",
        producer.status == "published",
        consumer.status == "published",
    )
    ends = union_all(
        *(
            select(ProducerUserLink.id.label("link"), end.country_code.label("code"))
            .join(producer, ProducerUserLink.producer_id == producer.id)
            .join(consumer, ProducerUserLink.consumer_id == consumer.id)
            .where(*visible)
            for end in (producer, consumer)
        )
    ).subquery()
    rows = db.session.execute(
        select(ends.c.code, func.count(func.distinct(ends.c.link))).group_by(
            ends.c.code
        )
    )
    return {code: count for code, count in rows}
