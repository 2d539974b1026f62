"""Data sources through their services and record kind: validation with
clear messages and nothing written, slugs, revisions, restore, labels."""

from datetime import date, timedelta

import pytest

from tests.network.data_source_helpers import (
    add_data_source,
    build_network,
    counts,
    data_source,
    payload_for,
)


@pytest.fixture
def slugs(app):
    return build_network(app)


def refused(app, payload) -> dict:
    """The field errors of a refused payload; asserts nothing was written."""
    from migratory.core.errors import ValidationFailed
    from migratory.network.data_sources import validate_data_source

    before = counts(app)
    with app.app_context():
        with pytest.raises(ValidationFailed) as caught:
            validate_data_source(payload)
    assert counts(app) == before
    return caught.value.errors


def test_bad_type_url_and_institution_are_named_and_nothing_is_written(app, slugs):
    errors = refused(
        app,
        payload_for(
            slugs,
            type="censsus",
            access_url="javascript:alert(1)",
            institution="no-such-office",
        ),
    )
    assert "Unknown type “censsus”" in errors["type"][0]
    assert "census" in errors["type"][0]  # the known values are listed
    assert errors["access_url"][0].startswith("Not a valid URL")
    assert errors["institution"] == ["Unknown institution 'no-such-office'."]
    assert counts(app) == (0, 0)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"access_url": "ftp://stat.example.kz/x"}, "access_url", "http"),
        ({"access_url": 'https://a.kz/"><script>'}, "access_url", "quotes"),
        ({"access_url": None}, "access_url", "online"),
        ({"coverage": ["stocks", "weather"]}, "coverage", "Unknown coverage"),
        ({"periodicity": "hourly"}, "periodicity", "Unknown periodicity"),
        ({"access": "by-pigeon"}, "access", "Unknown access"),
        ({"latest_year": 1850}, "latest_year", "Give a year from 1900"),
        ({"latest_year": date.today().year + 1}, "latest_year", "Give a year"),
        (
            {"quality_assessed": (date.today() + timedelta(days=2)).isoformat()},
            "quality_assessed",
            "future",
        ),
        ({"quality_assessed": "01/05/2023"}, "quality_assessed", "date"),
        ({"name": ""}, "name", ""),
        (
            {"names": [{"lang": "ru", "name": "А"}, {"lang": "ru", "name": "Б"}]},
            "names",
            "one name per language",
        ),  # fmt: skip
        ({"country": "XX"}, "country", "Unknown country code"),
        ({"country": "UZ"}, "country", "international institution"),
    ],
)
def test_each_field_is_checked(app, slugs, changes, field, words):
    from migratory.inventory.forms import readable

    errors = refused(app, payload_for(slugs, **changes))
    assert field in errors, errors
    assert words in " ".join(readable(errors[field]))


def test_unpublished_institution_is_unknown(app, slugs):
    from migratory.extensions import db
    from migratory.moderation.upkeep import set_archived

    with app.app_context():
        from migratory.accounts.models import User

        actor = db.session.scalar(db.select(User).where(User.role == "secretariat"))
        set_archived(actor, "institution", slugs["kz-interior"], True)
    errors = refused(app, payload_for(slugs, institution=slugs["kz-interior"]))
    assert "Unknown institution" in errors["institution"][0]


def test_country_defaults_to_the_institution_and_an_international_one_may_differ(
    app, slugs
):
    from migratory.network.data_sources import validate_data_source

    with app.app_context():
        assert validate_data_source(payload_for(slugs))["country"] == "KZ"
        data = validate_data_source(
            payload_for(slugs, institution=slugs["intl-org"], country="uz")
        )
        assert data["country"] == "UZ"
        assert (
            validate_data_source(payload_for(slugs, institution=slugs["intl-org"]))[
                "country"
            ]
            == "CH"
        )


def test_create_makes_unique_slugs_and_revision_one(app, slugs):
    first = add_data_source(app, slugs)
    second = add_data_source(app, slugs)
    assert first == "population-census-of-kazakhstan"
    assert second == "population-census-of-kazakhstan-kz"
    saved = data_source(app, first)
    assert (saved.version, saved.status, saved.country_code) == (1, "published", "KZ")
    assert saved.quality_assessed == date(2023, 5, 1)
    assert saved.coverage == ["citizenship", "country-of-birth", "stocks"]
    assert counts(app) == (2, 2)


def test_change_writes_the_next_revision_and_nothing_when_unchanged(app, slugs):
    from migratory.core.history import revisions_of
    from migratory.extensions import db
    from migratory.network.data_sources import (
        change_data_source,
        data_source_state,
        get_data_source,
        validate_data_source,
    )

    slug = add_data_source(app, slugs)
    with app.app_context():
        record = get_data_source(slug)
        same = validate_data_source(data_source_state(record))
        assert not change_data_source(record, same, source="web")
        changed = validate_data_source(payload_for(slugs, latest_year=2022))
        assert change_data_source(record, changed, source="web", comment="New year")
        db.session.commit()
        revisions = revisions_of("data_source", record.id)
        assert [r.number for r in revisions] == [1, 2]
        assert revisions[-1].data["latest_year"] == 2022
        assert revisions[-1].comment == "New year"
        assert get_data_source(slug).version == 2


def test_state_is_a_valid_payload_so_every_revision_restores(app, slugs):
    from migratory.accounts.models import User
    from migratory.extensions import db
    from migratory.moderation.upkeep import restore_revision
    from migratory.network.data_sources import (
        change_data_source,
        get_data_source,
        validate_data_source,
    )

    slug = add_data_source(app, slugs)
    with app.app_context():
        record = get_data_source(slug)
        edited = payload_for(
            slugs, name="Census 2021", coverage=["flows"], quality_assessed=None
        )
        change_data_source(record, validate_data_source(edited), source="web")
        db.session.commit()
        actor = db.session.scalar(db.select(User).where(User.role == "secretariat"))
        restore_revision(actor, "data_source", slug, 1)
    restored = data_source(app, slug)
    assert restored.name == "Population census of Kazakhstan"
    assert restored.coverage == ["citizenship", "country-of-birth", "stocks"]
    assert restored.quality_assessed == date(2023, 5, 1)
    assert restored.version == 3


def test_diffs_say_labels_and_vocabulary_names_never_keys(app, slugs):
    from migratory.core.history import revisions_with_changes
    from migratory.core.records import record_kind
    from migratory.extensions import db
    from migratory.network.data_sources import (
        change_data_source,
        get_data_source,
        validate_data_source,
    )

    slug = add_data_source(app, slugs)
    with app.app_context():
        record = get_data_source(slug)
        edited = payload_for(
            slugs,
            type="population-register",
            periodicity="continuous",
            institution=slugs["kz-interior"],
        )
        change_data_source(record, validate_data_source(edited), source="web")
        db.session.commit()
        kind = record_kind("data_source")
        [(_, changes), _] = revisions_with_changes(kind, record.id)
        shown = {str(c.label): (str(c.before), str(c.after)) for c in changes}
    assert shown == {
        "Type": ("Population census", "Population register"),
        "Periodicity": ("About every ten years", "Continuous"),
        "Producing institution": (
            "KZ Statistics Office",
            "KZ Ministry of Internal Affairs",
        ),
    }


def test_renaming_the_institution_reindexes_its_data_sources(app, slugs):
    from migratory.inventory.services import update_institution
    from migratory.search.kind_search import search_kind
    from tests.conftest import institution_payload

    slug = add_data_source(app, slugs, institution="kz-interior")
    with app.test_request_context():
        assert search_kind("data_source", "Rosstat").hits == []
        update_institution(
            slugs["kz-interior"],
            institution_payload(name="Rosstat Migration Service", acronym="RMS"),
        )
        found = search_kind("data_source", "Rosstat").hits
    assert [hit.url for hit in found] == [f"/data-sources/{slug}"]
