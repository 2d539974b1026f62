"""Data sources as table rows: the CSV and XLSX downloads of the list."""

from collections.abc import Iterable

from flask import url_for

from migratory.network.models import DataSource

# Column names (stable, for scripts) in order; codes for vocabularies, so that
# a download reads the same in every language.
COLUMNS = (
    "slug",
    "name",
    "names",
    "type",
    "institution",
    "institution_name",
    "country",
    "country_name",
    "coverage",
    "periodicity",
    "latest_year",
    "migrant_definition",
    "access",
    "access_url",
    "publication",
    "quality_note",
    "quality_assessed",
    "updated",
    "url",
)


def data_source_row(data_source: DataSource) -> list:
    """One data source as the values of COLUMNS."""
    assessed = data_source.quality_assessed
    return [
        data_source.slug,
        data_source.name,
        "; ".join(f"{n['lang']}: {n['name']}" for n in data_source.names or ()),
        data_source.source_type,
        data_source.institution.slug,
        data_source.institution.name,
        data_source.country_code,
        data_source.country.name_en,
        ";".join(data_source.coverage or ()),
        data_source.periodicity,
        data_source.latest_year,
        data_source.migrant_definition,
        data_source.access,
        data_source.access_url,
        data_source.publication,
        data_source.quality_note,
        assessed.isoformat() if assessed else None,
        data_source.updated.date().isoformat(),
        url_for("data_sources.detail", slug=data_source.slug, _external=True),
    ]


def data_source_rows(data_sources: Iterable[DataSource]) -> list[list]:
    """Rows of COLUMNS' values, in the order given."""
    return [data_source_row(s) for s in data_sources]


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
        body = b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
        return body, "text/csv; charset=utf-8"
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data sources")
    sheet.append(list(columns))
    for row in safe:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return buffer.getvalue(), media
