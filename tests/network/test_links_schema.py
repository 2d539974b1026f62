"""The link schema: every bad row refused with a message naming its field,
nothing written; good rows in the shape of the saved state."""

import pytest

from tests.network.link_helpers import add_link, build_network, counts, link_payload


@pytest.fixture
def slugs(app):
    return build_network(app)


def refused(app, payload) -> dict:
    """The field errors of a refused payload; asserts nothing was written."""
    from migratory.core.errors import ValidationFailed
    from migratory.network.links import validate_link

    before = counts(app)
    with app.app_context():
        with pytest.raises(ValidationFailed) as caught:
            validate_link(payload)
    assert counts(app) == before
    return caught.value.errors


def loaded(app, payload) -> dict:
    from migratory.network.links import validate_link

    with app.app_context():
        return validate_link(payload)


def test_unknown_institutions_and_flow_are_named(app, slugs):
    errors = refused(
        app,
        link_payload(slugs, producer="no-such-office", user="nobody", flow="censsus"),
    )
    assert errors["producer"] == [
        "No published institution has the slug or ROR id “no-such-office”."
    ]
    assert "“nobody”" in errors["user"][0]
    assert "Unknown flow “censsus”" in errors["flow"][0]
    assert "population-register" in errors["flow"][0]  # the known values


def test_required_fields(app, slugs):
    errors = refused(app, {"description": "no ends"})
    assert set(errors) == {"producer", "user", "flow"}


def test_producer_is_not_the_user(app, slugs):
    errors = refused(app, link_payload(slugs, producer="kz-stat", user="kz-stat"))
    assert errors == {
        "user": ["The user must be another institution than the producer."]
    }


def test_draft_institution_is_no_end(app, slugs):
    from migratory.inventory.services import create_institution
    from tests.conftest import institution_payload

    with app.app_context():
        draft = create_institution(
            institution_payload(name="Draft Office", status="draft")
        ).slug
    errors = refused(app, link_payload(slugs, user=draft))
    assert list(errors) == ["user"]


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        ("2010-2020", (2010, 2020)),
        ("2019", (2019, 2019)),
        ("2015-", (2015, None)),
        ("-2020", (None, 2020)),
        ("2010 – 2020", (2010, 2020)),
        (2019, (2019, 2019)),
        (2019.0, (2019, 2019)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_years(app, slugs, years, expected):
    data = loaded(app, link_payload(slugs, years=years))
    assert (data["year_from"], data["year_to"]) == expected
    assert "years" not in data


@pytest.mark.parametrize(
    ("years", "words"),
    [
        ("2020-2010", "The first year comes after the last."),
        ("since 2010", "Give the years as 2010-2020"),
        ("20-30", "Give the years as 2010-2020"),
        ("-", "Give the years as 2010-2020"),
        ("1850-1860", "Give years from 1900 to 2100."),
    ],
)
def test_bad_years(app, slugs, years, words):
    errors = refused(app, link_payload(slugs, years=years))
    assert list(errors) == ["years"]
    assert words in errors["years"][0]


def test_years_from_a_saved_state_in_order(app, slugs):
    payload = link_payload(slugs, year_from=2021, year_to=2009)
    del payload["years"]
    assert refused(app, payload) == {
        "year_from": ["The first year comes after the last."]
    }


def test_ends_by_ror_id_and_state_shape(app, slugs):
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    with app.app_context():
        office = db.session.scalar(
            db.select(Institution).where(Institution.slug == slugs["kz-stat"])
        )
        office.ror_id = "https://ror.org/05x7v6y85"
        db.session.commit()
    data = loaded(
        app,
        link_payload(slugs, producer="05x7v6y85", flow=" Census ", description="  "),
    )
    assert data == {
        "producer": slugs["kz-stat"],
        "user": slugs["kz-mia"],
        "flow": "census",
        "data_source": None,
        "description": None,
        "year_from": 2009,
        "year_to": 2021,
    }
    assert loaded(app, link_payload(slugs, producer="https://ror.org/05x7v6y85"))


def test_duplicate_is_refused_naming_the_other_link(app, slugs):
    ident = add_link(app, slugs)
    errors = refused(app, link_payload(slugs, description="again"))
    assert list(errors) == ["flow"]
    assert f"(link {ident})" in errors["flow"][0]
    assert "already supplies" in errors["flow"][0]
    # Another flow between the same two is another link; so is the reverse.
    assert loaded(app, link_payload(slugs, flow="permits"))
    assert loaded(app, link_payload(slugs, producer="kz-mia", user="kz-stat"))
    # The link itself, being changed, is no duplicate of itself.
    assert loaded(app, link_payload(slugs, id=ident))


def test_duplicate_of_an_archived_link_says_publish_it_again(app, slugs):
    from migratory.extensions import db
    from migratory.network.links import change_link, get_link

    ident = add_link(app, slugs)
    with app.app_context():
        change_link(get_link(ident), {"status": "archived"}, source="web")
        db.session.commit()
    errors = refused(app, link_payload(slugs))
    assert "archived" in errors["flow"][0]
    assert "publish it again" in errors["flow"][0]


def test_data_source_must_be_the_producers(app, slugs):
    from migratory.extensions import db
    from migratory.network.models import DataSource

    with app.app_context():
        for key, slug in (("kz-stat", "kz-census"), ("uz-stat", "uz-census")):
            institution = db.session.scalar(
                db.select(db.metadata.tables["institutions"].c.id).where(
                    db.metadata.tables["institutions"].c.slug == slugs[key]
                )
            )
            db.session.add(
                DataSource(
                    slug=slug,
                    name=f"Census ({key})",
                    names=[],
                    source_type="census",
                    institution_id=institution,
                    country_code=key[:2].upper(),
                    coverage=[],
                )
            )
        db.session.commit()
    assert loaded(app, link_payload(slugs, data_source="kz-census"))["data_source"] == (
        "kz-census"
    )
    errors = refused(app, link_payload(slugs, data_source="uz-census"))
    assert errors["data_source"] == [
        "The data source “Census (uz-stat)” is not one of "
        "Bureau of National Statistics's."
    ]
    assert (
        "“nothing”"
        in refused(app, link_payload(slugs, data_source="nothing"))["data_source"][0]
    )


@pytest.mark.parametrize(
    "payload",
    [None, [], "text", {"producer": ["a"], "user": {}, "flow": 3}],
    ids=["none", "list", "text", "wrong-types"],
)
def test_hostile_payloads_fail_cleanly(app, slugs, payload):
    assert refused(app, payload)


def test_status_is_checked(app, slugs):
    errors = refused(app, link_payload(slugs, status="deleted"))
    assert list(errors) == ["status"]
