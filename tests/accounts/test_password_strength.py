"""Weak passwords are refused everywhere one is chosen, with the rule spelled out:
blanks, repeats, sequences, the site's name, and what zxcvbn finds easy."""

import pytest
from sqlalchemy import select

from migratory.accounts.invitations import invite
from migratory.accounts.models import User
from migratory.accounts.passwords import RULE, password_problem
from migratory.accounts.services import ValidationFailed, create_user
from migratory.extensions import db
from tests.conftest import PASSWORD, csrf_token

WEAK = [
    "aaaaaaaaaa",
    "0000000000",
    "abcdefghij",
    "passwordpassword",
    "migratory2026",
    "Migratory2026!",
    "abcabcabcabc",
    " " * 10,
    "\t" * 12,
    "statistics2026",
]
STRONG = [PASSWORD, "violet kettle drums at noon", "Zq7!m2vR#pL9"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused_with_the_rule(password):
    problem = password_problem(password, "ada@example.org")

    assert problem is not None
    assert str(RULE) in problem


@pytest.mark.parametrize("password", STRONG)
def test_strong_passwords_pass(password):
    assert password_problem(password, "ada@example.org") is None


def test_parts_of_the_address_make_a_password_weak():
    assert password_problem("lovelace2026", "ada@lovelace.org") is not None
    assert password_problem("lovelace2026 frogs", "ada@lovelace.org") is None


def test_rule_lists_what_is_refused():
    rule = str(RULE)

    for part in ("10 characters", "blanks", "repeats", "sequences", "common"):
        assert part in rule


def test_command_line_refuses_a_weak_password(ctx):
    with pytest.raises(ValidationFailed, match="too easy to guess"):
        create_user("ada@example.org", "secretariat", "migratory2026")


def register(client, password):
    token = csrf_token(client, "/auth/register")
    return client.post(
        "/auth/register",
        data={
            "csrf_token": token,
            "name": "Ada",
            "email": "ada@example.org",
            "password": password,
            "confirm": password,
        },
    )


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "abcdefghij", "migratory2026"])
def test_registration_refuses_weak_passwords(app, client, password):
    response = register(client, password)

    assert response.status_code == 400
    assert "too easy to guess" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User)) is None


@pytest.fixture
def invitation_link(app, make_user):
    """A pending invitation for new@example.org; the path of its link."""
    from migratory.accounts.tokens import make_token

    make_user("sec@example.org", role="secretariat")
    with app.test_request_context():
        actor = db.session.scalar(select(User).where(User.role == "secretariat"))
        invitation = invite(actor, "new@example.org", "secretariat", None, [])
        token = make_token("invite", {"i": invitation.id, "e": invitation.email})
    return f"/auth/invitation/{token}"


@pytest.mark.parametrize("password", [" " * 10, " " * 16, "aaaaaaaaaa"])
def test_invitation_form_refuses_blank_and_repeated_passwords(
    app, client, invitation_link, password
):
    token = csrf_token(client, invitation_link)
    response = client.post(
        invitation_link,
        data={
            "csrf_token": token,
            "name": "New",
            "password": password,
            "confirm": password,
        },
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Use at least 10 characters that are hard to guess" in page
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new@example.org"))
        assert user is None


def test_invitation_form_accepts_a_strong_password(app, client, invitation_link):
    token = csrf_token(client, invitation_link)
    response = client.post(
        invitation_link,
        data={
            "csrf_token": token,
            "name": "New",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )

    assert response.status_code == 302
