"""Data sources as table rows: the CSV and XLSX downloads of the list
(written by core.tabular)."""

from collections.abc import Iterable

from flask import url_for

from migratory.core.tabular import Column
from migratory.network.models import DataSource

# Column names (stable, for scripts) in order; codes for vocabularies, so that
# a download reads the same in every language.
KEYS = (
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
COLUMNS = [Column(key, key) for key in KEYS]


def data_source_row(data_source: DataSource) -> dict:
    """One data source as the values of COLUMNS."""
    values = [
        data_source.slug,
        data_source.name,
        "; ".join(f"{n['lang']}: {n['name']}" for n in data_source.names or ()),
        data_source.source_type,
        data_source.institution.slug,
        data_source.institution.name,
        data_source.country_code,
        data_source.country.name_en,
        data_source.coverage or [],
        data_source.periodicity,
        data_source.latest_year,
        data_source.migrant_definition,
        data_source.access,
        data_source.access_url,
        data_source.publication,
        data_source.quality_note,
        data_source.quality_assessed,
        data_source.updated.date(),
        url_for("data_sources.detail", slug=data_source.slug, _external=True),
    ]
    return dict(zip(KEYS, values, strict=True))


def data_source_rows(data_sources: Iterable[DataSource]) -> list[dict]:
    """Rows of COLUMNS' values, in the order given."""
    return [data_source_row(s) for s in data_sources]
