"""Services: creating, changing and versioning institutions."""

import pytest
from sqlalchemy import select

from migratory.core.errors import Conflict, ValidationFailed
from migratory.core.history import Revision
from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.inventory.services import (
    add_institution,
    create_institution,
    get_institution,
    update_institution,
)
from tests.conftest import institution_payload


def test_create_institution_stores_fields_and_first_revision(ctx):
    institution = create_institution(institution_payload())
    stored = db.session.scalar(
        select(Institution).where(Institution.slug == institution.slug)
    )
    assert stored.name == "Agency for Migration Statistics"
    assert stored.country.iso2 == "KZ"
    assert stored.topics == ["labour-migration", "migration-statistics"]
    assert stored.roles == ["producer"]
    assert stored.name_in("ru") == "Агентство миграционной статистики"
    assert stored.version == 1
    assert [r.number for r in stored.revisions] == [1]
    assert stored.revisions[0].data["name"] == stored.name


def test_add_institution_leaves_the_commit_to_the_use_case(ctx):
    slug = add_institution(institution_payload()).slug
    db.session.rollback()

    assert db.session.scalar(select(Institution).filter_by(slug=slug)) is None
    assert db.session.scalar(select(Revision)) is None


def test_slugs_are_unique_and_transliterated(ctx):
    first = create_institution(institution_payload(name="Росстат", website=None))
    second = create_institution(
        institution_payload(name="Росстат", country="RU", website=None)
    )
    assert first.slug == "rosstat"
    assert second.slug == "rosstat-ru"


def test_update_records_revision_and_bumps_version(ctx):
    slug = create_institution(institution_payload()).slug
    updated = update_institution(
        slug, institution_payload(summary="New summary."), comment="typo"
    )
    assert updated.version == 2
    revisions = db.session.scalars(select(Revision).order_by(Revision.number)).all()
    assert [r.number for r in revisions] == [1, 2]
    assert (
        revisions[0].data["summary"]
        == "Produces statistics on international migration."
    )
    assert revisions[1].data["summary"] == "New summary."
    assert revisions[1].comment == "typo"


def test_update_without_change_keeps_version(ctx):
    slug = create_institution(institution_payload()).slug
    again = update_institution(slug, institution_payload())
    assert again.version == 1
    assert len(again.revisions) == 1


def test_stale_version_is_refused_and_nothing_changes(ctx):
    slug = create_institution(institution_payload()).slug
    update_institution(
        slug, institution_payload(summary="First edit."), expected_version=1
    )
    with pytest.raises(Conflict):
        update_institution(
            slug, institution_payload(summary="Second."), expected_version=1
        )
    db.session.rollback()
    assert get_institution(slug).summary == "First edit."


def test_invalid_payload_raises_with_field_errors_and_writes_nothing(ctx):
    with pytest.raises(ValidationFailed) as info:
        create_institution(
            institution_payload(
                country="XX", category="ngo", latitude=123, website="nope"
            )
        )
    errors = info.value.errors
    assert set(errors) >= {"country", "category", "latitude", "website"}
    assert db.session.scalar(select(db.func.count()).select_from(Institution)) == 0


def test_html_in_text_fields_is_stored_verbatim(ctx):
    payload = institution_payload(summary="<script>alert(1)</script> & co")
    institution = create_institution(payload)
    assert institution.summary == "<script>alert(1)</script> & co"


def test_get_institution_published_only(ctx):
    slug = create_institution(institution_payload(status="draft")).slug
    assert get_institution(slug).status == "draft"
    with pytest.raises(Exception, match="No such institution"):
        get_institution(slug, published_only=True)
