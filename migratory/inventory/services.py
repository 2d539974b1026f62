"""Inventory services: the only code that writes institutions."""

import logging

from marshmallow import ValidationError
from sqlalchemy import select

from migratory.core.errors import Conflict, NotFound, ValidationFailed
from migratory.core.models import utcnow
from migratory.core.text import normalize_name, unique_slug, website_key
from migratory.extensions import db
from migratory.inventory.models import (
    Institution,
    InstitutionName,
    InstitutionRevision,
    InstitutionTopic,
)
from migratory.inventory.schemas import InstitutionSchema

logger = logging.getLogger(__name__)

SCALAR_FIELDS = (
    "name",
    "acronym",
    "category",
    "summary",
    "website",
    "email",
    "phone",
    "address",
    "city",
    "country_code",
    "latitude",
    "longitude",
    "status",
    "ror_id",
    "last_verified",
)
STATE_FIELDS = tuple(
    f for f in InstitutionSchema().fields if f not in ("country_name", "url")
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
        raise ValidationFailed("The entry is not valid.", errors=exc.messages) from exc


def taken_slugs() -> set[str]:
    """All slugs in use."""
    return set(db.session.scalars(select(Institution.slug)))


def _apply(institution: Institution, data: dict) -> bool:
    """Copy the keys present in `data` onto `institution`; True if anything changed."""
    changed = False
    for field in SCALAR_FIELDS:
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
    if "names" in data and _names_differ(institution, data["names"]):
        _merge_names(institution, data["names"])
        changed = True
    institution.name_key = normalize_name(institution.name)
    institution.website_key = website_key(institution.website)
    return changed


def _names_differ(institution: Institution, names: list[dict]) -> bool:
    current = {n.lang: n.name for n in institution.names}
    return any(current.get(n["lang"]) != n["name"] for n in names)


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
    institution: Institution, number: int, source: str, comment: str | None
) -> None:
    """Keep the full state after this change as revision `number`."""
    revision = InstitutionRevision(
        number=number,
        source=source,
        comment=comment,
        data=institution_state(institution),
    )
    if institution.id is None:
        revision.institution = institution
    else:
        # By id, not through the collection, which would load every revision.
        revision.institution_id = institution.id
    db.session.add(revision)


def new_institution(
    data: dict,
    *,
    source: str,
    slugs: set[str],
    comment: str | None = None,
    synthetic: bool = False,
) -> Institution:
    """Add a new institution and its first revision to the session (no commit)."""
    data = {"status": "published", "names": [], "topics": [], "roles": [], **data}
    slug = unique_slug(data["name"], slugs, data["country_code"])
    slugs.add(slug)
    institution = Institution(slug=slug, is_synthetic=synthetic, version=1)
    _apply(institution, data)
    db.session.add(institution)
    _record_revision(institution, 1, source, comment)
    return institution


def change_institution(
    institution: Institution,
    data: dict,
    *,
    source: str,
    comment: str | None = None,
    expected_version: int | None = None,
) -> bool:
    """Apply a change in the session (no commit); record a revision if it changed."""
    if expected_version is not None and expected_version != institution.version:
        raise Conflict("This entry was changed by someone else since you opened it.")
    # No autoflush: lazy loads inside would flush half a change and move the
    # version counter more than once.
    with db.session.no_autoflush:
        if not _apply(institution, data):
            return False
        institution.updated = utcnow()
        _record_revision(institution, institution.version + 1, source, comment)
    return True


def create_institution(
    payload: dict, *, source: str = "web", comment=None
) -> Institution:
    """Validate and create an institution; commit and log."""
    data = validate_institution(payload)
    institution = new_institution(
        data, source=source, slugs=taken_slugs(), comment=comment
    )
    db.session.commit()
    logger.info("Institution %s created (%s)", institution.slug, source)
    return institution


def update_institution(
    slug: str,
    payload: dict,
    *,
    source: str = "web",
    comment: str | None = None,
    expected_version: int | None = None,
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
        raise NotFound("No such institution.")
    return institution
