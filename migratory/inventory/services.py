"""Inventory services: the only code that writes institutions."""

import logging
from types import SimpleNamespace

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import insert, select

from migratory.core.changes import mark_changed
from migratory.core.errors import Conflict, NotFound, ValidationFailed
from migratory.core.history import Revision, add_revision, revision_row
from migratory.core.models import utcnow
from migratory.core.text import normalize_name, unique_slug, website_key
from migratory.extensions import db
from migratory.geo.services import (
    COORDINATE_FIELDS,
    LOCATION_FIELDS,
    place,
    placement,
)
from migratory.inventory.models import (
    Institution,
    InstitutionName,
    InstitutionTopic,
)
from migratory.inventory.schemas import FLAT_FIELDS, InstitutionSchema

logger = logging.getLogger(__name__)
# The kind institutions have in revisions and proposals (core.records).
INSTITUTION = "institution"

# Model columns set directly from validated data (topics and roles are not).
SCALAR_FIELDS = tuple(
    "country_code" if f == "country" else f
    for f in FLAT_FIELDS
    if f not in ("topics", "roles")
)
# Revisions keep what a person can change; timestamps live on the revision.
STATE_FIELDS = tuple(
    f
    for f in InstitutionSchema().fields
    if f not in ("country_name", "url", "created", "updated")
)
_state_schema = InstitutionSchema(only=STATE_FIELDS)


def institution_state(institution: Institution) -> dict:
    """The serialized state of an institution, as kept in its revisions."""
    return _state_schema.dump(institution)


def validate_institution(payload: dict, country_codes: set[str] | None = None) -> dict:
    """Validate raw input with the schema; raise ValidationFailed with field errors."""
    try:
        return InstitutionSchema(country_codes=country_codes).load(payload)
    except ValidationError as exc:
        raise ValidationFailed(
            _("The entry is not valid."), errors=exc.messages
        ) from exc


def taken_slugs() -> set[str]:
    """All slugs in use."""
    return set(db.session.scalars(select(Institution.slug)))


def _apply(institution: Institution, data: dict, replace_names: bool = False) -> bool:
    """Copy the keys present in `data` onto `institution`; True if anything changed.

    Names in other languages are merged (imports add languages), or replaced
    as a whole with `replace_names` (edit forms and restores say them all).
    """
    stored = {f: getattr(institution, f) for f in LOCATION_FIELDS + COORDINATE_FIELDS}
    changed = False
    for field in SCALAR_FIELDS:
        if field in COORDINATE_FIELDS:
            continue  # `_place` decides them, from what was stored and what is new
        if field in data and getattr(institution, field) != data[field]:
            setattr(institution, field, data[field])
            changed = True
    if "roles" in data:
        for role, attr in (("producer", "is_producer"), ("user", "is_user")):
            if getattr(institution, attr) != (role in data["roles"]):
                setattr(institution, attr, role in data["roles"])
                changed = True
    if "topics" in data and institution.topics != data["topics"]:
        institution.topic_links = [InstitutionTopic(topic=t) for t in data["topics"]]
        changed = True
    if "names" in data and replace_names:
        changed = _replace_names(institution, data["names"]) or changed
    elif "names" in data and _names_differ(institution, data["names"]):
        _merge_names(institution, data["names"])
        changed = True
    changed = _place(institution, stored, data) or changed
    institution.name_key = normalize_name(institution.name)
    institution.website_key = website_key(institution.website)
    return changed


def _place(institution: Institution, stored: dict, data: dict) -> bool:
    """Set the coordinates `placement` decides on; True if they changed."""
    changed = False
    for field, value in placement(stored, data).items():
        if getattr(institution, field) != value:
            setattr(institution, field, value)
            changed = True
    return changed


def _names_differ(institution: Institution, names: list[dict]) -> bool:
    current = {n.lang: n.name for n in institution.names}
    return any(current.get(n["lang"]) != n["name"] for n in names)


def _replace_names(institution: Institution, names: list[dict]) -> bool:
    """Make the names exactly `names`, updating rows in place (one per language)."""
    wanted = {n["lang"]: n["name"] for n in names}
    current = {n.lang: n for n in institution.names}
    changed = False
    for lang, row in current.items():
        if lang not in wanted:
            institution.names.remove(row)
            changed = True
        elif row.name != wanted[lang]:
            row.name = wanted[lang]
            changed = True
    for lang, name in wanted.items():
        if lang not in current:
            institution.names.append(InstitutionName(lang=lang, name=name))
            changed = True
    return changed


def _merge_names(institution: Institution, names: list[dict]) -> None:
    """Add or replace names by language; languages not given are kept."""
    by_lang = {n.lang: n for n in institution.names}
    for item in names:
        if item["lang"] in by_lang:
            by_lang[item["lang"]].name = item["name"]
        else:
            institution.names.append(
                InstitutionName(lang=item["lang"], name=item["name"])
            )


def _record_revision(
    institution: Institution,
    number: int,
    source: str,
    comment: str | None,
    author_id: int | None = None,
) -> None:
    """Keep the full state after this change as revision `number`."""
    add_revision(
        INSTITUTION,
        institution.id,
        number,
        institution_state(institution),
        source=source,
        comment=comment,
        author_id=author_id,
    )


NEW_DEFAULTS = {"status": "published", "names": [], "topics": [], "roles": []}


def insert_institutions(
    items: list[dict],
    *,
    source: str,
    slugs: set[str],
    comment: str | None = None,
    synthetic: bool = False,
    author_id: int | None = None,
) -> list[int]:
    """Insert validated new institutions with their first revision (no commit).

    Set-based inserts rather than one ORM object each: imports of 100,000 rows
    spend their time here. Returns the new ids in the order of `items`.
    """
    now = utcnow()
    records, extras = [], []
    for item in items:
        data = {**NEW_DEFAULTS, **item}
        slug = unique_slug(data["name"], slugs, data["country_code"])
        slugs.add(slug)
        record = {field: data.get(field) for field in SCALAR_FIELDS}
        record.update(
            slug=slug,
            version=1,
            created=now,
            updated=now,
            is_synthetic=synthetic,
            is_producer="producer" in data["roles"],
            is_user="user" in data["roles"],
            name_key=normalize_name(data["name"]),
            website_key=website_key(data.get("website")),
        )
        place(record)
        records.append(record)
        extras.append(data)
    statement = insert(Institution).returning(
        Institution.id, sort_by_parameter_order=True
    )
    ids = list(db.session.scalars(statement, records))
    mark_changed(db.session, ids)
    names, topics, revisions = [], [], []
    for ident, record, data in zip(ids, records, extras, strict=True):
        names += [{"institution_id": ident, **n} for n in data["names"]]
        topics += [{"institution_id": ident, "topic": t} for t in data["topics"]]
        state = SimpleNamespace(
            **record, names=data["names"], topics=data["topics"], roles=data["roles"]
        )
        revisions.append(
            revision_row(
                INSTITUTION,
                ident,
                _state_schema.dump(state),
                source=source,
                comment=comment,
                created=now,
                author_id=author_id,
            )
        )
    for model, rows in (
        (InstitutionName, names),
        (InstitutionTopic, topics),
        (Revision, revisions),
    ):
        if rows:
            db.session.execute(insert(model), rows)
    return ids


def change_institution(
    institution: Institution,
    data: dict,
    *,
    source: str,
    comment: str | None = None,
    expected_version: int | None = None,
    author_id: int | None = None,
    replace_names: bool = False,
) -> bool:
    """Apply a change in the session (no commit); record a revision if it changed."""
    if expected_version is not None and expected_version != institution.version:
        raise Conflict(_("This entry was changed by someone else since you opened it."))
    # No autoflush: lazy loads inside would flush half a change and move the
    # version counter more than once.
    with db.session.no_autoflush:
        if not _apply(institution, data, replace_names):
            return False
        institution.updated = utcnow()
        _record_revision(
            institution, institution.version + 1, source, comment, author_id
        )
    return True


def add_institution(
    payload: dict, *, source: str = "web", comment=None, author_id: int | None = None
) -> Institution:
    """Validate and add an institution with its first revision (flush, no
    commit: the use case that calls it commits once, with its other writes)."""
    return add_validated_institution(
        validate_institution(payload),
        source=source,
        comment=comment,
        author_id=author_id,
    )


def add_validated_institution(
    data: dict, *, source: str = "web", comment=None, author_id: int | None = None
) -> Institution:
    """Add an institution from validated data with its first revision (flush)."""
    [ident] = insert_institutions(
        [data],
        source=source,
        slugs=taken_slugs(),
        comment=comment,
        author_id=author_id,
    )
    institution = db.session.get(Institution, ident)
    logger.info("Institution %s added (%s)", institution.slug, source)
    return institution


def create_institution(
    payload: dict, *, source: str = "web", comment=None, author_id: int | None = None
) -> Institution:
    """Create an institution as a use case of its own: add it, then commit."""
    institution = add_institution(
        payload, source=source, comment=comment, author_id=author_id
    )
    db.session.commit()
    return institution


def update_institution(
    slug: str,
    payload: dict,
    *,
    source: str = "web",
    comment: str | None = None,
    expected_version: int | None = None,
    author_id: int | None = None,
    replace_names: bool = False,
) -> Institution:
    """Validate and apply a change to an existing institution; commit and log."""
    institution = get_institution(slug)
    data = validate_institution(payload)
    if change_institution(
        institution,
        data,
        source=source,
        comment=comment,
        expected_version=expected_version,
        author_id=author_id,
        replace_names=replace_names,
    ):
        db.session.commit()
        logger.info("Institution %s updated (%s)", slug, source)
    return institution


def get_institution(slug: str, *, published_only: bool = False) -> Institution:
    """The institution with this slug, or NotFound."""
    query = select(Institution).where(Institution.slug == slug)
    if published_only:
        query = query.where(Institution.status == "published")
    institution = db.session.scalar(query)
    if institution is None:
        raise NotFound(_("No such institution."))
    return institution
