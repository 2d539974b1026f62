"""Producer-user links as table rows: the CSV and XLSX downloads of the list.

The columns `producer`, `user`, `flow`, `description` and `years` are those
`flask network import-links` reads, so a download can be imported again.
"""

from collections.abc import Iterable

from flask import url_for

from migratory.network.link_schemas import format_years
from migratory.network.models import ProducerUserLink

EXPORT_FORMATS = ("csv", "xlsx")
# Column names (stable, for scripts) in order; codes for vocabularies, so that
# a download reads the same in every language.
COLUMNS = (
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


def link_row(link: ProducerUserLink) -> list:
    """One link as the values of COLUMNS."""
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
        link.data_source.slug if link.data_source else None,
        link.year_from,
        link.year_to,
        link.id,
        link.updated.date().isoformat(),
        url_for("links.detail", ident=link.id, _external=True),
    ]


def link_rows(links: Iterable[ProducerUserLink]) -> list[list]:
    """Rows of COLUMNS' values, in the order given."""
    return [link_row(link) for link in links]


def interim_table(columns, rows, fmt: str) -> tuple[bytes, str]:
    """CSV or XLSX bytes and their media type (until core.tabular lands)."""
    import csv
    import io

    from migratory.inventory.exporting import defuse_formula

    safe = [[defuse_formula(v) for v in row] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows(safe)
        return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"), (
            "text/csv; charset=utf-8"
        )
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("links")
    sheet.append(list(columns))
    for row in safe:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return buffer.getvalue(), media
