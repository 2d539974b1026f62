"""Search documents built from institutions: what the index knows of each."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from migratory.inventory.models import Institution
from migratory.search.analysis import words

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
    country = institution.country
    names = " ".join(n.name for n in institution.names)
    return {
        "id": institution.id,
        "name": institution.name,
        "acronym": institution.acronym or "",
        "names": names,
        "city": institution.city or "",
        "summary": institution.summary or "",
        "country": institution.country_code,
        "category": institution.category,
        "topics": institution.topics,
        "roles": institution.roles,
        "name_sort": institution.name_key,
        "country_sort": country.name_en,
        "updated": institution.updated.timestamp(),
    }


def name_words(document: dict) -> list[str]:
    """Folded words of the names and acronym, for autocomplete and acronyms."""
    found = words(" ".join((document["name"], document["acronym"], document["names"])))
    return list(dict.fromkeys(found))


def spelling_words(document: dict) -> list[str]:
    """Folded words a query may be corrected to (numbers left out)."""
    text = " ".join(document[k] for k in ("name", "acronym", "names", "city"))
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
