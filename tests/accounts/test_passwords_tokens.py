"""Password reset, password rules and hashing, and the signed links sent by mail:
expired, reused and tampered links are refused with a clear page."""

import html
import re
import time
from contextlib import contextmanager

import pytest
from argon2 import PasswordHasher
from itsdangerous.timed import TimestampSigner
from sqlalchemy import func, select

from migratory.accounts import passwords
from migratory.accounts.invitations import invite
from migratory.accounts.models import Invitation, User
from migratory.accounts.passwords import password_problem
from migratory.accounts.tokens import MAX_AGES, make_token, read_token
from migratory.core.errors import ValidationFailed
from migratory.extensions import db
from tests.accounts import confirm_address
from tests.conftest import PASSWORD, Auth, csrf_token

NEW_PASSWORD = "violet kettle drums at noon"
OTHER_PASSWORD = "seven quiet herons fishing"


@contextmanager
def issued_ago(monkeypatch, seconds: int):
    """Links signed inside this block carry a timestamp `seconds` in the past."""
    then = int(time.time()) - seconds
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: then)
        yield


def tampered(link: str) -> str:
    """The link with one character of its token's payload changed."""
    head, token = link.rsplit("/", 1)
    at = token.index(".") // 2
    swapped = "B" if token[at] == "A" else "A"
    return f"{head}/{token[:at]}{swapped}{token[at + 1 :]}"


def error_text(response) -> str:
    page = response.get_data(as_text=True)
    found = re.search(r"</h1>\s*<p>(.*?)</p>", page, re.S)
    assert found, "not an error page"
    return html.unescape(found[1])


def account(app, email):
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def signed_in(client) -> bool:
    response = client.get("/me")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def can_sign_in(app, email: str, password: str) -> bool:
    response = Auth(app.test_client()).login(email, password)
    assert response.status_code in (302, 401)
    return response.status_code == 302


def forgot(client, email: str):
    token = csrf_token(client, "/auth/forgot")
    return client.post("/auth/forgot", data={"csrf_token": token, "email": email})


def choose_password(client, link: str, password=NEW_PASSWORD, confirm=None):
    token = csrf_token(client, "/auth/login")
    return client.post(
        link,
        data={
            "csrf_token": token,
            "password": password,
            "confirm": password if confirm is None else confirm,
        },
    )


def reset_link(client, mailbox, email: str) -> str:
    forgot(client, email)
    return mailbox.last_link(email, "/auth/reset/")


def register(client, email: str):
    token = csrf_token(client, "/auth/register")
    return client.post(
        "/auth/register",
        data={
            "csrf_token": token,
            "name": "Ada",
            "email": email,
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )


# Password reset


def test_forgot_mails_a_reset_link_to_a_known_address(app, client, mailbox, make_user):
    make_user("ada@example.org")

    response = forgot(client, "ada@example.org")

    assert response.status_code == 200
    [message] = mailbox.to("ada@example.org")
    assert "Reset your password" in message["Subject"]
    assert mailbox.last_link("ada@example.org", "/auth/reset/")


def test_forgot_unknown_address_gets_the_same_page_and_no_mail(app, mailbox, make_user):
    make_user("ada@example.org")

    known = forgot(app.test_client(), "ada@example.org")
    unknown = forgot(app.test_client(), "nobody@example.org")

    assert unknown.status_code == known.status_code == 200
    assert unknown.get_data() == known.get_data()
    assert mailbox.to("nobody@example.org") == []
    assert len(mailbox.messages) == 1


def test_forgot_for_an_invalid_address_sends_nothing(app, client, mailbox):
    response = forgot(client, "not an address")

    assert response.status_code == 200
    assert mailbox.messages == []


def test_reset_link_shows_the_form(app, client, mailbox, make_user):
    make_user("ada@example.org")

    response = client.get(reset_link(client, mailbox, "ada@example.org"))

    assert response.status_code == 200
    assert 'name="password"' in response.get_data(as_text=True)


def test_reset_link_sets_a_new_password(app, client, mailbox, make_user):
    make_user("ada@example.org")
    link = reset_link(client, mailbox, "ada@example.org")

    response = choose_password(client, link)

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert can_sign_in(app, "ada@example.org", NEW_PASSWORD)


def test_old_password_stops_working_after_a_reset(app, client, mailbox, make_user):
    make_user("ada@example.org")

    choose_password(client, reset_link(client, mailbox, "ada@example.org"))

    assert not can_sign_in(app, "ada@example.org", PASSWORD)


def test_reset_ends_the_other_sessions(app, client, mailbox, make_user):
    make_user("ada@example.org")
    elsewhere = app.test_client()
    Auth(elsewhere).login("ada@example.org")
    assert signed_in(elsewhere)

    choose_password(client, reset_link(client, mailbox, "ada@example.org"))

    assert not signed_in(elsewhere)


def test_reset_voids_remember_cookies(app, client, mailbox, make_user):
    make_user("ada@example.org")
    laptop = app.test_client()
    Auth(laptop).login("ada@example.org", remember="y")
    cookie = laptop.get_cookie("remember_token").value

    choose_password(client, reset_link(client, mailbox, "ada@example.org"))

    later = app.test_client()
    later.set_cookie("remember_token", cookie)
    assert not signed_in(later)


def test_reset_refuses_a_weak_password(app, client, mailbox, make_user):
    make_user("ada@example.org")
    link = reset_link(client, mailbox, "ada@example.org")

    response = choose_password(client, link, password="password1234")

    assert response.status_code == 200
    assert "among the most common" in response.get_data(as_text=True)
    assert can_sign_in(app, "ada@example.org", PASSWORD)


def test_reset_refuses_mismatched_confirmation(app, client, mailbox, make_user):
    make_user("ada@example.org")
    link = reset_link(client, mailbox, "ada@example.org")

    response = choose_password(client, link, confirm=OTHER_PASSWORD)

    assert response.status_code == 200
    assert "The passwords differ." in response.get_data(as_text=True)
    assert can_sign_in(app, "ada@example.org", PASSWORD)


def test_reset_confirms_an_unverified_address(app, client, mailbox):
    register(client, "ada@example.org")
    assert not can_sign_in(app, "ada@example.org", PASSWORD)

    choose_password(client, reset_link(client, mailbox, "ada@example.org"))

    assert account(app, "ada@example.org").email_verified is not None
    assert can_sign_in(app, "ada@example.org", NEW_PASSWORD)


# Reset links: reused, expired, tampered


def test_reset_link_works_only_once(app, client, mailbox, make_user):
    make_user("ada@example.org")
    link = reset_link(client, mailbox, "ada@example.org")
    choose_password(client, link)

    again = choose_password(app.test_client(), link, password=OTHER_PASSWORD)

    assert again.status_code == 422
    assert error_text(again) == "This link has already been used or is not valid."
    assert can_sign_in(app, "ada@example.org", NEW_PASSWORD)
    assert not can_sign_in(app, "ada@example.org", OTHER_PASSWORD)


def test_used_reset_link_no_longer_shows_the_form(app, client, mailbox, make_user):
    make_user("ada@example.org")
    link = reset_link(client, mailbox, "ada@example.org")
    choose_password(client, link)

    response = client.get(link)

    assert response.status_code == 422
    assert "already been used" in error_text(response)


def test_expired_reset_link_is_refused(app, client, mailbox, make_user, monkeypatch):
    make_user("ada@example.org")
    with issued_ago(monkeypatch, MAX_AGES["reset"] + 60):
        link = reset_link(client, mailbox, "ada@example.org")

    response = choose_password(client, link)

    assert response.status_code == 422
    assert error_text(response) == "This link has expired. Ask for a new one."
    assert can_sign_in(app, "ada@example.org", PASSWORD)


def test_reset_link_expires_after_two_hours_not_before(
    app, client, mailbox, make_user, monkeypatch
):
    make_user("ada@example.org")
    with issued_ago(monkeypatch, 2 * 3600 - 60):
        fresh = reset_link(client, mailbox, "ada@example.org")
    with issued_ago(monkeypatch, 2 * 3600 + 60):
        stale = reset_link(client, mailbox, "ada@example.org")

    assert client.get(fresh).status_code == 200
    assert client.get(stale).status_code == 422


def test_tampered_reset_link_is_refused(app, client, mailbox, make_user):
    make_user("ada@example.org")
    link = reset_link(client, mailbox, "ada@example.org")

    response = choose_password(client, tampered(link))

    assert response.status_code == 422
    assert error_text(response) == "This link is not valid."
    assert can_sign_in(app, "ada@example.org", PASSWORD)


def test_verification_link_is_no_reset_link(app, client, mailbox):
    register(client, "ada@example.org")
    verify_token = mailbox.last_link("ada@example.org", "/auth/verify/").rsplit("/")[-1]

    response = choose_password(client, f"/auth/reset/{verify_token}")

    assert response.status_code == 422
    assert account(app, "ada@example.org").email_verified is None


# Verification links: expired, tampered, reopened


def test_expired_verification_link_is_refused(app, client, mailbox, monkeypatch):
    with issued_ago(monkeypatch, MAX_AGES["verify"] + 60):
        register(client, "ada@example.org")
    link = mailbox.last_link("ada@example.org", "/auth/verify/")

    response = client.get(link)

    assert response.status_code == 422
    assert error_text(response) == "This link has expired. Ask for a new one."
    assert account(app, "ada@example.org").email_verified is None


def test_verification_link_works_within_three_days(app, client, mailbox, monkeypatch):
    with issued_ago(monkeypatch, 3 * 24 * 3600 - 60):
        register(client, "ada@example.org")

    response = confirm_address(
        client, mailbox.last_link("ada@example.org", "/auth/verify/")
    )

    assert response.status_code == 302
    assert account(app, "ada@example.org").email_verified is not None


def test_tampered_verification_link_is_refused(app, client, mailbox):
    register(client, "ada@example.org")
    link = mailbox.last_link("ada@example.org", "/auth/verify/")

    response = client.get(tampered(link))

    assert response.status_code == 422
    assert error_text(response) == "This link is not valid."
    assert account(app, "ada@example.org").email_verified is None


def test_reopened_verification_link_keeps_the_first_date(app, client, mailbox):
    register(client, "ada@example.org")
    link = mailbox.last_link("ada@example.org", "/auth/verify/")
    confirm_address(client, link)
    first = account(app, "ada@example.org").email_verified

    response = confirm_address(client, link)

    assert response.status_code == 302
    assert account(app, "ada@example.org").email_verified == first


# Invitation links: accepted twice, expired, tampered


@pytest.fixture
def send_invitation(app, make_user):
    """Factory: the secretariat invites `email`; returns the link's path."""
    make_user("sec@example.org", role="secretariat")

    def send(email, mailbox, role="secretariat", country=None):
        with app.test_request_context():
            actor = db.session.scalar(select(User).where(User.role == "secretariat"))
            invite(actor, email, role, country, [])
        return mailbox.last_link(email, "/auth/invitation/")

    return send


def accept(client, link, password=NEW_PASSWORD, name="Invitee"):
    token = csrf_token(client, "/auth/login")
    return client.post(
        link,
        data={
            "csrf_token": token,
            "name": name,
            "password": password,
            "confirm": password,
        },
    )


def open_invitations(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(Invitation.id)).where(Invitation.accepted.is_(None))
        )


def test_invitation_link_shows_the_form(app, client, mailbox, send_invitation):
    link = send_invitation("new@example.org", mailbox)

    response = client.get(link)

    assert response.status_code == 200
    assert "new@example.org" in response.get_data(as_text=True)


def test_invitation_can_be_accepted_only_once(app, client, mailbox, send_invitation):
    link = send_invitation("new@example.org", mailbox)
    assert accept(client, link).status_code == 302

    again = accept(app.test_client(), link, password=OTHER_PASSWORD, name="Other")

    assert again.status_code == 422
    assert error_text(again) == "This invitation has already been used."
    assert account(app, "new@example.org").name == "Invitee"
    assert can_sign_in(app, "new@example.org", NEW_PASSWORD)
    assert not can_sign_in(app, "new@example.org", OTHER_PASSWORD)


def test_expired_invitation_is_refused(
    app, client, mailbox, send_invitation, monkeypatch
):
    with issued_ago(monkeypatch, MAX_AGES["invite"] + 60):
        link = send_invitation("new@example.org", mailbox)

    response = accept(client, link)

    assert response.status_code == 422
    assert error_text(response) == "This link has expired. Ask for a new one."
    assert account(app, "new@example.org") is None
    assert open_invitations(app) == 1


def test_tampered_invitation_is_refused(app, client, mailbox, send_invitation):
    link = send_invitation("new@example.org", mailbox)

    response = accept(client, tampered(link))

    assert response.status_code == 422
    assert error_text(response) == "This link is not valid."
    assert account(app, "new@example.org") is None
    assert open_invitations(app) == 1


def test_invitation_needs_a_password_for_a_new_account(
    app, client, mailbox, send_invitation
):
    link = send_invitation("new@example.org", mailbox)

    response = accept(client, link, password="")

    assert response.status_code == 200
    assert "at least 10 characters" in response.get_data(as_text=True)
    assert account(app, "new@example.org") is None
    assert open_invitations(app) == 1


def test_invitation_refuses_a_weak_password(app, client, mailbox, send_invitation):
    link = send_invitation("new@example.org", mailbox)

    response = accept(client, link, password="password1234")

    assert response.status_code == 200
    assert "among the most common" in response.get_data(as_text=True)
    assert account(app, "new@example.org") is None


def test_invitation_to_an_existing_member_keeps_the_password(
    app, client, mailbox, make_user, send_invitation
):
    make_user("ada@example.org")
    link = send_invitation("ada@example.org", mailbox)
    assert Auth(client).login("ada@example.org").status_code == 302

    response = accept(client, link, password=OTHER_PASSWORD)

    assert response.status_code == 302
    assert account(app, "ada@example.org").role == "secretariat"
    assert can_sign_in(app, "ada@example.org", PASSWORD)
    assert not can_sign_in(app, "ada@example.org", OTHER_PASSWORD)


def test_invitation_does_not_hand_a_pre_registered_account_to_its_registrant(
    app, client, mailbox, send_invitation
):
    attacker_password = "attacker chose this one"
    squatter = app.test_client()
    token = csrf_token(squatter, "/auth/register")
    squatter.post(
        "/auth/register",
        data={
            "csrf_token": token,
            "name": "Squatter",
            "email": "victim@example.org",
            "password": attacker_password,
            "confirm": attacker_password,
        },
    )
    link = send_invitation("victim@example.org", mailbox)

    accept(client, link, password="")

    assert not can_sign_in(app, "victim@example.org", attacker_password)


# Tokens, rules and hashing


def test_tokens_are_bound_to_their_purpose(ctx):
    token = make_token("verify", {"u": 1})

    assert read_token("verify", token) == {"u": 1}
    with pytest.raises(ValidationFailed):
        read_token("reset", token)


def test_tokens_signed_with_another_key_are_refused(ctx):
    token = make_token("reset", {"u": 1})
    ctx.config["SECRET_KEY"] = "another-key"

    with pytest.raises(ValidationFailed, match="not valid"):
        read_token("reset", token)


@pytest.mark.parametrize(
    "password",
    ["short", "password1234", "Password1234!", "letmein123", "sunshine2024"],
)
def test_weak_passwords_are_refused(password):
    assert password_problem(password, "someone@example.org")


def test_password_containing_the_address_is_refused():
    problem = password_problem("my ada.lovelace rocks", "ada.lovelace@example.org")

    assert problem == "The password must not contain your e-mail address."


@pytest.mark.parametrize("password", [PASSWORD, NEW_PASSWORD, "Zq7!m2vR#pL9"])
def test_good_passwords_are_accepted(password):
    assert password_problem(password, "ada@example.org") is None


def test_overlong_passwords_are_refused():
    assert password_problem("x7" * 101) == "Use at most 200 characters."


def test_weak_hashes_are_upgraded_at_sign_in(app, client, auth, make_user, monkeypatch):
    make_user("ada@example.org")
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", stronger)
    assert stronger.check_needs_rehash(account(app, "ada@example.org").password_hash)

    assert auth.login("ada@example.org").status_code == 302

    stored = account(app, "ada@example.org").password_hash
    assert not stronger.check_needs_rehash(stored)
    assert can_sign_in(app, "ada@example.org", PASSWORD)
