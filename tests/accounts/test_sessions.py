"""Sign-out ends the sign-in on the server; the CSRF token changes at sign-in."""

from sqlalchemy import select

from migratory.accounts.models import LoginSession
from migratory.extensions import db
from tests.conftest import Auth, csrf_token


def signed_in(client) -> bool:
    response = client.get("/me")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def copy_of(app, client, *names):
    """Another browser holding copies of `client`'s cookies."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        thief.set_cookie(name, cookie.value)
    return thief


def test_copied_session_cookie_stops_working_after_sign_out(app, make_user):
    make_user("ada@example.org")
    laptop = app.test_client()
    Auth(laptop).login("ada@example.org")
    thief = copy_of(app, laptop, "session")
    assert signed_in(thief)

    Auth(laptop).logout()

    assert not signed_in(laptop)
    assert not signed_in(thief)


def test_copied_remember_cookie_stops_working_after_sign_out(app, make_user):
    make_user("ada@example.org")
    laptop = app.test_client()
    Auth(laptop).login("ada@example.org", remember="y")
    thief = copy_of(app, laptop, "remember_token")
    assert signed_in(thief)

    Auth(laptop).logout()

    assert not signed_in(thief)
    fresh = app.test_client()
    fresh.set_cookie("remember_token", thief.get_cookie("remember_token").value)
    assert not signed_in(fresh)


def test_sign_out_keeps_other_browsers_signed_in(app, make_user):
    make_user("ada@example.org")
    laptop, phone = app.test_client(), app.test_client()
    Auth(laptop).login("ada@example.org")
    Auth(phone).login("ada@example.org", remember="y")

    Auth(laptop).logout()

    assert not signed_in(laptop)
    assert signed_in(phone)


def test_sign_out_everywhere_ends_every_sign_in(app, make_user):
    make_user("ada@example.org")
    laptop, phone = app.test_client(), app.test_client()
    Auth(laptop).login("ada@example.org")
    Auth(phone).login("ada@example.org", remember="y")
    remembered = copy_of(app, phone, "remember_token")

    Auth(laptop).post("/me/logout-everywhere")

    assert not signed_in(laptop)
    assert not signed_in(phone)
    assert not signed_in(remembered)
    with app.app_context():
        sessions = db.session.scalars(select(LoginSession)).all()
        assert len(sessions) == 2
        assert all(s.ended is not None for s in sessions)


def test_sign_in_records_no_address_or_key_in_clear(app, make_user):
    make_user("ada@example.org")
    client = app.test_client()
    Auth(client).login("ada@example.org")

    with app.app_context():
        [record] = db.session.scalars(select(LoginSession)).all()
        assert record.ended is None
        assert "127.0.0.1" not in record.address_digest
        assert len(record.key_digest) == 64


def test_session_from_before_the_upgrade_is_not_honoured(app, make_user):
    """Identities without a sign-in key ("id:version") cannot be signed out,
    so they are not accepted."""
    make_user("ada@example.org")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:1"
        session["_fresh"] = True

    assert not signed_in(client)


def test_csrf_token_changes_at_sign_in(app, make_user):
    make_user("ada@example.org")
    client = app.test_client()
    before = csrf_token(client, "/auth/login")

    Auth(client).login("ada@example.org")
    after = csrf_token(client, "/me")

    assert before != after
    old = client.post("/auth/logout", data={"csrf_token": before})
    assert old.status_code == 400
    assert signed_in(client)
    new = client.post("/auth/logout", data={"csrf_token": after})
    assert new.status_code == 302
    assert not signed_in(client)


def test_profile_counts_the_open_sign_ins(app, make_user):
    make_user("ada@example.org")
    laptop, phone = app.test_client(), app.test_client()
    Auth(laptop).login("ada@example.org")
    Auth(phone).login("ada@example.org")
    assert "signed in on 2 browsers" in laptop.get("/me").get_data(as_text=True)

    Auth(phone).logout()

    assert "signed in on 1 browser." in laptop.get("/me").get_data(as_text=True)
