"""`flask users create`: verified accounts from the command line."""

import pytest
from sqlalchemy import func, select

from migratory.accounts.models import User
from migratory.extensions import db
from tests.conftest import PASSWORD, Auth


def create(runner, email, *options, password=PASSWORD):
    return runner.invoke(
        args=["users", "create", email, *options, "--password-stdin"],
        input=password + "\n",
    )


def account(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_create_secretariat(app, runner):
    result = create(runner, "a@b.org", "--role", "secretariat")

    assert result.exit_code == 0, result.output
    assert "Created a@b.org (secretariat)." in result.output
    user = account(app, "a@b.org")
    assert user.role == "secretariat"
    assert user.email_verified is not None


def test_created_secretariat_can_sign_in(app, runner, client, auth):
    create(runner, "a@b.org", "--role", "secretariat")

    assert auth.login("a@b.org").status_code == 302
    assert client.get("/secretariat/").status_code == 200


def test_created_member_can_sign_in_but_is_no_secretariat(app, runner, client, auth):
    create(runner, "m@b.org", "--role", "member")

    assert auth.login("m@b.org").status_code == 302
    assert client.get("/secretariat/").status_code == 403
    assert account(app, "m@b.org").role is None


def test_password_from_stdin_is_the_password(app, runner):
    create(runner, "a@b.org", "--role", "secretariat", password="violet kettle drums")

    assert Auth(app.test_client()).login("a@b.org").status_code == 401
    assert (
        Auth(app.test_client()).login("a@b.org", "violet kettle drums").status_code
        == 302
    )


def test_create_focal_point_with_country_and_institution(app, runner, make_institution):
    slug = make_institution()

    result = create(
        runner,
        "fp@b.org",
        "--role",
        "focal_point",
        "--country",
        "kz",
        "--institution",
        slug,
    )

    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "fp@b.org"))
        assert user.role == "focal_point"
        assert user.country_code == "KZ"
        assert [i.slug for i in user.institutions] == [slug]


def test_focal_point_needs_a_country(app, runner):
    result = create(runner, "fp@b.org", "--role", "focal_point")

    assert result.exit_code != 0
    assert "A focal point needs a country." in result.output
    assert user_count(app) == 0


def test_focal_point_needs_a_known_country(app, runner):
    result = create(runner, "fp@b.org", "--role", "focal_point", "--country", "XX")

    assert result.exit_code != 0
    assert "A focal point needs a country." in result.output
    assert user_count(app) == 0


def test_unknown_institution_fails(app, runner):
    result = create(
        runner,
        "fp@b.org",
        "--role",
        "focal_point",
        "--country",
        "KZ",
        "--institution",
        "no-such-institution",
    )

    assert result.exit_code != 0
    assert "An institution does not exist." in result.output
    assert user_count(app) == 0


def test_institution_of_another_country_fails(app, runner, make_institution):
    slug = make_institution()

    result = create(
        runner,
        "fp@b.org",
        "--role",
        "focal_point",
        "--country",
        "UZ",
        "--institution",
        slug,
    )

    assert result.exit_code != 0
    assert "must be in the focal point's country" in result.output
    assert user_count(app) == 0


def test_duplicate_email_fails(app, runner):
    create(runner, "a@b.org", "--role", "secretariat")

    result = create(runner, "A@B.org", "--role", "member", password="another fine one")

    assert result.exit_code != 0
    assert "a@b.org is already registered." in result.output
    assert user_count(app) == 1
    assert account(app, "a@b.org").role == "secretariat"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "too short. Use at least 10 characters"),
        ("password1234", "among the most common"),
    ],
)
def test_weak_password_fails(app, runner, password, problem):
    result = create(runner, "a@b.org", "--role", "secretariat", password=password)

    assert result.exit_code != 0
    assert problem in result.output
    assert user_count(app) == 0


def test_invalid_email_fails(app, runner):
    result = create(runner, "not-an-address", "--role", "secretariat")

    assert result.exit_code != 0
    assert "Enter a valid e-mail address." in result.output
    assert user_count(app) == 0


def test_unknown_role_fails(app, runner):
    result = create(runner, "a@b.org", "--role", "admin")

    assert result.exit_code != 0
    assert user_count(app) == 0
