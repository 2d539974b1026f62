"""Institutions as search documents: the first document kind."""

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from migratory.inventory.models import Institution, InstitutionName, InstitutionTopic
from migratory.search.analysis import words
from migratory.search.registry import DocumentKind, Watch, make_document

# Words naming each topic and category in English and Russian (not the lazy
# labels: what matches must not depend on the reader's language).
TOPIC_WORDS = {
    "labour-migration": "labour labor migration трудовая миграция",
    "remittances": "remittances денежные переводы",
    "asylum-refugees": "asylum refugees убежище беженцы",
    "irregular-migration": "irregular migration нерегулярная миграция",
    "trafficking": "trafficking торговля людьми",
    "integration": "integration интеграция",
    "diaspora": "diaspora диаспора",
    "return-circular-migration": "return circular migration возвратная миграция",
    "border-management": "border management граница",
    "migration-statistics": "migration statistics data миграционная статистика",
    "population-census": "population census население перепись",
    "policy-law": "policy law политика право",
    "development": "development развитие",
}
CATEGORY_WORDS = {
    "government": "government государственные",
    "non-profit": "non-profit nonprofit ngo некоммерческие",
    "academic": "academic university research академические",
    "international": "international международные",
    "other": "other",
}


def institution_document(institution: Institution) -> dict:
    """The search document of one published institution."""
    return make_document(
        institution.id,
        institution.name,
        institution.updated.timestamp(),
        acronym=institution.acronym or "",
        names=" ".join(n.name for n in institution.names),
        place=institution.city or "",
        body=institution.summary or "",
        country=institution.country_code,
        sort=institution.name_key,
        country_sort=institution.country.name_en,
        category=institution.category,
        topics=institution.topics,
        roles=institution.roles,
    )


def name_words(document: dict) -> list[str]:
    """Folded words of the names and acronym, for autocomplete and acronyms."""
    text = " ".join((document["title"], document["acronym"], document["names"]))
    return list(dict.fromkeys(words(text)))


def spelling_words(document: dict) -> list[str]:
    """Folded words a query may be corrected to (numbers left out)."""
    text = " ".join(document[k] for k in ("title", "acronym", "names", "place"))
    return [w for w in dict.fromkeys(words(text)) if not w.isdigit()]


def load_documents(ids: Iterable[int], session) -> tuple[list[dict], list[int]]:
    """Documents of the published institutions among `ids`, and the ids to drop."""
    ids = list(ids)
    query = (
        select(Institution)
        .where(Institution.id.in_(ids))
        .options(selectinload(Institution.names), selectinload(Institution.topic_links))
    )
    documents, published = [], set()
    for institution in session.scalars(query):
        if institution.status == "published":
            documents.append(institution_document(institution))
            published.add(institution.id)
    return documents, [i for i in ids if i not in published]


def published_institutions(session) -> dict[int, float]:
    """Every published institution's id and `updated` timestamp."""
    rows = session.execute(
        select(Institution.id, Institution.updated).where(
            Institution.status == "published"
        )
    )
    return {ident: updated.timestamp() for ident, updated in rows}


def _own_id(institution: Institution) -> list[int | None]:
    return [institution.id]


def _institution_id(row: InstitutionName | InstitutionTopic) -> list[int | None]:
    return [row.institution_id]


INSTITUTIONS = DocumentKind(
    name="institution",
    label=_l("Institutions"),
    load=load_documents,
    all_ids=published_institutions,
    watch=(
        Watch(Institution, _own_id),
        Watch(InstitutionName, _institution_id),
        Watch(InstitutionTopic, _institution_id),
    ),
)
