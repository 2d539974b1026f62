"""List filters with several values per facet (`country=KZ&country=UZ`).

Values of one facet are alternatives (any of them); different facets all
apply. Countries and regions are checked against the cached reference data,
so a filter costs no query per value.
"""

from flask_babel import gettext as _
from marshmallow import ValidationError, fields, post_load, pre_load, validates
from marshmallow.validate import OneOf

from migratory.inventory.queries import (
    country_options,
    filter_values,
    region_options,
)
from migratory.inventory.schemas import InstitutionFilterSchema
from migratory.inventory.vocab import CATEGORIES, ROLES, TOPICS

FACETS = ("country", "region", "category", "topic", "role")
MAX_VALUES = 60  # more than every country of the region


class FacetFilterSchema(InstitutionFilterSchema):
    """The list filters, each facet taking one or more values."""

    country = fields.List(fields.String())
    region = fields.List(fields.String())
    category = fields.List(fields.String(validate=OneOf(list(CATEGORIES))))
    topic = fields.List(fields.String(validate=OneOf(list(TOPICS))))
    role = fields.List(fields.String(validate=OneOf(list(ROLES))))

    @pre_load
    def drop_blanks(self, data, **kwargs):
        """Empty form fields mean "no filter"; a repeated value counts once."""
        cleaned = {}
        for key in data:
            value = data.getlist(key) if hasattr(data, "getlist") else data[key]
            if key in FACETS:
                values = [v.strip() for v in filter_values(value) if isinstance(v, str)]
                values = list(dict.fromkeys(v for v in values if v))
                if values:
                    cleaned[key] = values[:MAX_VALUES]
            else:
                value = value[0] if isinstance(value, list) and value else value
                if isinstance(value, str) and value.strip():
                    cleaned[key] = value
        return cleaned

    @validates("country")
    def validate_country(self, value, **kwargs):
        """Every country must be a known one."""
        known = {c.code for c in country_options()}
        unknown = [v for v in value if v.upper() not in known]
        if unknown:
            raise ValidationError(
                _("Unknown country code: %(codes)s.", codes=", ".join(unknown))
            )

    @validates("region")
    def validate_region(self, value, **kwargs):
        """Every region must be a known one."""
        known = {r.code for r in region_options()}
        unknown = [v for v in value if v not in known]
        if unknown:
            raise ValidationError(
                _("Unknown region: %(slugs)s.", slugs=", ".join(unknown))
            )

    @post_load
    def upper_country(self, data, **kwargs):
        """Country codes are stored upper-case."""
        if data.get("country"):
            data["country"] = list(dict.fromkeys(c.upper() for c in data["country"]))
        return data


def parse_facet_filters(args) -> tuple[dict, dict]:
    """Valid filters from the query string, and messages about invalid ones
    (an invalid filter is left out, the others apply)."""
    schema = FacetFilterSchema()
    data = schema.drop_blanks(args)
    try:
        return schema.load(data), {}
    except ValidationError as exc:
        valid = {k: v for k, v in data.items() if k not in exc.messages}
        return schema.load(valid), _flat_messages(exc.messages)


def _flat_messages(messages: dict) -> dict[str, list[str]]:
    """Field -> messages; a list field's messages come keyed by value index."""
    flat: dict[str, list[str]] = {}
    for field, found in messages.items():
        if isinstance(found, dict):
            found = [m for per_value in found.values() for m in per_value]
        flat[field] = list(dict.fromkeys(found))
    return flat
