"""Controlled vocabularies: categories, topics, network roles and statuses."""

from flask_babel import lazy_gettext as _l

CATEGORIES = {
    "government": _l("Government"),
    "non-profit": _l("Non-profit"),
    "academic": _l("Academic"),
    "international": _l("International"),
    "other": _l("Other"),
}

TOPICS = {
    "labour-migration": _l("Labour migration"),
    "remittances": _l("Remittances"),
    "asylum-refugees": _l("Asylum and refugees"),
    "irregular-migration": _l("Irregular migration"),
    "trafficking": _l("Trafficking"),
    "integration": _l("Integration"),
    "diaspora": _l("Diaspora"),
    "return-circular-migration": _l("Return and circular migration"),
    "border-management": _l("Border management"),
    "migration-statistics": _l("Migration statistics and data"),
    "population-census": _l("Population and census"),
    "policy-law": _l("Policy and law"),
    "development": _l("Development"),
}

ROLES = {
    "producer": _l("Statistics producer"),
    "user": _l("Data user"),
}

STATUSES = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "archived": _l("Archived"),
}

# How an entry's coordinates were obtained, and what they locate.
GEO_SOURCES = {
    "entered": _l("entered by hand"),
    "gazetteer": _l("offline gazetteer"),
    "nominatim": _l("OpenStreetMap Nominatim"),
    "ror": _l("Research Organization Registry"),
}

GEO_PRECISIONS = {
    "address": _l("street address"),
    "city": _l("city"),
    "country": _l("country"),
}

SORTS = {
    "name": _l("Name"),
    "country": _l("Country"),
    "updated": _l("Last updated"),
}

# ROR organisation types mapped to our categories.
ROR_TYPE_CATEGORY = {
    "government": "government",
    "nonprofit": "non-profit",
    "education": "academic",
    "facility": "academic",
    "healthcare": "other",
    "funder": "other",
    "company": "other",
    "archive": "other",
    "other": "other",
}
# When a record has several types, the first of these that it has decides.
ROR_TYPE_PRIORITY = ("government", "education", "facility", "nonprofit", "funder")
