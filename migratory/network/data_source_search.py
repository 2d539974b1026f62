"""Data sources as search documents: "census Kazakhstan" finds Kazakhstan's
census. Registered in create_app; only published data sources are visible."""

from collections.abc import Iterable

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import object_session

from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.network.models import DataSource
from migratory.network.permissions import public_data_sources
from migratory.network.vocab import FLOW_WORDS
from migratory.search.registry import (
    DocumentKind,
    Watch,
    make_document,
    register_document_kind,
)

# Words naming each coverage in English and Russian (not the lazy labels:
# what matches must not depend on the reader's language); types are flows
# (vocab.FLOW_WORDS).
COVERAGE_WORDS = {
    "stocks": "migrant stocks численность мигрантов",
    "flows": "migration flows миграционные потоки",
    "citizenship": "citizenship гражданство",
    "country-of-birth": "country of birth страна рождения",
    "labour-migration": "labour labor migration трудовая миграция",
    "asylum-refugees": "asylum refugees убежище беженцы",
    "acquisition-of-citizenship": "acquisition of citizenship naturalisation "
    "naturalization приобретение гражданства",
    "remittances": "remittances денежные переводы",
    "irregular-migration": "irregular migration нерегулярная миграция",
    "emigration": "emigration эмиграция",
}


def data_source_document(data_source: DataSource) -> dict:
    """The search document of one published data source."""
    institution, country = data_source.institution, data_source.country
    body = [
        FLOW_WORDS.get(data_source.source_type, ""),
        *(COVERAGE_WORDS.get(c, "") for c in data_source.coverage or ()),
        data_source.migrant_definition or "",
        institution.name,
        institution.acronym or "",
        country.name_en,
        country.name_ru or "",
    ]
    return make_document(
        data_source.id,
        data_source.name,
        data_source.updated.timestamp(),
        names=" ".join(n["name"] for n in data_source.names or ()),
        body=" ".join(part for part in body if part),
        country=data_source.country_code,
        country_sort=country.name_en,
        facets={"type": data_source.source_type},
    )


def load_data_sources(ids: Iterable[int], session) -> tuple[list[dict], list[int]]:
    """Documents of the public data sources among `ids`, and the ids to drop."""
    ids = list(ids)
    found = session.scalars(select(DataSource).where(DataSource.id.in_(ids)))
    documents = [data_source_document(s) for s in found if s.is_public]
    shown = {document["id"] for document in documents}
    return documents, [i for i in ids if i not in shown]


def published_data_sources(session) -> dict[int, float]:
    """Every public data source's id and `updated` timestamp."""
    rows = session.execute(
        select(DataSource.id, DataSource.updated).where(public_data_sources())
    )
    return {ident: updated.timestamp() for ident, updated in rows}


# The institution's attributes its data sources' documents depend on.
WATCHED = ("name", "acronym", "status")


def _own_id(data_source: DataSource) -> list[int | None]:
    return [data_source.id]


def sources_of_renamed_institution(institution: Institution) -> list[int | None]:
    """The data sources whose documents name this institution, or which it
    hides or shows, if its name, acronym or status changed (a new institution
    has none; other changes do not matter)."""
    state = inspect(institution)
    session = object_session(institution)
    if session is None or institution in session.new or institution.id is None:
        return []
    if not any(state.attrs[a].history.has_changes() for a in WATCHED):
        return []
    return list(
        session.scalars(
            select(DataSource.id).where(DataSource.institution_id == institution.id)
        )
    )


def _url(ident: int) -> str:
    data_source = db.session.get(DataSource, ident)
    return url_for("data_sources.detail", slug=data_source.slug)


DATA_SOURCES = DocumentKind(
    name="data_source",
    label=_l("Data sources"),
    load=load_data_sources,
    all_ids=published_data_sources,
    watch=(
        Watch(DataSource, _own_id),
        Watch(Institution, sources_of_renamed_institution),
    ),
    url=_url,
)


def register_data_source_search() -> None:
    """Make data sources a kind of search document (called in create_app)."""
    register_document_kind(DATA_SOURCES)
