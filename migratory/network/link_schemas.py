"""The producer-user link as a payload: the one validation path of forms,
proposals, restores and the import. The result keeps the shape of the saved
state (institutions and the data source by slug, years as two numbers), so
that proposals compare it with revisions."""

import re

from flask_babel import gettext as _
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validates_schema,
)
from marshmallow.validate import Length
from sqlalchemy import select

from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.inventory.schemas import ROR_ID, _clean
from migratory.network.models import DataSource, ProducerUserLink
from migratory.network.schemas import one_of
from migratory.network.vocab import FLOWS, RECORD_STATUSES

FIRST_YEAR, LAST_YEAR = 1900, 2100
# "2010-2020", "2019", "2015-", "-2020" (any dash, spaces allowed).
YEARS = re.compile(r"^(\d{4})?\s*(-)?\s*(\d{4})?$")
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))


def parse_years(value) -> tuple[int | None, int | None]:
    """The first and last year of "2010-2020", "2019", "2015-" or "-2020"."""
    if value is None or value == "":
        return None, None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).translate(DASHES).strip()
    found = YEARS.match(text)
    if not text or found is None or not (found[1] or found[3]):
        raise ValidationError(
            _("Give the years as 2010-2020, 2019 or 2015- (not “%(text)s”).", text=text)
        )
    first = int(found[1]) if found[1] else None
    last = int(found[3]) if found[3] else None
    if not found[2]:
        last = first  # one year
    for year in (first, last):
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationError(
                _(
                    "Give years from %(first)s to %(last)s.",
                    first=FIRST_YEAR,
                    last=LAST_YEAR,
                )
            )
    return first, last


def format_years(first: int | None, last: int | None) -> str:
    """The years as a reader writes them: "2010–2020", "2019", "2015–"."""
    if first is None and last is None:
        return ""
    if first == last:
        return str(first)
    return f"{first or ''}–{last or ''}"


class YearsField(fields.Field):
    """The years a link covers, as one text: loaded as (first, last)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return parse_years(value)


def find_institution(key: str | None, *, published: bool = True):
    """The institution with this slug or ROR id (published ones only), or None."""
    if not key:
        return None
    ror = ROR_ID.match(key)
    column = Institution.ror_id if ror else Institution.slug
    wanted = f"https://ror.org/{ror[1]}" if ror else key
    query = select(Institution).where(column == wanted)
    if published:
        query = query.where(Institution.status == "published")
    return db.session.scalar(query)


def find_data_source(key: str | None):
    """The data source with this slug (or numeric id), or None."""
    if not key:
        return None
    if key.isdigit():
        return db.session.get(DataSource, int(key))
    return db.session.scalar(select(DataSource).where(DataSource.slug == key))


class LinkSchema(Schema):
    """A producer-user link: the producer supplies `flow` data to the user."""

    class Meta:
        unknown = EXCLUDE

    # The link being changed, if any: its own row is no duplicate.
    id = fields.Integer(allow_none=True, load_default=None)
    producer = fields.String(required=True, validate=Length(max=200))
    user = fields.String(required=True, validate=Length(max=200))
    flow = fields.String(required=True, validate=one_of(FLOWS, "flow"))
    data_source = fields.String(allow_none=True, load_default=None)
    description = fields.String(
        allow_none=True, load_default=None, validate=Length(max=2000)
    )
    years = YearsField(load_only=True, allow_none=True)
    year_from = fields.Integer(allow_none=True, load_default=None)
    year_to = fields.Integer(allow_none=True, load_default=None)
    status = fields.String(validate=one_of(RECORD_STATUSES, "status"))

    @pre_load
    def clean_input(self, data, **kwargs):
        """Trim text, blanks are empty; keys and numbers as text where the
        form or a spreadsheet gives them otherwise."""
        if not isinstance(data, dict):
            raise ValidationError(_("Expected an object."))
        cleaned = _clean(dict(data))
        for key in ("producer", "user", "flow", "data_source"):
            if isinstance(cleaned.get(key), int | float):
                cleaned[key] = str(cleaned[key])
        if isinstance(cleaned.get("flow"), str):
            cleaned["flow"] = cleaned["flow"].lower()
        # A blank required field is missing (one message for both).
        return {
            key: value
            for key, value in cleaned.items()
            if value is not None or key not in ("producer", "user", "flow")
        }

    @validates_schema(skip_on_field_errors=False)
    def check_link(self, data, **kwargs):
        """The rules across fields, in order, all reported at once: published
        ends that differ, the producer's data source, years in order, and no
        other link with the same producer, user and flow."""
        errors: dict[str, list] = {}
        self._ends = {end: self._end(data, end, errors) for end in ("producer", "user")}
        producer, user = self._ends["producer"], self._ends["user"]
        if producer is not None and user is not None and producer.id == user.id:
            errors["user"] = [
                _("The user must be another institution than the producer.")
            ]
        self._data_source = self._source(data, producer, errors)
        first, last = data.get("years") or (data.get("year_from"), data.get("year_to"))
        if first is not None and last is not None and first > last:
            field = "years" if "years" in data else "year_from"
            errors[field] = [_("The first year comes after the last.")]
        if (
            not errors
            and producer is not None
            and user is not None
            and data.get("flow")
        ):
            other = duplicate_of(producer.id, user.id, data["flow"], data.get("id"))
            if other is not None:
                errors["flow"] = [duplicate_message(other)]
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _end(data: dict, end: str, errors: dict):
        """The published institution named at one end, or None (an error)."""
        key = data.get(end)
        if key is None:
            return None
        found = find_institution(key)
        if found is None:
            errors[end] = [
                _("No published institution has the slug or ROR id “%(key)s”.", key=key)
            ]
        return found

    @staticmethod
    def _source(data: dict, producer, errors: dict):
        """The data source named, if it is one of the producer's."""
        key = data.get("data_source")
        if key is None:
            return None
        found = find_data_source(key)
        if found is None or found.status != "published":
            errors["data_source"] = [_("No published data source “%(key)s”.", key=key)]
            return None
        if producer is not None and found.institution_id != producer.id:
            errors["data_source"] = [
                _(
                    "The data source “%(source)s” is not one of %(producer)s's.",
                    source=found.name,
                    producer=producer.name,
                )
            ]
        return found

    @post_load
    def normalise(self, data, **kwargs):
        """Keys as in the saved state: slugs, and the years as two numbers."""
        if "years" in data:
            data["year_from"], data["year_to"] = data.pop("years") or (None, None)
        data["producer"] = self._ends["producer"].slug
        data["user"] = self._ends["user"].slug
        source = getattr(self, "_data_source", None)
        data["data_source"] = source.slug if source is not None else None
        if data.get("id") is None:
            data.pop("id", None)
        return data


def duplicate_of(producer_id: int, user_id: int, flow: str, own_id=None):
    """Another link (any status) from this producer to this user of `flow`."""
    query = select(ProducerUserLink).where(
        ProducerUserLink.producer_id == producer_id,
        ProducerUserLink.consumer_id == user_id,
        ProducerUserLink.flow == flow,
    )
    if own_id is not None:
        query = query.where(ProducerUserLink.id != own_id)
    return db.session.scalar(query)


def duplicate_message(other: ProducerUserLink) -> str:
    """Why a link cannot be added twice, and where the existing one is."""
    if other.status == "archived":
        return _(
            "This link exists already, archived (link %(id)s): publish it again "
            "from its history instead.",
            id=other.id,
        )
    return _(
        "%(producer)s already supplies %(user)s with these data (link %(id)s).",
        producer=other.producer.name,
        user=other.consumer.name,
        id=other.id,
    )
