"""Registration, sign-in, sign-out, invitations, CSRF and cookie settings."""

import html
import importlib.util
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from migratory.accounts.invitations import invite
from migratory.accounts.models import Invitation, User
from migratory.core.errors import PermissionDenied
from migratory.extensions import db
from migratory.inventory.models import Institution
from tests.accounts import confirm_address
from tests.conftest import PASSWORD, ROOT, Auth, csrf_token

NEW_PASSWORD = "violet kettle drums at noon"


def flashes(response) -> list[str]:
    """The flashed messages shown on a page."""
    page = response.get_data(as_text=True)
    found = re.findall(r'<div class="alert[^"]*" role="alert">(.*?)</div>', page, re.S)
    return [html.unescape(text).strip() for text in found]


def status_message(response) -> str:
    """The text of the message page (accounts/message.html)."""
    found = re.search(r'<p role="status">(.*?)</p>', response.get_data(as_text=True))
    assert found, "not a message page"
    return html.unescape(found[1])


def field_errors(response, field: str) -> list[str]:
    """The error messages shown under one form field."""
    page = response.get_data(as_text=True)
    found = re.search(rf'<input[^>]*id="{field}"[^>]*>(.*?)</div>\s*</div>', page, re.S)
    assert found, f"no field {field}"
    messages = re.findall(r'class="invalid-feedback[^"]*">(.*?)</div>', found[0])
    return [html.unescape(m) for m in messages]


def account(app, email):
    """The user with this address (detached), or None."""
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def invitation_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Invitation.id)))


def institution_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Institution.id).where(Institution.slug == slug))


def register(client, email, password=PASSWORD, confirm=None, name="Ada Lovelace"):
    token = csrf_token(client, "/auth/register")
    return client.post(
        "/auth/register",
        data={
            "csrf_token": token,
            "name": name,
            "email": email,
            "password": password,
            "confirm": password if confirm is None else confirm,
        },
    )


def signed_in(client) -> bool:
    response = client.get("/me")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def uzbek_institution(make_institution) -> str:
    return make_institution(
        name="Tashkent Institute of Demography",
        acronym="TID",
        names=[],
        website="https://tid.example.uz",
        city="Tashkent",
        country="UZ",
        latitude=41.2995,
        longitude=69.2401,
    )


# Registration


def test_register_creates_an_unverified_member(app, client, mailbox):
    response = register(client, "ada@example.org")

    assert response.status_code == 200
    assert "We sent a link" in status_message(response)
    user = account(app, "ada@example.org")
    assert user.email_verified is None
    assert user.is_member and user.role is None
    assert user.name == "Ada Lovelace"


def test_register_mails_a_verification_link(app, client, mailbox):
    register(client, "ada@example.org")

    [message] = mailbox.to("ada@example.org")
    assert "Confirm your e-mail address" in message["Subject"]
    assert mailbox.last_link("ada@example.org", "/auth/verify/")


def test_register_stores_a_hash_not_the_password(app, client, mailbox):
    register(client, "ada@example.org")

    stored = account(app, "ada@example.org").password_hash
    assert PASSWORD not in stored
    assert stored.startswith("$argon2id$")


def test_unverified_member_cannot_sign_in(app, client, mailbox):
    register(client, "ada@example.org")

    response = Auth(client).login("ada@example.org")

    assert response.status_code == 401
    assert any("Confirm your e-mail address first" in f for f in flashes(response))
    assert not signed_in(client)


def test_verification_link_verifies_and_allows_sign_in(app, client, mailbox):
    register(client, "ada@example.org")
    link = mailbox.last_link("ada@example.org", "/auth/verify/")

    response = confirm_address(client, link)

    assert response.headers["Location"].endswith("/auth/login")
    followed = client.get(response.headers["Location"])
    assert "Your address is confirmed. You can sign in." in flashes(followed)
    assert account(app, "ada@example.org").email_verified is not None
    assert Auth(client).login("ada@example.org").status_code == 302
    assert signed_in(client)


def test_opening_the_verification_link_confirms_nothing(app, client, mailbox):
    """Mail scanners open links; only the owner's button press verifies."""
    register(client, "ada@example.org")
    link = mailbox.last_link("ada@example.org", "/auth/verify/")

    page = client.get(link)

    assert page.status_code == 200
    assert "Confirm my address" in page.get_data(as_text=True)
    assert account(app, "ada@example.org").email_verified is None
    assert "If you did not register, ignore this message" in mailbox.last_body(
        "ada@example.org"
    )


def test_verification_without_csrf_token_is_refused(app, client, mailbox):
    register(client, "ada@example.org")
    link = mailbox.last_link("ada@example.org", "/auth/verify/")

    response = client.post(link)

    assert response.status_code == 400
    assert account(app, "ada@example.org").email_verified is None


def test_register_existing_address_shows_the_same_page(app, client, mailbox):
    fresh = register(app.test_client(), "new@example.org")
    known = register(app.test_client(), "new@example.org", password=NEW_PASSWORD)

    assert known.status_code == fresh.status_code == 200
    assert status_message(known) == status_message(fresh)
    assert known.get_data() == fresh.get_data()


def test_register_existing_address_mails_the_owner(app, client, mailbox, make_user):
    make_user("owner@example.org")

    register(client, "owner@example.org", password=NEW_PASSWORD)

    [message] = mailbox.to("owner@example.org")
    assert "Someone tried to register with your address" in message["Subject"]
    assert "/auth/forgot" in mailbox.last_body("owner@example.org")


def test_register_existing_address_changes_nothing(app, client, mailbox, make_user):
    make_user("owner@example.org")

    register(client, "owner@example.org", password=NEW_PASSWORD, name="Intruder")

    assert user_count(app) == 1
    assert account(app, "owner@example.org").name == ""
    assert Auth(app.test_client()).login("owner@example.org").status_code == 302
    refused = Auth(app.test_client()).login("owner@example.org", NEW_PASSWORD)
    assert refused.status_code == 401


def test_register_existing_address_in_other_case_is_the_same_account(
    app, client, mailbox, make_user
):
    make_user("owner@example.org")

    register(client, "Owner@Example.ORG", password=NEW_PASSWORD)

    assert user_count(app) == 1
    assert mailbox.to("owner@example.org")


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short1!", "too short. Use at least 10 characters"),
        ("password1234", "among the most common"),
        ("qwertyuiop", "among the most common"),
        ("1234567890", "among the most common"),
        ("iloveyou2024!", "among the most common"),
        ("xadalovelacex99", "must not contain your e-mail address"),
    ],
)
def test_register_refuses_weak_passwords(app, client, mailbox, password, problem):
    response = register(client, "adalovelace@example.org", password=password)

    assert response.status_code == 400
    [error] = field_errors(response, "password")
    assert problem in error
    assert user_count(app) == 0
    assert mailbox.messages == []


def test_register_refuses_mismatched_confirmation(app, client, mailbox):
    response = register(client, "ada@example.org", confirm=PASSWORD + "x")

    assert response.status_code == 400
    assert field_errors(response, "confirm") == ["The passwords differ."]
    assert user_count(app) == 0
    assert mailbox.messages == []


def test_register_refuses_an_invalid_address(app, client, mailbox):
    response = register(client, "not-an-address")

    assert response.status_code == 400
    assert user_count(app) == 0


# Sign-in and sign-out


def test_sign_in_with_the_right_password(app, client, auth, make_user):
    make_user("ada@example.org")

    response = auth.login("ada@example.org")

    assert response.status_code == 302
    assert response.headers["Location"] == "/me"
    assert signed_in(client)


def test_sign_in_ignores_the_case_of_the_address(app, client, auth, make_user):
    make_user("ada@example.org")

    assert auth.login("ADA@Example.org").status_code == 302


def test_sign_in_records_last_login(app, client, auth, make_user):
    make_user("ada@example.org")

    auth.login("ada@example.org")

    assert account(app, "ada@example.org").last_login is not None


def test_wrong_password_and_unknown_address_give_the_same_message(app, make_user):
    make_user("ada@example.org")

    wrong = Auth(app.test_client()).login("ada@example.org", NEW_PASSWORD)
    unknown = Auth(app.test_client()).login("nobody@example.org")

    assert wrong.status_code == unknown.status_code == 401
    assert flashes(wrong) == flashes(unknown)
    assert flashes(wrong) == ["Unknown e-mail address or wrong password."]


def test_wrong_password_does_not_sign_in(app, client, auth, make_user):
    make_user("ada@example.org")

    auth.login("ada@example.org", NEW_PASSWORD)

    assert not signed_in(client)


def test_deactivated_account_cannot_sign_in(app, client, auth, make_user):
    make_user("ada@example.org")
    with app.app_context():
        db.session.scalar(select(User)).active = False
        db.session.commit()

    response = auth.login("ada@example.org")

    assert response.status_code == 401
    assert flashes(response) == ["Unknown e-mail address or wrong password."]


def test_sign_in_goes_to_a_local_next_page(app, client, make_user):
    make_user("ada@example.org")
    token = csrf_token(client, "/auth/login")

    response = client.post(
        "/auth/login?next=/institutions",
        data={"email": "ada@example.org", "password": PASSWORD, "csrf_token": token},
    )

    assert response.headers["Location"] == "/institutions"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\\/evil.example/",
        "/\t/evil.example/",
        "javascript:alert(1)",
    ],
)
def test_sign_in_never_sends_to_another_site(app, client, make_user, target):
    make_user("ada@example.org")
    token = csrf_token(client, "/auth/login")

    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"email": "ada@example.org", "password": PASSWORD, "csrf_token": token},
    )

    location = response.headers["Location"]
    assert response.status_code == 302
    assert location == "/me"  # the profile, not the target
    assert urlsplit(location).netloc == ""


def test_profile_requires_sign_in(app, client):
    response = client.get("/me")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_remember_me_sets_a_remember_cookie(app, client, auth, make_user):
    make_user("ada@example.org")

    auth.login("ada@example.org", remember="y")

    assert client.get_cookie("remember_token") is not None


def test_without_remember_me_there_is_no_remember_cookie(app, client, auth, make_user):
    make_user("ada@example.org")

    auth.login("ada@example.org")

    assert client.get_cookie("remember_token") is None


def test_remember_cookie_alone_signs_in(app, client, auth, make_user):
    make_user("ada@example.org")
    auth.login("ada@example.org", remember="y")
    other = app.test_client()

    other.set_cookie("remember_token", client.get_cookie("remember_token").value)

    assert signed_in(other)


def test_log_out(app, client, auth, make_user):
    make_user("ada@example.org")
    auth.login("ada@example.org")

    response = auth.logout()

    assert response.status_code == 302
    assert not signed_in(client)


def test_log_out_ends_only_this_session(app, client, auth, make_user):
    make_user("ada@example.org")
    other = app.test_client()
    Auth(other).login("ada@example.org")
    auth.login("ada@example.org")

    auth.logout()

    assert signed_in(other)


def test_log_out_everywhere_ends_other_sessions(app, client, auth, make_user):
    make_user("ada@example.org")
    other = app.test_client()
    Auth(other).login("ada@example.org")
    auth.login("ada@example.org")

    response = auth.post("/me/logout-everywhere")

    assert response.status_code == 302
    assert not signed_in(other)
    assert not signed_in(client)


def test_log_out_everywhere_voids_remember_cookies(app, client, auth, make_user):
    make_user("ada@example.org")
    laptop = app.test_client()
    Auth(laptop).login("ada@example.org", remember="y")
    cookie = laptop.get_cookie("remember_token").value
    auth.login("ada@example.org")

    auth.post("/me/logout-everywhere")

    later = app.test_client()
    later.set_cookie("remember_token", cookie)
    assert not signed_in(later)


def test_sign_in_works_again_after_log_out_everywhere(app, client, auth, make_user):
    make_user("ada@example.org")
    auth.login("ada@example.org")
    auth.post("/me/logout-everywhere")

    assert auth.login("ada@example.org").status_code == 302
    assert signed_in(client)


def test_profile_name_is_saved(app, client, auth, make_user):
    make_user("ada@example.org")
    auth.login("ada@example.org")

    response = auth.post("/me", {"name": "Ada King"}, form_page="/me")

    assert response.status_code == 302
    assert account(app, "ada@example.org").name == "Ada King"


# Invitations


@pytest.fixture
def secretariat(app, client, auth, make_user):
    """A signed-in secretariat member (the `client`)."""
    make_user("sec@example.org", role="secretariat")
    assert auth.login("sec@example.org").status_code == 302
    return auth


def post_invitation(auth, **fields):
    return auth.post("/secretariat/invitations", fields, "/secretariat/invitations")


def test_secretariat_invites_a_focal_point_by_mail(
    app, secretariat, mailbox, make_institution
):
    kz = institution_id(app, make_institution())

    response = post_invitation(
        secretariat,
        email="fp@example.org",
        role="focal_point",
        country="KZ",
        institutions=[kz],
    )

    assert response.status_code == 302
    assert invitation_count(app) == 1
    [message] = mailbox.to("fp@example.org")
    assert "You are invited" in message["Subject"]
    assert "Focal point, Kazakhstan" in mailbox.last_body("fp@example.org")
    assert mailbox.last_link("fp@example.org", "/auth/invitation/")


def test_accepting_an_invitation_creates_the_focal_point(
    app, secretariat, mailbox, make_institution
):
    slug = make_institution()
    post_invitation(
        secretariat,
        email="fp@example.org",
        role="focal_point",
        country="KZ",
        institutions=[institution_id(app, slug)],
    )
    link = mailbox.last_link("fp@example.org", "/auth/invitation/")
    invitee = app.test_client()
    token = csrf_token(invitee, link)

    response = invitee.post(
        link,
        data={
            "csrf_token": token,
            "name": "Aigerim",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/me"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "fp@example.org"))
        assert user.role == "focal_point"
        assert user.country_code == "KZ"
        assert [i.slug for i in user.institutions] == [slug]
        assert user.email_verified is not None
        assert user.name == "Aigerim"
    profile = invitee.get("/me")
    assert profile.status_code == 200
    assert "Focal point" in profile.get_data(as_text=True)


def test_invited_focal_point_signs_in_with_the_chosen_password(
    app, secretariat, mailbox
):
    post_invitation(secretariat, email="sec2@example.org", role="secretariat")
    link = mailbox.last_link("sec2@example.org", "/auth/invitation/")
    invitee = app.test_client()
    invitee.post(
        link,
        data={
            "csrf_token": csrf_token(invitee, link),
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )

    response = Auth(app.test_client()).login("sec2@example.org", NEW_PASSWORD)

    assert response.status_code == 302
    assert account(app, "sec2@example.org").role == "secretariat"


def test_invitation_refuses_an_institution_of_another_country(
    app, secretariat, mailbox, make_institution
):
    uz = institution_id(app, uzbek_institution(make_institution))

    response = post_invitation(
        secretariat,
        email="fp@example.org",
        role="focal_point",
        country="KZ",
        institutions=[uz],
    )

    assert response.status_code == 200
    [message] = flashes(response)
    assert message == (
        "A focal point's institutions must be in the focal point's country. "
        "Not in KZ: Tashkent Institute of Demography."
    )
    assert invitation_count(app) == 0
    assert mailbox.messages == []


def test_invitation_of_a_focal_point_needs_a_country(app, secretariat, mailbox):
    response = post_invitation(secretariat, email="fp@example.org", role="focal_point")

    assert "A focal point needs a country." in flashes(response)
    assert invitation_count(app) == 0
    assert mailbox.messages == []


def test_member_cannot_invite(app, client, auth, mailbox, make_user):
    make_user("member@example.org")
    auth.login("member@example.org")

    response = auth.post(
        "/secretariat/invitations",
        {"email": "x@example.org", "role": "secretariat"},
    )

    assert response.status_code == 403
    assert invitation_count(app) == 0
    assert mailbox.messages == []


def test_focal_point_cannot_invite(app, client, auth, mailbox, make_user):
    make_user("fp@example.org", role="focal_point", country="KZ")
    auth.login("fp@example.org")

    response = auth.post(
        "/secretariat/invitations",
        {"email": "x@example.org", "role": "focal_point", "country": "KZ"},
    )

    assert response.status_code == 403
    assert invitation_count(app) == 0


def test_invite_service_refuses_a_member(app, ctx, make_user):
    make_user("member@example.org")
    member = db.session.scalar(select(User))

    with pytest.raises(PermissionDenied):
        invite(member, "x@example.org", "secretariat")
    assert invitation_count(app) == 0


def test_visitor_cannot_invite(app, client, mailbox):
    token = csrf_token(client, "/auth/login")

    response = client.post(
        "/secretariat/invitations",
        data={"csrf_token": token, "email": "x@example.org", "role": "secretariat"},
    )

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert invitation_count(app) == 0


# CSRF


def test_sign_in_without_csrf_token_is_refused(app, client, make_user):
    make_user("ada@example.org")

    response = client.post(
        "/auth/login", data={"email": "ada@example.org", "password": PASSWORD}
    )

    assert response.status_code == 400
    assert not signed_in(client)


def test_profile_change_without_csrf_token_is_refused(app, client, auth, make_user):
    make_user("ada@example.org")
    auth.login("ada@example.org")

    response = client.post("/me", data={"name": "Forged"})

    assert response.status_code == 400
    assert account(app, "ada@example.org").name == ""


def test_log_out_everywhere_without_csrf_token_is_refused(app, client, auth, make_user):
    make_user("ada@example.org")
    auth.login("ada@example.org")

    response = client.post("/me/logout-everywhere")

    assert response.status_code == 400
    assert signed_in(client)
    assert account(app, "ada@example.org").session_version == 1


def test_register_without_csrf_token_is_refused(app, client, mailbox):
    response = client.post(
        "/auth/register",
        data={
            "name": "Ada",
            "email": "ada@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )

    assert response.status_code == 400
    assert user_count(app) == 0
    assert mailbox.messages == []


# Cookies


def set_cookie_header(response, name: str) -> str:
    [header] = [
        h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")
    ]
    return header


def test_session_cookie_is_http_only_and_same_site_lax(app, client, auth, make_user):
    make_user("ada@example.org")

    header = set_cookie_header(auth.login("ada@example.org"), "session")

    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_remember_cookie_is_http_only_and_same_site_lax(app, client, auth, make_user):
    make_user("ada@example.org")

    response = auth.login("ada@example.org", remember="y")

    header = set_cookie_header(response, "remember_token")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def load_config(monkeypatch, **env):
    """config.py executed afresh with these environment variables."""
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("config_afresh", ROOT / "config.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_production_cookies_are_secure_by_default(monkeypatch):
    config = load_config(monkeypatch)

    assert config.Config.SESSION_COOKIE_SECURE is True
    assert config.Config.REMEMBER_COOKIE_SECURE is True
    assert config.Config.SESSION_COOKIE_HTTPONLY is True
    assert config.Config.SESSION_COOKIE_SAMESITE == "Lax"


def test_development_config_allows_plain_http_cookies(monkeypatch):
    config = load_config(monkeypatch)

    assert config.DevelopmentConfig.SESSION_COOKIE_SECURE is False
    assert config.DevelopmentConfig.REMEMBER_COOKIE_SECURE is False


def test_secure_cookies_can_be_switched_off_by_environment(monkeypatch):
    config = load_config(monkeypatch, SESSION_COOKIE_SECURE="0")

    assert config.Config.SESSION_COOKIE_SECURE is False


def test_navigation_names_the_signed_in_account_to_its_owner(client, make_user):
    """The secretariat's own link and the account link are not both "Secretariat"."""
    make_user("sec@example.org", role="secretariat")
    Auth(client).login("sec@example.org")

    page = client.get("/").get_data(as_text=True)

    assert 'title="Your account">sec@example.org</a>' in page
