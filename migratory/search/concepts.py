"""Words that name a country, region, topic or category, matched at query time.

Rather than copy "Kazakhstan / Казахстан / Qazaqstan", topic and category words
into every document (a quarter of all postings), a query word that names one
of these matches the documents' country, topic or category field directly.
"""

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from migratory.extensions import db
from migratory.inventory.models import Country, Region
from migratory.search.analysis import terms, words
from migratory.search.documents import CATEGORY_WORDS, TOPIC_WORDS

Concepts = dict[str, dict[str, set[str]]]  # term -> field -> values


def build_concepts() -> tuple[Concepts, list[str]]:
    """Term -> {field: values} for every concept, and the concept words."""
    mapping: Concepts = defaultdict(lambda: defaultdict(set))
    vocabulary: set[str] = set()

    def add(text: str, field: str, values) -> None:
        vocabulary.update(words(text))
        for term in terms(text):
            mapping[term][field].update(values)

    for country in db.session.scalars(select(Country)):
        for text in [country.name_en, country.name_ru or "",
                     *(country.aliases or "").split(";")]:  # fmt: skip
            add(text, "country", [country.iso2])
    regions = select(Region).options(selectinload(Region.countries))
    for region in db.session.scalars(regions):
        members = [c.iso2 for c in region.countries]
        for text in (region.name_en, region.name_ru or ""):
            add(text, "country", members)
    for slug, text in TOPIC_WORDS.items():
        add(text, "topics", [slug])
    for slug, text in CATEGORY_WORDS.items():
        add(text, "category", [slug])
    frozen = {
        term: {f: set(v) for f, v in fields.items()} for term, fields in mapping.items()
    }
    return frozen, sorted(vocabulary)
