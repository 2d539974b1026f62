"""Producer-user links as search documents ("census Kazakhstan" finds them):
the flow in English and Russian words, both institutions' names and
countries, and the description. Visible while the link and both its ends
are published; renaming an institution changes its links' documents."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import aliased, object_session, selectinload

from migratory.inventory.models import Institution, InstitutionName
from migratory.network.models import ProducerUserLink
from migratory.network.vocab import FLOW_WORDS
from migratory.search.registry import DocumentKind, Watch, make_document


def _institution_words(institution: Institution) -> str:
    """Names in every language, acronym and country (English and Russian)."""
    country = institution.country
    return " ".join(
        part
        for part in (
            institution.name,
            institution.acronym or "",
            *(n.name for n in institution.names),
            country.name_en,
            country.name_ru or "",
            (country.aliases or "").replace(";", " "),
        )
        if part
    )


def link_document(link: ProducerUserLink) -> dict:
    """The search document of one visible link."""
    producer, user = link.producer, link.consumer
    return make_document(
        link.id,
        f"{producer.name} → {user.name}",
        link.updated.timestamp(),
        names=" ".join(n.name for n in (*producer.names, *user.names) if n.name),
        body=" ".join(
            part
            for part in (
                FLOW_WORDS.get(link.flow, link.flow),
                _institution_words(producer),
                _institution_words(user),
                link.description or "",
            )
            if part
        ),
        country=producer.country_code,
        country_sort=producer.country.name_en,
        facets={
            "flow": link.flow,
            "country": sorted({producer.country_code, user.country_code}),
        },
    )


def _visible(link: ProducerUserLink) -> bool:
    return all(
        record.status == "published" for record in (link, link.producer, link.consumer)
    )


def load_links(ids, session) -> tuple[list[dict], list[int]]:
    """Documents of the visible links among `ids`, and the ids to drop."""
    ids = list(ids)
    query = (
        select(ProducerUserLink)
        .where(ProducerUserLink.id.in_(ids))
        .options(
            selectinload(ProducerUserLink.producer).selectinload(Institution.names),
            selectinload(ProducerUserLink.consumer).selectinload(Institution.names),
        )
    )
    documents, shown = [], set()
    for link in session.scalars(query):
        if _visible(link):
            documents.append(link_document(link))
            shown.add(link.id)
    return documents, [i for i in ids if i not in shown]


def visible_links(session) -> dict[int, float]:
    """Every visible link's id and the `updated` timestamp of its document."""
    producer, consumer = aliased(Institution), aliased(Institution)
    rows = session.execute(
        select(ProducerUserLink.id, ProducerUserLink.updated)
        .join(producer, ProducerUserLink.producer_id == producer.id)
        .join(consumer, ProducerUserLink.consumer_id == consumer.id)
        .where(
            ProducerUserLink.status == "published",
            producer.status == "published",
            consumer.status == "published",
        )
    )
    return {ident: updated.timestamp() for ident, updated in rows}


def _own_id(link: ProducerUserLink) -> list[int | None]:
    return [link.id]


def _links_of(obj, institution_id: int | None) -> list[int]:
    """Ids of the links with this institution at either end (run in a flush,
    by the flushing session, in its transaction)."""
    session = object_session(obj)
    if institution_id is None or session is None:
        return []
    return list(
        session.scalars(
            select(ProducerUserLink.id).where(
                or_(
                    ProducerUserLink.producer_id == institution_id,
                    ProducerUserLink.consumer_id == institution_id,
                )
            )
        )
    )


# The institution's attributes its links' documents and visibility depend on.
WATCHED = ("name", "acronym", "status", "country_code")


def _links_of_institution(institution: Institution) -> list[int]:
    """The links of an institution whose name, acronym, status or country
    changed (other changes, such as a confirmation, leave their documents)."""
    state = inspect(institution)
    if state.pending or institution.id is None:
        return []  # a new institution has no links yet
    if not any(state.attrs[a].history.has_changes() for a in WATCHED):
        return []
    return _links_of(institution, institution.id)


def _links_of_name(name: InstitutionName) -> list[int]:
    return _links_of(name, name.institution_id)


def _link_url(ident: int) -> str:
    return url_for("links.detail", ident=ident)


LINKS = DocumentKind(
    name="link",
    label=_l("Producer–user links"),
    load=load_links,
    all_ids=visible_links,
    watch=(
        Watch(ProducerUserLink, _own_id),
        Watch(Institution, _links_of_institution),
        Watch(InstitutionName, _links_of_name),
    ),
    url=_link_url,
)


def register_link_search() -> None:
    """Make links a kind of search document (idempotent)."""
    from migratory.search.registry import register_document_kind

    register_document_kind(LINKS)
