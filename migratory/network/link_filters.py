"""Finding published links: the filters of the list page, its exports and
the API (flow, country or region of either end, producer, user), and the
links of one institution or one country for their pages."""

from flask_babel import gettext as _
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validates,
)
from marshmallow.validate import Length, Range
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased, selectinload

from migratory.extensions import db
from migratory.inventory.models import Institution, Region, country_regions
from migratory.inventory.queries import country_options
from migratory.inventory.schemas import PlaceFilters
from migratory.network.link_schemas import find_institution
from migratory.network.models import ProducerUserLink
from migratory.network.schemas import one_of
from migratory.network.vocab import FLOWS

FILTERS = ("flow", "country", "region", "producer", "user")


class LinkFilterSchema(PlaceFilters, Schema):
    """The filters of /network/links, its exports and /api/v1/links."""

    class Meta:
        unknown = EXCLUDE

    flow = fields.String(validate=one_of(FLOWS, "flow"))
    country = fields.String(validate=Length(equal=2))
    region = fields.String(validate=Length(max=60))
    producer = fields.String(validate=Length(max=200))
    user = fields.String(validate=Length(max=200))
    page = fields.Integer(load_default=1, validate=Range(min=1, max=100000))
    per_page = fields.Integer(validate=Range(min=1, max=100))

    @pre_load
    def drop_blanks(self, data, **kwargs):
        """Empty form fields mean "no filter"."""
        cleaned = {}
        for key in self.fields:
            value = data.get(key) if hasattr(data, "get") else None
            if isinstance(value, str) and value.strip():
                cleaned[key] = value.strip()
        return cleaned

    @validates("country")
    def validate_country(self, value, **kwargs):
        """A country of the inventory."""
        if value.upper() not in {c.code for c in country_options()}:
            raise ValidationError(_("Unknown country code: %(codes)s.", codes=value))

    @validates("producer")
    def validate_producer(self, value, **kwargs):
        """A published institution (slug or ROR id)."""
        _institution_or_error(value)

    @validates("user")
    def validate_user(self, value, **kwargs):
        """A published institution (slug or ROR id)."""
        _institution_or_error(value)

    @post_load
    def canonical(self, data, **kwargs):
        """Country codes upper-case; institutions by slug."""
        if data.get("country"):
            data["country"] = data["country"].upper()
        for end in ("producer", "user"):
            if data.get(end):
                data[end] = find_institution(data[end]).slug
        return data


def _institution_or_error(key: str) -> None:
    if find_institution(key) is None:
        raise ValidationError(
            _("No published institution has the slug or ROR id “%(key)s”.", key=key)
        )


def parse_link_filters(args) -> tuple[dict, dict]:
    """(valid filters, errors by field) of a query string; a refused filter
    is left out and explained, the others apply."""
    schema = LinkFilterSchema()
    try:
        return schema.load(args), {}
    except ValidationError as exc:
        errors = exc.messages
        kept = {k: v for k, v in args.items() if k not in errors}
        return schema.load(kept), errors


def filter_labels(filters: dict, countries, regions) -> list[str]:
    """The active filters as a reader names them ("Population census",
    "Kazakhstan", "producer: Bureau of National Statistics")."""
    places = {place.code: place.name for place in (*countries, *regions)}
    labels = []
    if filters.get("flow"):
        labels.append(str(FLOWS[filters["flow"]]))
    for key in ("country", "region"):
        if filters.get(key):
            labels.append(places.get(filters[key], filters[key]))
    for key, word in (("producer", _("producer")), ("user", _("user"))):
        if filters.get(key):
            found = find_institution(filters[key])
            labels.append(f"{word}: {found.display_name if found else filters[key]}")
    return labels


def filtered_links(filters: dict):
    """SELECT of the published links (both ends published) matching `filters`,
    in reading order: producer's country, producer, user, flow."""
    query, producer, consumer = _matching(filters)
    return query.order_by(
        producer.country_code,
        producer.name_key,
        consumer.name_key,
        ProducerUserLink.flow,
        ProducerUserLink.id,
    ).options(
        selectinload(ProducerUserLink.data_source),
        selectinload(ProducerUserLink.producer).selectinload(Institution.names),
        selectinload(ProducerUserLink.consumer).selectinload(Institution.names),
    )


def _matching(filters: dict):
    """The links matching `filters`, unordered, and the aliases of their
    producer and user institutions."""
    producer, consumer = aliased(Institution), aliased(Institution)
    query = (
        select(ProducerUserLink)
        .join(producer, ProducerUserLink.producer_id == producer.id)
        .join(consumer, ProducerUserLink.consumer_id == consumer.id)
        .where(
            ProducerUserLink.status == "published",
            producer.status == "published",
            consumer.status == "published",
        )
    )
    if filters.get("flow"):
        query = query.where(ProducerUserLink.flow == filters["flow"])
    if filters.get("country"):
        code = filters["country"]
        query = query.where(
            or_(producer.country_code == code, consumer.country_code == code)
        )
    if filters.get("region"):
        members = (
            select(country_regions.c.country_code)
            .join(Region, Region.id == country_regions.c.region_id)
            .where(Region.slug == filters["region"])
        )
        query = query.where(
            or_(producer.country_code.in_(members), consumer.country_code.in_(members))
        )
    if filters.get("producer"):
        query = query.where(producer.slug == filters["producer"])
    if filters.get("user"):
        query = query.where(consumer.slug == filters["user"])
    return query, producer, consumer


def link_ends(filters: dict) -> dict[str, list[Institution]]:
    """The distinct producers and users of every link matching `filters`
    (not of one page), by name: {"producers": [...], "users": [...]}."""
    query = _matching(filters)[0]
    ends = {}
    for key, column in (
        ("producers", ProducerUserLink.producer_id),
        ("users", ProducerUserLink.consumer_id),
    ):
        ids = query.with_only_columns(column).distinct()
        ends[key] = list(
            db.session.scalars(
                select(Institution)
                .where(Institution.id.in_(ids))
                .order_by(Institution.name_key, Institution.id)
                .options(selectinload(Institution.names))
            )
        )
    return ends


def list_links(filters: dict, *, page: int = 1, per_page: int = 25):
    """A page of the links matching `filters`."""
    return db.paginate(
        filtered_links(filters),
        page=page,
        per_page=per_page,
        error_out=False,
        count=True,
    )


def all_links(filters: dict, limit: int | None = None) -> list[ProducerUserLink]:
    """Every link matching `filters` (up to `limit`), for exports and pages."""
    query = filtered_links(filters)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def links_of_institution(institution: Institution) -> dict[str, dict]:
    """Whom an institution supplies and whom it draws on, by flow:
    {"supplies": {flow: [links]}, "draws_on": {flow: [links]}}."""
    found: dict[str, dict] = {"supplies": {}, "draws_on": {}}
    for link in _touching(institution.id):
        side = "supplies" if link.producer_id == institution.id else "draws_on"
        found[side].setdefault(link.flow, []).append(link)
    return found


def _touching(institution_id: int) -> list[ProducerUserLink]:
    query = filtered_links({}).where(
        or_(
            ProducerUserLink.producer_id == institution_id,
            ProducerUserLink.consumer_id == institution_id,
        )
    )
    return list(db.session.scalars(query))
