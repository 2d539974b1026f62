"""Data sources: the only code that writes them, and their record kind (what
history and moderation need; registered in create_app)."""

import logging
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from migratory.core.errors import NotFound, ValidationFailed
from migratory.core.history import add_revision
from migratory.core.i18n import current_language
from migratory.core.records import RecordKind
from migratory.core.text import unique_slug
from migratory.extensions import db
from migratory.network.data_source_labels import field_label, value_label
from migratory.network.models import DataSource
from migratory.network.permissions import (
    keeps_data_source_country,
    may_archive_data_source,
    may_create_data_source,
    may_edit_data_source,
    may_propose_data_source,
    may_see_data_source,
    public_data_sources,
)
from migratory.network.schemas import DataSourceSchema, published_institution

logger = logging.getLogger(__name__)
# The kind data sources have in revisions, proposals and the search index.
DATA_SOURCE = "data_source"

# Fields stored in a column of the same name.
PLAIN_FIELDS = (
    "name",
    "names",
    "coverage",
    "periodicity",
    "latest_year",
    "migrant_definition",
    "access",
    "access_url",
    "publication",
    "quality_note",
    "status",
)
# Only the secretariat sets these; dropped from anyone else's payload.
RESERVED = ("status",)


def data_source_state(data_source: DataSource) -> dict:
    """The full state of a data source, as its revisions keep it."""
    assessed = data_source.quality_assessed
    return {
        "name": data_source.name,
        "names": [dict(n) for n in data_source.names or ()],
        "type": data_source.source_type,
        "institution": data_source.institution.slug,
        "country": data_source.country_code,
        "coverage": sorted(data_source.coverage or ()),
        "periodicity": data_source.periodicity,
        "latest_year": data_source.latest_year,
        "migrant_definition": data_source.migrant_definition,
        "access": data_source.access,
        "access_url": data_source.access_url,
        "publication": data_source.publication,
        "quality_note": data_source.quality_note,
        "quality_assessed": assessed.isoformat() if assessed else None,
        "status": data_source.status,
    }


def validate_data_source(payload: dict) -> dict:
    """Validate raw input with the schema; ValidationFailed with field errors."""
    try:
        return DataSourceSchema().load(payload)
    except ValidationError as exc:
        raise ValidationFailed(
            _("The data source is not valid."), errors=exc.messages
        ) from exc


def _columns(data: dict) -> dict:
    """Validated data (state form) as model attributes and their values."""
    values = {f: data[f] for f in PLAIN_FIELDS if f in data}
    if "type" in data:
        values["source_type"] = data["type"]
    if "country" in data:
        values["country_code"] = data["country"]
    if "quality_assessed" in data:
        assessed = data["quality_assessed"]
        values["quality_assessed"] = date.fromisoformat(assessed) if assessed else None
    if "institution" in data:
        institution = published_institution(data["institution"])
        if institution is None:  # archived since it was validated
            raise ValidationFailed(
                _("The data source is not valid."),
                errors={"institution": [_("Unknown institution.")]},
            )
        values["institution"] = institution
    return values


def _apply(data_source: DataSource, data: dict) -> bool:
    """Set the fields present in `data`; True if anything changed."""
    changed = False
    for attribute, value in _columns(data).items():
        if getattr(data_source, attribute) != value:
            setattr(data_source, attribute, value)
            changed = True
    return changed


def add_data_source(
    data: dict, *, source: str, comment=None, author_id: int | None = None
) -> DataSource:
    """Add a data source from validated data, with a unique slug and its
    first revision (flush; the use case commits)."""
    taken = set(db.session.scalars(select(DataSource.slug)))
    with db.session.no_autoflush:
        data_source = DataSource(
            slug=unique_slug(data["name"], taken, data["country"]),
            status="published",
            names=[],
            coverage=[],
        )
        _apply(data_source, data)
        db.session.add(data_source)
    db.session.flush()
    add_revision(
        DATA_SOURCE,
        data_source.id,
        1,
        data_source_state(data_source),
        source=source,
        comment=comment,
        author_id=author_id,
    )
    db.session.flush()
    logger.info("Data source %s added (%s)", data_source.slug, source)
    return data_source


def change_data_source(
    data_source: DataSource,
    data: dict,
    *,
    source: str,
    comment=None,
    author_id: int | None = None,
    replace: bool = False,
) -> bool:
    """Apply validated data (all of it, or some fields); a revision if
    anything changed (flush, no commit). Names are always replaced whole."""
    # No autoflush: a flush in the middle would move the version counter twice.
    with db.session.no_autoflush:
        if not _apply(data_source, data):
            return False
        add_revision(
            DATA_SOURCE,
            data_source.id,
            data_source.version + 1,
            data_source_state(data_source),
            source=source,
            comment=comment,
            author_id=author_id,
        )
    db.session.flush()
    logger.info("Data source %s changed (%s)", data_source.slug, source)
    return True


def get_data_source(slug: str, *, published_only: bool = False) -> DataSource:
    """The data source with this slug, or NotFound; `published_only`: only a
    public one (published, of a published institution)."""
    query = select(DataSource).where(DataSource.slug == slug)
    if published_only:
        query = query.where(public_data_sources())
    data_source = db.session.scalar(query)
    if data_source is None:
        raise NotFound(_("No such data source."))
    return data_source


def _create(data: dict, *, source: str, comment=None, author_id=None):
    return add_data_source(data, source=source, comment=comment, author_id=author_id)


def _form():
    from migratory.network.data_source_forms import data_source_form

    return data_source_form()


def data_source_kind() -> RecordKind:
    """The record kind of data sources."""
    return RecordKind(
        name=DATA_SOURCE,
        label=_l("Data source"),
        model=DataSource,
        state=data_source_state,
        validate=validate_data_source,
        create=_create,
        change=change_data_source,
        title=lambda s, language=None: s.name_in(language or current_language()),
        page=lambda s: ("data_sources.detail", {"slug": s.slug}),
        find=get_data_source,
        may_edit=may_edit_data_source,
        may_create=may_create_data_source,
        may_archive=may_archive_data_source,
        may_see=may_see_data_source,
        may_propose=may_propose_data_source,
        field_label=field_label,
        value_label=value_label,
        reserved=RESERVED,
        check_direct=keeps_data_source_country,
        form=_form,
    )
