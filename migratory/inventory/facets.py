"""Facets of the list and search pages: each value with its count, largest
first, empty values hidden (unless chosen), regions grouped by kind."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from migratory.extensions import db
from migratory.inventory.caching import cached_reference
from migratory.inventory.models import Institution, InstitutionTopic
from migratory.inventory.queries import (
    country_options,
    filter_values,
    filtered_select,
    region_members,
    region_options,
)
from migratory.inventory.vocab import CATEGORIES, ROLES, TOPICS

SHOWN = 8  # values shown before "show more"
# What facet counts depend on (not the page, the order or the page size).
FILTER_KEYS = ("country", "region", "category", "topic", "role")
REGION_KINDS = {
    "grouping": _l("Groupings"),
    "m49-region": _l("World regions"),
    "m49-subregion": _l("Sub-regions"),
}

Facet = list[tuple[str, str, int]]  # (value, label, count)


def _without(filters: dict, key: str) -> dict:
    return {k: v for k, v in filters.items() if k != key}


def _grouped_counts(filters: dict, column) -> dict[str, int]:
    query = filtered_select(filters).with_only_columns(column, func.count())
    return dict(db.session.execute(query.group_by(column)).all())


def _topic_counts(filters: dict) -> dict[str, int]:
    query = (
        filtered_select(filters)
        .join(InstitutionTopic, InstitutionTopic.institution_id == Institution.id)
        .with_only_columns(InstitutionTopic.topic, func.count())
        .group_by(InstitutionTopic.topic)
    )
    return dict(db.session.execute(query).all())


def _role_counts(filters: dict) -> dict[str, int]:
    query = filtered_select(filters).with_only_columns(
        func.count().filter(Institution.is_producer.is_(True)),
        func.count().filter(Institution.is_user.is_(True)),
    )
    producers, users = db.session.execute(query).one()
    return {"producer": producers, "user": users}


def region_counts(by_country: dict[str, int]) -> dict[str, int]:
    """Per region, the sum of its countries' counts (an entry is in one country)."""
    return {
        slug: sum(by_country.get(code, 0) for code in codes)
        for slug, codes in region_members().items()
    }


def list_facets(filters: dict) -> dict[str, Facet]:
    """Counts of every facet's values; each facet counts under the other
    facets' filters, so that more values of it can be added. Kept while the
    data stands: every page and order of one filter shares them."""
    key = repr(sorted((k, filters[k]) for k in FILTER_KEYS if filters.get(k)))
    counts = cached_reference(f"facets {key}", lambda: _facet_counts(filters))
    labels = {
        "category": CATEGORIES,
        "country": {c.code: c.name for c in country_options()},
        "region": {r.code: r.name for r in region_options()},
        "topic": TOPICS,
        "role": ROLES,
    }
    return {
        name: ordered(counts[name], labels[name], filter_values(filters.get(name)))
        for name in counts
    }


def _facet_counts(filters: dict) -> dict[str, dict[str, int]]:
    by_country = _without(filters, "region")
    return {
        "category": _grouped_counts(
            _without(filters, "category"), Institution.category
        ),
        "country": _grouped_counts(
            _without(filters, "country"), Institution.country_code
        ),
        "region": region_counts(_grouped_counts(by_country, Institution.country_code)),
        "topic": _topic_counts(_without(filters, "topic")),
        "role": _role_counts(_without(filters, "role")),
    }


def ordered(counts: dict[str, int], labels, chosen: list[str]) -> Facet:
    """Values with a count or chosen, largest first, then by label."""
    items = [
        (value, str(labels.get(value, value)), counts.get(value, 0))
        for value in set(counts) | set(chosen)
        if counts.get(value) or value in chosen
    ]
    return sorted(items, key=lambda item: (-item[2], item[1]))


def shown_and_more(items: Facet, chosen: list[str]) -> tuple[Facet, Facet]:
    """The first SHOWN values (chosen ones always among them), and the rest."""
    first = [i for i in items if i[0] in chosen]
    first += [i for i in items if i[0] not in chosen][: max(SHOWN - len(first), 0)]
    return first, [i for i in items if i not in first]


def grouped_regions(items: Facet) -> list[tuple[str, Facet]]:
    """Region values under their kind (groupings, world regions, sub-regions),
    since one country belongs to several overlapping regions."""
    kinds = {r.code: r.kind for r in region_options()}
    groups = []
    for kind, label in REGION_KINDS.items():
        members = [i for i in items if kinds.get(i[0]) == kind]
        if members:
            groups.append((str(label), members))
    return groups
