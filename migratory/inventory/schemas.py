"""Marshmallow schemas: the one validation path for forms, imports, seed and API."""

import re
from datetime import UTC

from flask import url_for
from flask_babel import gettext as _
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validates,
    validates_schema,
)
from marshmallow.validate import Length, OneOf, Range, Regexp
from sqlalchemy import select

from migratory.core.text import strip_control
from migratory.extensions import db
from migratory.inventory.models import Country, Region
from migratory.inventory.vocab import CATEGORIES, ROLES, SORTS, STATUSES, TOPICS
from migratory.inventory.web_address import WebAddress

ROR_ID = re.compile(r"^(?:https?://ror\.org/)?(0[a-z0-9]{6}[0-9]{2})$")
LANG_TAG = r"^[a-z]{2,3}$"
PHONE = r"^\+?[0-9][0-9 ()./-]{4,39}$"
# A web address typed without its scheme: "www.destatis.de", "stat.gov.kz/en".
# The fields of an institution as flat columns (imports and exports), in order.
FLAT_FIELDS = (
    "name",
    "acronym",
    "category",
    "summary",
    "website",
    "email",
    "phone",
    "address",
    "city",
    "country",
    "latitude",
    "longitude",
    "geo_source",
    "geo_precision",
    "topics",
    "roles",
    "status",
    "ror_id",
    "last_verified",
)
BARE_HOST = re.compile(r"^[\w-]+(\.[\w-]+)*\.[a-z]{2,}(:\d+)?(/\S*)?$", re.IGNORECASE)


def _clean(value):
    """Strip text and turn empty strings into None, recursively."""
    if isinstance(value, str):
        value = strip_control(value).strip()
        return value or None
    if isinstance(value, list):
        return [_clean(v) for v in value if _clean(v) is not None]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


class NameSchema(Schema):
    """A name in another language."""

    lang = fields.String(
        required=True, validate=Regexp(LANG_TAG, error="Not a language code.")
    )
    name = fields.String(required=True, validate=Length(1, 300))


class ContactSchema(Schema):
    """A contact person, as shown to whoever may see it."""

    name = fields.String(required=True, validate=Length(1, 200))
    position = fields.String(allow_none=True, validate=Length(max=200))
    email = fields.Email(allow_none=True)
    phone = fields.String(allow_none=True, validate=Regexp(PHONE))
    is_public = fields.Boolean(load_default=False)


class InstitutionSchema(Schema):
    """An institution: validated on load, serialized on dump."""

    class Meta:
        ordered = True
        unknown = EXCLUDE

    slug = fields.String(dump_only=True)
    name = fields.String(required=True, validate=Length(2, 300))
    acronym = fields.String(allow_none=True, validate=Length(max=50))
    names = fields.List(fields.Nested(NameSchema))
    category = fields.String(required=True, validate=OneOf(list(CATEGORIES)))
    summary = fields.String(allow_none=True, validate=Length(max=5000))
    website = WebAddress(allow_none=True)
    email = fields.Email(allow_none=True)
    phone = fields.String(
        allow_none=True, validate=Regexp(PHONE, error="Not a phone number.")
    )
    address = fields.String(allow_none=True, validate=Length(max=300))
    city = fields.String(allow_none=True, validate=Length(max=120))
    country = fields.String(required=True, attribute="country_code")
    country_name = fields.Function(lambda i: i.country.name_en, dump_only=True)
    latitude = fields.Float(allow_none=True, validate=Range(-90, 90))
    longitude = fields.Float(allow_none=True, validate=Range(-180, 180))
    geo_source = fields.String(
        allow_none=True, validate=OneOf(["entered", "gazetteer", "nominatim"])
    )
    geo_precision = fields.String(
        allow_none=True, validate=OneOf(["address", "city", "country"])
    )
    topics = fields.List(fields.String(validate=OneOf(list(TOPICS))))
    roles = fields.List(fields.String(validate=OneOf(list(ROLES))))
    status = fields.String(validate=OneOf(list(STATUSES)))
    ror_id = fields.String(allow_none=True)
    # Dates without a time or zone (spreadsheets) are taken as UTC.
    last_verified = fields.AwareDateTime(allow_none=True, default_timezone=UTC)
    created = fields.AwareDateTime(dump_only=True)
    updated = fields.AwareDateTime(dump_only=True)
    url = fields.Function(
        lambda i: url_for("inventory.detail", slug=i.slug, _external=True),
        dump_only=True,
    )

    def __init__(self, *args, country_codes: set[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._country_codes = country_codes

    @property
    def country_codes(self) -> set[str]:
        """Known country codes, loaded once per schema instance."""
        if self._country_codes is None:
            self._country_codes = set(db.session.scalars(select(Country.iso2)))
        return self._country_codes

    @pre_load
    def clean_input(self, data, **kwargs):
        """Trim text, drop control characters and treat blanks as empty.

        A key present with a blank value means "clear this field"; callers that
        mean "unknown, keep what is there" (the importers) leave the key out.
        """
        if not isinstance(data, dict):
            raise ValidationError(_("Expected an object."))
        cleaned = _clean(data)
        for key in ("names", "topics", "roles"):
            if key in cleaned and cleaned[key] is None:
                cleaned[key] = []
        if isinstance(cleaned.get("country"), str):
            cleaned["country"] = cleaned["country"].upper()
        website = cleaned.get("website")
        if isinstance(website, str) and BARE_HOST.match(website):
            cleaned["website"] = f"https://{website}"
        return cleaned

    @validates("country")
    def validate_country(self, value, **kwargs):
        """The country must be one of the inventory's countries."""
        if value not in self.country_codes:
            raise ValidationError(_("Unknown country code '%(code)s'.", code=value))

    @validates("ror_id")
    def validate_ror_id(self, value, **kwargs):
        """ROR ids are `https://ror.org/0xxxxxxNN` or the bare 9-character id."""
        if value is not None and not ROR_ID.match(value):
            raise ValidationError(_("Not a ROR identifier."))

    @validates("names")
    def validate_names(self, value, **kwargs):
        """At most one name per language."""
        langs = [n.get("lang") for n in value if isinstance(n, dict)]
        if len(langs) != len(set(langs)):
            raise ValidationError(_("Only one name per language."))

    @validates_schema
    def validate_coordinates(self, data, **kwargs):
        """Latitude and longitude come together or not at all."""
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError(
                _("Give both latitude and longitude, or neither."), "latitude"
            )

    @post_load
    def normalise(self, data, **kwargs):
        """Canonical ROR ids and de-duplicated, sorted vocab lists."""
        if data.get("ror_id"):
            data["ror_id"] = "https://ror.org/" + ROR_ID.match(data["ror_id"]).group(1)
        for key in ("topics", "roles"):
            if key in data:
                data[key] = sorted(set(data[key]))
        return data


class PublicInstitutionSchema(InstitutionSchema):
    """Dump-only view for the public API: adds the public contacts."""

    contacts = fields.Method("public_contacts", dump_only=True)

    def public_contacts(self, institution):
        """Only contacts marked public are ever serialized here."""
        public = [c for c in institution.contacts if c.is_public]
        return ContactSchema(exclude=("is_public",), many=True).dump(public)


class PlaceFilters:
    """`country` and `region` filters of any list: a known country (stored
    upper-case), a known region's slug. Mixed into filter schemas."""

    @validates("country")
    def validate_country(self, value, **kwargs):
        """Country filter must name a known country."""
        if db.session.get(Country, value.upper()) is None:
            raise ValidationError(_("Unknown country code '%(code)s'.", code=value))

    @validates("region")
    def validate_region(self, value, **kwargs):
        """Region filter must name a known region."""
        if db.session.scalar(select(Region.id).where(Region.slug == value)) is None:
            raise ValidationError(_("Unknown region '%(slug)s'.", slug=value))

    @post_load
    def upper_country(self, data, **kwargs):
        """Country codes are stored upper-case."""
        if data.get("country"):
            data["country"] = data["country"].upper()
        return data


class InstitutionFilterSchema(PlaceFilters, Schema):
    """Query-string filters of the list page, the export and the API."""

    class Meta:
        unknown = EXCLUDE

    # Any length is accepted: search reads the first 500 characters.
    q = fields.String()
    country = fields.String()
    region = fields.String()
    category = fields.String(validate=OneOf(list(CATEGORIES)))
    topic = fields.String(validate=OneOf(list(TOPICS)))
    role = fields.String(validate=OneOf(list(ROLES)))
    sort = fields.String(validate=OneOf(["relevance", *SORTS]))
    page = fields.Integer(load_default=1, validate=Range(min=1, max=100000))
    per_page = fields.Integer(validate=Range(min=1, max=100))
    # A city or "latitude,longitude"; results within radius_km, nearest first.
    near = fields.String(validate=Length(max=200))
    radius_km = fields.Float(validate=Range(min=1, max=5000))

    @pre_load
    def drop_blanks(self, data, **kwargs):
        """Empty form fields mean "no filter"."""
        return {k: v for k, v in data.items() if isinstance(v, str) and v.strip()}
