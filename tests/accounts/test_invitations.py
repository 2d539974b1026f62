"""Invitations to existing accounts need their owner signed in; the secretariat
can revoke a pending invitation; every step is in the audit log."""

import html
import re
from urllib.parse import quote

import pytest
from sqlalchemy import select

from migratory.accounts.models import Invitation, User
from migratory.extensions import db
from tests.conftest import PASSWORD, Auth, csrf_token
from tests.moderation import form_data, signed_in, submit, table

SECRETARIAT = "sec@example.org"
ADA = "ada@example.org"
NEW_PASSWORD = "violet kettle drums at noon"


@pytest.fixture
def secretariat(app, make_user):
    """A client signed in as the secretariat."""
    make_user(SECRETARIAT, role="secretariat")
    return signed_in(app, SECRETARIAT)


@pytest.fixture
def kz_entry(app, make_institution):
    """A published entry of Kazakhstan: (slug, id)."""
    from migratory.inventory.models import Institution

    slug = make_institution()
    with app.app_context():
        ident = db.session.scalar(
            select(Institution.id).where(Institution.slug == slug)
        )
    return slug, ident


def invite_page(client, **fields):
    """Send an invitation from the secretariat's page, as a browser would."""
    return submit(client, "/secretariat/invitations", form_id="invite-form", **fields)


def invite_focal_point(secretariat, mailbox, email, institution_id) -> str:
    """Invite `email` as focal point of KZ with one institution; the link's path."""
    response = invite_page(
        secretariat,
        email=email,
        role="focal_point",
        country="KZ",
        institutions=[str(institution_id)],
    )
    assert response.status_code == 302
    return mailbox.last_link(email, "/auth/invitation/")


def account(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            user.institutions  # noqa: B018 (load before the session closes)
            db.session.expunge(user)
        return user


def invitation(app, email):
    with app.app_context():
        return db.session.scalar(select(Invitation).where(Invitation.email == email))


def post_accept(client, link, **fields):
    token = csrf_token(client, "/auth/login")
    return client.post(link, data={"csrf_token": token, **fields})


def audit_rows(secretariat) -> list[list[str]]:
    """(when, who, action, on, details) of each audit entry, newest first."""
    page = secretariat.get("/secretariat/audit").get_data(as_text=True)
    return table(page, "audit")


# Existing accounts: the link alone never opens them.


def test_link_to_an_existing_account_asks_to_sign_in(
    app, client, secretariat, mailbox, make_user, kz_entry
):
    make_user(ADA)
    link = invite_focal_point(secretariat, mailbox, ADA, kz_entry[1])

    page = client.get(link).get_data(as_text=True)

    assert 'id="sign-in-first"' in page
    assert f'href="/auth/login?next={quote(link, safe="/")}"' in html.unescape(page)
    assert 'id="invitation-form"' not in page
    assert client.get("/me").status_code == 302  # still signed out


def test_link_to_an_existing_account_grants_nothing_without_sign_in(
    app, client, secretariat, mailbox, make_user, kz_entry
):
    make_user(ADA)
    link = invite_focal_point(secretariat, mailbox, ADA, kz_entry[1])

    response = post_accept(
        client, link, name="Intruder", password=NEW_PASSWORD, confirm=NEW_PASSWORD
    )

    assert response.status_code == 200
    assert client.get("/me").status_code == 302
    ada = account(app, ADA)
    assert (ada.role, ada.name, ada.institutions) == (None, "", [])
    assert invitation(app, ADA).accepted is None
    assert Auth(app.test_client()).login(ADA, NEW_PASSWORD).status_code == 401


def test_existing_account_accepts_after_signing_in_from_the_link(
    app, client, secretariat, mailbox, make_user, kz_entry
):
    make_user(ADA)
    link = invite_focal_point(secretariat, mailbox, ADA, kz_entry[1])
    token = csrf_token(client, "/auth/login")

    signed = client.post(
        f"/auth/login?next={quote(link)}",
        data={"email": ADA, "password": PASSWORD, "csrf_token": token},
    )
    assert signed.headers["Location"] == link
    response = submit(client, link, form_id="invitation-form", name="Ada Lovelace")

    assert response.status_code == 302
    assert response.headers["Location"] == "/me"
    ada = account(app, ADA)
    assert (ada.role, ada.country_code, ada.name) == (
        "focal_point",
        "KZ",
        "Ada Lovelace",
    )
    assert [i.slug for i in ada.institutions] == [kz_entry[0]]
    assert invitation(app, ADA).accepted is not None
    assert Auth(app.test_client()).login(ADA).status_code == 302


def test_another_signed_in_account_cannot_accept(
    app, secretariat, mailbox, make_user, kz_entry
):
    make_user(ADA)
    make_user("bob@example.org")
    link = invite_focal_point(secretariat, mailbox, ADA, kz_entry[1])
    bob = signed_in(app, "bob@example.org")

    page = bob.get(link).get_data(as_text=True)
    response = post_accept(bob, link, name="Bob")

    assert 'id="sign-in-first"' in page
    assert response.status_code == 200
    assert account(app, ADA).role is None
    assert account(app, "bob@example.org").role is None
    assert invitation(app, ADA).accepted is None


@pytest.mark.parametrize("acting", [None, "bob@example.org"])
def test_accept_service_refuses_anyone_but_the_signed_in_owner(
    app, secretariat, mailbox, make_user, kz_entry, acting
):
    from migratory.accounts.invitations import accept_invitation
    from migratory.core.errors import PermissionDenied

    make_user(ADA)
    make_user("bob@example.org")
    link = invite_focal_point(secretariat, mailbox, ADA, kz_entry[1])

    with app.test_request_context():
        actor = db.session.scalar(select(User).where(User.email == acting))
        with pytest.raises(PermissionDenied, match=f"Sign in as {ADA}"):
            accept_invitation(link.rsplit("/", 1)[1], "X", NEW_PASSWORD, actor)
    assert account(app, ADA).role is None
    assert invitation(app, ADA).accepted is None


def test_new_account_is_asked_for_a_name(app, client, secretariat, mailbox, kz_entry):
    link = invite_focal_point(secretariat, mailbox, "new@example.org", kz_entry[1])

    page = client.get(link).get_data(as_text=True)

    fields, _ = form_data(page, "invitation-form")
    assert {"name", "password", "confirm"} <= set(fields)
    assert "Without a name, your role is shown instead." in page


def test_new_account_accepts_without_signing_in(
    app, client, secretariat, mailbox, kz_entry
):
    link = invite_focal_point(secretariat, mailbox, "new@example.org", kz_entry[1])

    response = submit(
        client,
        link,
        form_id="invitation-form",
        name="Aigerim",
        password=NEW_PASSWORD,
        confirm=NEW_PASSWORD,
    )

    assert response.status_code == 302
    assert client.get("/me").status_code == 200
    assert account(app, "new@example.org").role == "focal_point"


# Revoking a pending invitation.


def revoke(secretariat, email, app):
    ident = invitation(app, email).id
    return submit(secretariat, "/secretariat/invitations", form_id=f"revoke-{ident}")


def test_pending_invitations_are_listed(app, secretariat, mailbox, kz_entry):
    invite_focal_point(secretariat, mailbox, "new@example.org", kz_entry[1])

    page = secretariat.get("/secretariat/invitations").get_data(as_text=True)

    [row] = table(page, "pending-invitations")
    assert row[:3] == ["new@example.org", "Focal point", "KZ"]


def test_revoked_invitation_link_is_refused(
    app, client, secretariat, mailbox, kz_entry
):
    link = invite_focal_point(secretariat, mailbox, "new@example.org", kz_entry[1])

    response = revoke(secretariat, "new@example.org", app)

    assert response.status_code == 302
    assert invitation(app, "new@example.org").revoked is not None
    refused = client.get(link)
    assert refused.status_code == 422
    assert "This invitation has been withdrawn." in refused.get_data(as_text=True)
    accepted = post_accept(
        client, link, name="Late", password=NEW_PASSWORD, confirm=NEW_PASSWORD
    )
    assert accepted.status_code == 422
    assert account(app, "new@example.org") is None
    page = secretariat.get("/secretariat/invitations").get_data(as_text=True)
    assert table(page, "pending-invitations") == [["None."]]


def test_revoking_is_in_the_audit_log(app, secretariat, mailbox, kz_entry):
    invite_focal_point(secretariat, mailbox, "new@example.org", kz_entry[1])
    ident = invitation(app, "new@example.org").id

    revoke(secretariat, "new@example.org", app)

    latest = audit_rows(secretariat)[0]
    assert latest[2:4] == ["revoke invitation", f"invitation:{ident}"]
    assert "email: new@example.org" in latest[4]


def test_an_accepted_invitation_cannot_be_revoked(
    app, client, secretariat, mailbox, kz_entry
):
    from migratory.accounts.invitations import revoke_invitation
    from migratory.core.errors import ValidationFailed

    link = invite_focal_point(secretariat, mailbox, "new@example.org", kz_entry[1])
    post_accept(client, link, password=NEW_PASSWORD, confirm=NEW_PASSWORD)

    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == SECRETARIAT))
        with pytest.raises(ValidationFailed, match="already been accepted"):
            revoke_invitation(actor, invitation(app, "new@example.org").id)
    assert account(app, "new@example.org").role == "focal_point"


def test_member_cannot_revoke(app, secretariat, mailbox, make_user, kz_entry):
    invite_focal_point(secretariat, mailbox, "new@example.org", kz_entry[1])
    make_user("member@example.org")
    member = signed_in(app, "member@example.org")
    token = csrf_token(member, "/me")

    response = member.post(
        "/secretariat/invitations",
        data={"csrf_token": token, "revoke": invitation(app, "new@example.org").id},
    )

    assert response.status_code == 403
    assert invitation(app, "new@example.org").revoked is None


# The audit log of invitations.


def test_invitation_and_its_acceptance_are_in_the_audit_log(
    app, client, secretariat, mailbox, kz_entry
):
    slug, ident = kz_entry
    link = invite_focal_point(secretariat, mailbox, "new@example.org", ident)
    post_accept(client, link, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    number = invitation(app, "new@example.org").id

    accepted, invited = audit_rows(secretariat)[:2]

    assert invited[2:4] == ["invite", f"invitation:{number}"]
    assert re.search(
        rf"email: new@example.org; role: focal_point; country: KZ; .*{slug}",
        invited[4],
    )
    assert accepted[2:4] == ["accept invitation", f"invitation:{number}"]
    assert f"institutions: ['{slug}']" in accepted[4]
