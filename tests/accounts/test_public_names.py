"""Public pages show a person's name, or their role, never their e-mail address;
the secretariat still sees addresses on its own pages."""

import pytest
from sqlalchemy import select

from migratory.accounts.models import User, role_label
from migratory.extensions import db
from migratory.inventory.models import Country
from tests.conftest import institution_payload
from tests.moderation import signed_in, user_id

MEMBER = "member@example.org"
FOCAL = "focal.kz@example.org"
SECRETARIAT = "secretariat@example.org"


@pytest.mark.parametrize(
    ("role", "country", "label"),
    [
        ("secretariat", None, "Secretariat"),
        ("focal_point", "KZ", "Focal point, Kazakhstan"),
        ("focal_point", None, "Focal point"),
        (None, None, "Member"),
    ],
)
def test_role_labels(ctx, role, country, label):
    assert role_label(role, db.session.get(Country, country) if country else None) == (
        label
    )


def test_display_name_is_the_name_when_there_is_one(ctx):
    assert User(email=FOCAL, name="Aigerim", role="focal_point").display_name == (
        "Aigerim"
    )


def test_display_name_is_never_the_address(ctx):
    user = User(email=FOCAL, name="", role="focal_point", country_code="KZ")
    user.country = db.session.get(Country, "KZ")

    assert user.display_name == "Focal point, Kazakhstan"


@pytest.fixture
def edited(app, make_institution, make_user):
    """An entry edited by a nameless member, focal point and secretariat, and by
    a focal point with a name."""
    from migratory.inventory.services import update_institution

    slug = make_institution()
    make_user(MEMBER)
    make_user(FOCAL, role="focal_point", country="KZ", institutions=[slug])
    make_user(SECRETARIAT, role="secretariat")
    make_user("named@example.org", role="focal_point", country="KZ")
    with app.app_context():
        db.session.scalar(
            select(User).where(User.email == "named@example.org")
        ).name = "Aigerim Bekova"
        db.session.commit()
    for number, email in enumerate(
        (MEMBER, FOCAL, SECRETARIAT, "named@example.org"), start=1
    ):
        with app.app_context():
            update_institution(
                slug,
                institution_payload(summary=f"Summary number {number}."),
                author_id=user_id(app, email),
            )
    return slug


def test_public_history_shows_names_or_roles_not_addresses(client, edited):
    page = client.get(f"/institutions/{edited}/history").get_data(as_text=True)

    assert "@example.org" not in page
    for label in ("Member", "Focal point, Kazakhstan", "Secretariat"):
        assert f"· {label}" in page
    assert "Aigerim Bekova" in page


def test_history_shows_no_address_to_signed_in_members_either(app, edited):
    page = signed_in(app, MEMBER).get(f"/institutions/{edited}/history")

    assert FOCAL not in page.get_data(as_text=True)


def test_the_secretariat_still_sees_the_address_on_its_user_page(app, edited):
    page = signed_in(app, SECRETARIAT).get(f"/secretariat/users/{user_id(app, FOCAL)}")

    text = page.get_data(as_text=True)
    assert FOCAL in text
    assert "Focal point, Kazakhstan" in text
