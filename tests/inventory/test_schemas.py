"""InstitutionSchema and InstitutionFilterSchema: loading, cleaning, dumping."""

from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from migratory.extensions import db
from migratory.inventory.models import Contact, Institution
from migratory.inventory.schemas import (
    InstitutionFilterSchema,
    InstitutionSchema,
    PublicInstitutionSchema,
)
from tests.conftest import institution_payload

CODES = {"KZ", "KG", "RU", "AF"}
MINIMAL = {"name": "Stat Office", "category": "government", "country": "KZ"}


def load(**fields) -> dict:
    return InstitutionSchema(country_codes=CODES).load({**MINIMAL, **fields})


def errors(**fields) -> dict:
    with pytest.raises(ValidationError) as info:
        load(**fields)
    return info.value.messages


# --- InstitutionSchema.load ----------------------------------------------------


def test_minimal_payload():
    assert load() == {
        "name": "Stat Office",
        "category": "government",
        "country_code": "KZ",
    }


def test_full_payload_loads(ctx):
    data = InstitutionSchema().load(institution_payload())
    assert data["country_code"] == "KZ"
    assert data["names"] == [
        {"lang": "ru", "name": "Агентство миграционной статистики"}
    ]
    assert data["topics"] == ["labour-migration", "migration-statistics"]
    assert data["roles"] == ["producer"]
    assert data["latitude"] == 43.2389


def test_required_fields():
    with pytest.raises(ValidationError) as info:
        InstitutionSchema(country_codes=CODES).load({})
    assert info.value.messages == {
        "name": ["Missing data for required field."],
        "category": ["Missing data for required field."],
        "country": ["Missing data for required field."],
    }


@pytest.mark.parametrize("field", ["name", "category", "country"])
def test_required_fields_may_not_be_blank(field):
    assert field in errors(**{field: "   "})


@pytest.mark.parametrize("name", ["A", "x" * 301])
def test_name_length(name):
    assert "name" in errors(name=name)


def test_name_of_300_characters_is_accepted():
    assert load(name="x" * 300)["name"] == "x" * 300


def test_non_object_payload():
    with pytest.raises(ValidationError) as info:
        InstitutionSchema(country_codes=CODES).load(["Stat Office"])
    assert "Expected an object." in str(info.value.messages)


@pytest.mark.parametrize("category", ["ngo", "Government", ""])
def test_category_vocabulary(category):
    assert "category" in errors(category=category)


def test_unknown_fields_are_ignored():
    assert "fax" not in load(fax="123")


# url, e-mail, phone


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://stat.gov.kz", "https://stat.gov.kz"),
        ("http://stat.gov.kz/en/", "http://stat.gov.kz/en/"),
        ("stat.gov.kz", "https://stat.gov.kz"),
        ("www.stat.gov.kz/ru", "https://www.stat.gov.kz/ru"),
        ("  https://stat.gov.kz  ", "https://stat.gov.kz"),
    ],
)
def test_website_accepted(given, stored):
    assert load(website=given)["website"] == stored


@pytest.mark.parametrize(
    "website",
    [
        "not a url",
        "ftp://files.example.org",
        "javascript:alert(1)",
        "https://",
    ],
)
def test_website_refused(website):
    assert "website" in errors(website=website)


@pytest.mark.parametrize("email", ["info@stat.gov.kz", "a.b+c@example.org"])
def test_email_accepted(email):
    assert load(email=email)["email"] == email


@pytest.mark.parametrize("email", ["not-an-email", "info@", "@stat.gov.kz", "a b@c.d"])
def test_email_refused(email):
    assert errors(email=email) == {"email": ["Not a valid email address."]}


@pytest.mark.parametrize(
    "phone", ["+7 727 123-45-67", "8 (727) 123.45.67", "+41 22 917 12 34", "12345"]
)
def test_phone_accepted(phone):
    assert load(phone=phone)["phone"] == phone


@pytest.mark.parametrize(
    "phone", ["call me", "+7", "1234", "(727) 1234567", "+7 727 ext. 5", "1" * 41]
)
def test_phone_refused(phone):
    assert errors(phone=phone) == {"phone": ["Not a phone number."]}


# coordinates


@pytest.mark.parametrize(
    ("lat", "lon"), [(90, 180), (-90, -180), (0, 0), (43.2389, 76.8897), ("1.5", "2")]
)
def test_coordinates_in_range(lat, lon):
    data = load(latitude=lat, longitude=lon)
    assert (data["latitude"], data["longitude"]) == (float(lat), float(lon))


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        (90.01, 0, "latitude"),
        (-91, 0, "latitude"),
        (0, 180.5, "longitude"),
        (0, -181, "longitude"),
        ("north", 0, "latitude"),
    ],
)
def test_coordinates_out_of_range(lat, lon, field):
    assert list(errors(latitude=lat, longitude=lon)) == [field]


@pytest.mark.parametrize(
    "fields",
    [{"latitude": 45}, {"longitude": 45}, {"latitude": 45, "longitude": None}],
)
def test_coordinates_come_in_pairs(fields):
    assert errors(**fields) == {
        "latitude": ["Give both latitude and longitude, or neither."]
    }


def test_no_coordinates_at_all():
    data = load(latitude=None, longitude="")
    assert data["latitude"] is None
    assert data["longitude"] is None


# ROR ids


@pytest.mark.parametrize(
    "given",
    [
        "05dgmz168",
        "https://ror.org/05dgmz168",
        "http://ror.org/05dgmz168",
        " 05dgmz168 ",
    ],
)
def test_ror_id_normalised(given):
    assert load(ror_id=given)["ror_id"] == "https://ror.org/05dgmz168"


@pytest.mark.parametrize(
    "ror_id",
    [
        "12345",
        "15dgmz168",  # ROR ids start with 0
        "05dgmz1ab",  # and end with two digits
        "https://example.org/05dgmz168",
        "https://ror.org/05dgmz168/extra",
        "grid.449109.1",
    ],
)
def test_ror_id_refused(ror_id):
    assert errors(ror_id=ror_id) == {"ror_id": ["Not a ROR identifier."]}


def test_blank_ror_id_is_none():
    assert load(ror_id="")["ror_id"] is None


# names in other languages


def test_names_loaded():
    names = [{"lang": "ru", "name": "Бюро"}, {"lang": "kk", "name": "Бюросы"}]
    assert load(names=names)["names"] == names


def test_duplicate_languages_refused():
    names = [{"lang": "ru", "name": "Бюро"}, {"lang": "ru", "name": "Другое"}]
    assert errors(names=names) == {"names": ["Only one name per language."]}


@pytest.mark.parametrize(
    "item",
    [
        {"lang": "russian", "name": "Бюро"},
        {"lang": "RU", "name": "Бюро"},
        {"name": "Бюро"},
        {"lang": "ru"},
        {"lang": "ru", "name": "x" * 301},
    ],
)
def test_bad_name_items_are_validation_errors(item):
    with pytest.raises(ValidationError) as info:
        load(names=[{"lang": "en", "name": "Bureau"}, item])
    assert 1 in info.value.messages["names"]


def test_name_item_that_is_not_an_object_is_a_validation_error():
    with pytest.raises(ValidationError) as info:
        load(names=["Бюро"])
    assert "names" in info.value.messages


def test_blank_names_list_is_empty():
    assert load(names="")["names"] == []
    assert load(names=None)["names"] == []


# cleaning


def test_blank_strings_become_none():
    data = load(acronym="  ", summary="", city="\t", email=" ", phone="", address="")
    for field in ("acronym", "summary", "city", "email", "phone", "address"):
        assert data[field] is None, field


def test_text_is_trimmed_and_control_characters_dropped():
    data = load(name="  Stat\x00 Office\x07 ", summary="a\x1b\tb\nc\x7f")
    assert data["name"] == "Stat Office"
    assert data["summary"] == "a\tb\nc"


def test_html_is_kept_verbatim():
    summary = "<script>alert(1)</script> & <b>bold</b>"
    assert load(summary=summary)["summary"] == summary


@pytest.mark.parametrize("given", ["kz", "Kz", " kz "])
def test_country_upper_cased(given):
    assert load(country=given)["country_code"] == "KZ"


def test_unknown_country():
    assert errors(country="xx") == {"country": ["Unknown country code 'XX'."]}


def test_country_codes_come_from_the_database(ctx):
    schema = InstitutionSchema()
    assert schema.load({**MINIMAL, "country": "af"})["country_code"] == "AF"
    assert len(schema.country_codes) == 57
    with pytest.raises(ValidationError):
        schema.load({**MINIMAL, "country": "CN"})


def test_topics_and_roles_deduplicated_and_sorted():
    data = load(
        topics=["remittances", "diaspora", "remittances", " diaspora "],
        roles=["user", "producer", "user"],
    )
    assert data["topics"] == ["diaspora", "remittances"]
    assert data["roles"] == ["producer", "user"]


@pytest.mark.parametrize("field", ["topics", "roles"])
def test_blank_lists_are_empty(field):
    assert load(**{field: ""})[field] == []
    assert load(**{field: ["", "  "]})[field] == []


def test_unknown_topic_and_role():
    messages = errors(topics=["diaspora", "knitting"], roles=["boss"])
    assert set(messages) == {"topics", "roles"}
    assert 1 in messages["topics"]
    assert 0 in messages["roles"]


@pytest.mark.parametrize("status", ["draft", "published", "archived"])
def test_status(status):
    assert load(status=status)["status"] == status


def test_unknown_status():
    assert "status" in errors(status="deleted")


def test_last_verified_needs_a_time_zone():
    data = load(last_verified="2024-05-01T12:00:00+02:00")
    assert data["last_verified"] == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert "last_verified" in errors(last_verified="yesterday")


def test_dump_only_fields_are_not_loaded():
    data = load(slug="hijack", created="2020-01-01T00:00:00+00:00", url="x")
    assert not {"slug", "created", "url"} & set(data)


# --- InstitutionSchema.dump ----------------------------------------------------


def test_dump(app, make_institution):
    slug = make_institution(ror_id="05dgmz168", email="info@stat.example.org")
    with app.test_request_context():
        institution = db.session.scalar(
            select(Institution).where(Institution.slug == slug)
        )
        data = InstitutionSchema().dump(institution)
    assert data["slug"] == slug
    assert data["name"] == "Agency for Migration Statistics"
    assert data["country"] == "KZ"
    assert data["country_name"] == "Kazakhstan"
    assert data["names"] == [
        {"lang": "ru", "name": "Агентство миграционной статистики"}
    ]
    assert data["topics"] == ["labour-migration", "migration-statistics"]
    assert data["roles"] == ["producer"]
    assert data["ror_id"] == "https://ror.org/05dgmz168"
    assert data["email"] == "info@stat.example.org"
    assert data["status"] == "published"
    assert data["url"].startswith("http")
    assert data["url"].endswith(f"/institutions/{slug}")
    assert datetime.fromisoformat(data["created"]).tzinfo is not None
    assert "country_code" not in data


def test_dump_then_load_gives_the_same_data(app, make_institution):
    slug = make_institution()
    with app.test_request_context():
        institution = db.session.scalar(
            select(Institution).where(Institution.slug == slug)
        )
        dumped = InstitutionSchema().dump(institution)
        loaded = InstitutionSchema().load(dumped)
    assert loaded["name"] == dumped["name"]
    assert loaded["country_code"] == "KZ"
    assert loaded["topics"] == dumped["topics"]
    assert loaded["names"] == dumped["names"]


def test_public_schema_shows_only_public_contacts(app, make_institution):
    slug = make_institution()
    with app.test_request_context():
        institution = db.session.scalar(
            select(Institution).where(Institution.slug == slug)
        )
        institution.contacts = [
            Contact(name="Public Person", email="pub@example.org", is_public=True),
            Contact(name="Private Person", email="priv@example.org", is_public=False),
        ]
        db.session.commit()
        data = PublicInstitutionSchema().dump(institution)
        plain = InstitutionSchema().dump(institution)
    assert data["contacts"] == [
        {
            "name": "Public Person",
            "position": None,
            "email": "pub@example.org",
            "phone": None,
        }
    ]
    assert "Private Person" not in str(data)
    assert "contacts" not in plain


# --- InstitutionFilterSchema ---------------------------------------------------


def test_filter_drops_blanks(ctx):
    data = InstitutionFilterSchema().load(
        {"q": "", "country": " ", "region": "", "category": "", "topic": "  "}
    )
    assert data == {"page": 1}


def test_filter_loads_known_values(ctx):
    data = InstitutionFilterSchema().load(
        {
            "q": "migration",
            "country": "kz",
            "region": "central-asia",
            "category": "government",
            "topic": "remittances",
            "role": "producer",
            "sort": "updated",
            "page": "2",
            "per_page": "50",
        }
    )
    assert data == {
        "q": "migration",
        "country": "KZ",
        "region": "central-asia",
        "category": "government",
        "topic": "remittances",
        "role": "producer",
        "sort": "updated",
        "page": 2,
        "per_page": 50,
    }


def test_filter_ignores_unknown_keys(ctx):
    assert InstitutionFilterSchema().load({"colour": "red"}) == {"page": 1}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("region", "atlantis", "Unknown region 'atlantis'."),
        ("country", "xx", "Unknown country code 'xx'."),
        ("country", "CN", "Unknown country code 'CN'."),
    ],
)
def test_filter_rejects_unknown_region_and_country(ctx, field, value, message):
    with pytest.raises(ValidationError) as info:
        InstitutionFilterSchema().load({field: value})
    assert info.value.messages == {field: [message]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("category", "ngo"),
        ("topic", "knitting"),
        ("role", "boss"),
        ("sort", "random"),
        ("page", "0"),
        ("page", "abc"),
        ("per_page", "101"),
        ("per_page", "0"),
    ],
)
def test_filter_rejects_bad_values(ctx, field, value):
    with pytest.raises(ValidationError) as info:
        InstitutionFilterSchema().load({field: value})
    assert field in info.value.messages


def test_filter_accepts_long_search_text(ctx):
    # Search reads what it can use of a long query; the filter never refuses it.
    assert InstitutionFilterSchema().load({"q": "x" * 10_000})["q"] == "x" * 10_000
