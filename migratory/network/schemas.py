"""Marshmallow schemas of the network's records: the one validation path of
forms, proposals, restores and the API (data sources here; links in
link_schemas.py)."""

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from marshmallow.validate import Length, Range
from sqlalchemy import select

from migratory.extensions import db
from migratory.inventory.models import Country, Institution
from migratory.inventory.schemas import NameSchema, PlaceFilters, _clean
from migratory.inventory.web_address import WebAddress
from migratory.network.vocab import (
    ACCESS,
    COVERAGE,
    FLOWS,
    PERIODICITIES,
    RECORD_STATUSES,
)

EARLIEST_YEAR = 1900  # no migration data source of the region is older


def one_of(vocabulary: dict, what: str):
    """A validator naming the refused value and the known ones (links and
    data sources alike)."""

    def check(value) -> None:
        if value not in vocabulary:
            raise ValidationError(
                _(
                    "Unknown %(what)s “%(value)s”; one of: %(known)s.",
                    what=str(what),
                    value=value,
                    known=", ".join(vocabulary),
                )
            )

    return check


def published_institution(slug: str) -> Institution | None:
    """The published institution with this slug, or None."""
    return db.session.scalar(
        select(Institution).where(
            Institution.slug == slug, Institution.status == "published"
        )
    )


class DataSourceSchema(Schema):
    """A data source as a payload: validated on load. The result keeps the
    shape of the saved state (the institution by slug, the country by code,
    the date as ISO text), so that proposals compare it with revisions."""

    class Meta:
        ordered = True
        unknown = EXCLUDE

    name = fields.String(required=True, validate=Length(2, 300))
    names = fields.List(fields.Nested(NameSchema), load_default=list)
    type = fields.String(required=True, validate=one_of(FLOWS, _l("type")))
    institution = fields.String(required=True, validate=Length(1, 100))
    country = fields.String(allow_none=True, load_default=None)
    coverage = fields.List(
        fields.String(validate=one_of(COVERAGE, _l("coverage"))), load_default=list
    )
    periodicity = fields.String(
        allow_none=True, validate=one_of(PERIODICITIES, _l("periodicity"))
    )
    latest_year = fields.Integer(allow_none=True, strict=False)
    migrant_definition = fields.String(allow_none=True, validate=Length(max=2000))
    access = fields.String(allow_none=True, validate=one_of(ACCESS, _l("access")))
    access_url = WebAddress(allow_none=True)
    publication = fields.String(allow_none=True, validate=Length(max=2000))
    quality_note = fields.String(allow_none=True, validate=Length(max=5000))
    quality_assessed = fields.Date(allow_none=True)
    status = fields.String(validate=one_of(RECORD_STATUSES, _l("status")))

    @pre_load
    def clean_input(self, data, **kwargs):
        """Trim text, drop control characters, blanks are empty."""
        if not isinstance(data, dict):
            raise ValidationError(_("Expected an object."))
        cleaned = _clean(data)
        for key in ("names", "coverage"):
            if key in cleaned and cleaned[key] is None:
                cleaned[key] = []
        if isinstance(cleaned.get("country"), str):
            cleaned["country"] = cleaned["country"].upper()
        return cleaned

    @validates("latest_year")
    def validate_latest_year(self, value, **kwargs):
        """A reference year from 1900 to this year."""
        last = date.today().year
        if value is not None and not EARLIEST_YEAR <= value <= last:
            raise ValidationError(
                _(
                    "Give a year from %(first)s to %(last)s.",
                    first=EARLIEST_YEAR,
                    last=last,
                )
            )

    @validates("quality_assessed")
    def validate_quality_assessed(self, value, **kwargs):
        """An assessment is dated today or earlier."""
        if value is not None and value > date.today():
            raise ValidationError(_("The date of the assessment is in the future."))

    @validates("names")
    def validate_names(self, value, **kwargs):
        """At most one name per language; English is the main name."""
        langs = [n.get("lang") for n in value if isinstance(n, dict)]
        if len(langs) != len(set(langs)):
            raise ValidationError(_("Only one name per language."))
        if "en" in langs:
            raise ValidationError(_("The English name is the main name."))

    @validates_schema(skip_on_field_errors=False)
    def validate_producer(self, data, **kwargs):
        """A published producing institution; the data source is of its
        country, unless the institution is international."""
        slug = data.get("institution")
        if slug is None:
            return
        institution = self._producer = published_institution(slug)
        if institution is None:
            raise ValidationError(
                _("Unknown institution '%(slug)s'.", slug=slug), "institution"
            )
        country = data.get("country")
        if country is None or country == institution.country_code:
            return
        if db.session.get(Country, country) is None:
            raise ValidationError(
                _("Unknown country code '%(code)s'.", code=country), "country"
            )
        if institution.category != "international":
            raise ValidationError(
                _(
                    "The producing institution is in %(country)s: a data source "
                    "of another country needs an international institution.",
                    country=institution.country.name,
                ),
                "country",
            )

    @validates_schema(skip_on_field_errors=False)
    def validate_access(self, data, **kwargs):
        """Online access needs its address."""
        if data.get("access") == "online" and not data.get("access_url"):
            raise ValidationError(
                _("Give the address where the data are online."), "access_url"
            )

    @post_load
    def normalise(self, data, **kwargs):
        """Country from the institution by default; sorted coverage; the date
        as ISO text (the saved state's form)."""
        if data.get("country") is None:
            data["country"] = self._producer.country_code
        data["coverage"] = sorted(set(data.get("coverage") or []))
        if data.get("quality_assessed") is not None:
            data["quality_assessed"] = data["quality_assessed"].isoformat()
        return data


class DataSourceFilterSchema(PlaceFilters, Schema):
    """Filters of the list page, its exports and the API."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(validate=Length(max=500))
    country = fields.String()
    region = fields.String()
    type = fields.String(validate=one_of(FLOWS, _l("type")))
    page = fields.Integer(load_default=1, validate=Range(min=1, max=100000))
    per_page = fields.Integer(validate=Range(min=1, max=100))

    @pre_load
    def drop_blanks(self, data, **kwargs):
        """Empty form fields mean "no filter"."""
        return {
            k: v.strip()
            for k, v in data.items()
            if isinstance(v, str) and v.strip() and k in self.fields
        }


class InstitutionRefSchema(Schema):
    """The producing institution, as the API names it."""

    slug = fields.String()
    name = fields.String()
    url = fields.Function(
        lambda i: url_for("inventory.detail", slug=i.slug, _external=True)
    )


class PublicDataSourceSchema(Schema):
    """A published data source as the API shows it (public fields only)."""

    class Meta:
        ordered = True

    slug = fields.String()
    name = fields.String()
    names = fields.List(fields.Nested(NameSchema))
    type = fields.String(attribute="source_type")
    institution = fields.Nested(InstitutionRefSchema)
    country = fields.String(attribute="country_code")
    coverage = fields.List(fields.String())
    periodicity = fields.String(allow_none=True)
    latest_year = fields.Integer(allow_none=True)
    migrant_definition = fields.String(allow_none=True)
    access = fields.String(allow_none=True)
    access_url = fields.String(allow_none=True)
    publication = fields.String(allow_none=True)
    quality_note = fields.String(allow_none=True)
    quality_assessed = fields.Date(allow_none=True)
    updated = fields.AwareDateTime()
    url = fields.Function(
        lambda s: url_for("data_sources.detail", slug=s.slug, _external=True)
    )
