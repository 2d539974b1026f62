"""Producer-user links as table rows: the CSV and XLSX downloads of the list.

The columns `producer`, `user`, `flow`, `description` and `years` are those
`flask network import-links` reads, so a download can be imported again.
"""

from collections.abc import Iterable

from flask import url_for

from migratory.core.tabular import TABULAR_FORMATS
from migratory.network.link_schemas import format_years
from migratory.network.models import ProducerUserLink

EXPORT_FORMATS = tuple(TABULAR_FORMATS)
# Column names (stable, for scripts, and the headers too) in order; codes for
# vocabularies, so that a download reads the same in every language.
KEYS = (
    "producer",
    "user",
    "flow",
    "description",
    "years",
    "producer_name",
    "producer_country",
    "user_name",
    "user_country",
    "data_source",
    "year_from",
    "year_to",
    "id",
    "updated",
    "url",
)
COLUMNS = [(key, key) for key in KEYS]


def link_row(link: ProducerUserLink) -> list:
    """One link as the values of KEYS."""
    return [
        link.producer.slug,
        link.consumer.slug,
        link.flow,
        link.description,
        format_years(link.year_from, link.year_to).replace("–", "-"),
        link.producer.name,
        link.producer.country_code,
        link.consumer.name,
        link.consumer.country_code,
        link.public_data_source.slug if link.public_data_source else None,
        link.year_from,
        link.year_to,
        link.id,
        link.updated.date().isoformat(),
        url_for("links.detail", ident=link.id, _external=True),
    ]


def link_rows(links: Iterable[ProducerUserLink]) -> list[list]:
    """Rows of KEYS' values, in the order given."""
    return [link_row(link) for link in links]
