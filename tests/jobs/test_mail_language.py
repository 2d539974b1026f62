"""Mail to an account is written in the account's language, whoever caused it:
a reviewer in English writes to a Russian-speaking proposer in Russian."""

import pytest
from sqlalchemy import select

from migratory.accounts.models import User
from migratory.extensions import db
from migratory.moderation.tasks import send_daily_reminders
from tests.conftest import PASSWORD, Auth, csrf_token, institution_payload
from tests.jobs import running_consumer, wait_for
from tests.moderation import edit_path, make_stale, proposals, signed_in, submit

ADA = "ada@example.org"
FOCAL = "fp@example.org"
RUSSIAN_NAME = institution_payload()["names"][0]["name"]


def delivered(app, mailbox, address: str):
    """Run the consumer until a message reaches `address`; the message."""
    with running_consumer(app):
        wait_for(lambda: mailbox.to(address), what=f"mail to {address}")
    message = mailbox.to(address)[-1]
    return message, message.get_payload(decode=True).decode()


def language_of(app, email: str) -> str | None:
    with app.app_context():
        return db.session.scalar(select(User.language).where(User.email == email))


def set_language(app, email: str, language: str | None) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        user.language = language
        db.session.commit()


def register(client, email: str, query: str = ""):
    token = csrf_token(client, f"/auth/register{query}")
    data = {"name": "Ada", "email": email, "password": PASSWORD, "confirm": PASSWORD}
    return client.post(f"/auth/register{query}", data={"csrf_token": token, **data})


def forgot(client, email: str, query: str = ""):
    token = csrf_token(client, f"/auth/forgot{query}")
    data = {"csrf_token": token, "email": email}
    return client.post(f"/auth/forgot{query}", data=data)


# The account's language: where it comes from.


def test_registering_keeps_the_language_of_the_site(app, mailbox):
    assert register(app.test_client(), ADA, "?lang=ru").status_code == 200

    assert language_of(app, ADA) == "ru"
    message, _ = delivered(app, mailbox, ADA)
    assert message["Content-Language"] == "ru"


def test_switching_the_site_s_language_signed_in_changes_the_account_s(app, make_user):
    make_user(ADA)
    client = signed_in(app, ADA)

    assert client.get("/?lang=fr").status_code == 200
    assert language_of(app, ADA) == "fr"
    client.get("/institutions?lang=xx")  # not a language of the site
    assert language_of(app, ADA) == "fr"


def test_switching_the_language_signed_out_changes_no_account(app, make_user):
    make_user(ADA)
    app.test_client().get("/?lang=ru")

    assert language_of(app, ADA) is None


def test_an_accepted_invitation_keeps_the_invitee_s_language(
    app, mailbox, english_reviewer
):
    token = csrf_token(english_reviewer, "/secretariat/invitations")
    data = {"email": FOCAL, "role": "focal_point", "country": "KZ"}
    english_reviewer.post(
        "/secretariat/invitations", data={"csrf_token": token, **data}
    )
    message, _ = delivered(app, mailbox, FOCAL)
    assert message["Content-Language"] == "en"  # the inviter's language
    link = mailbox.last_link(FOCAL, "/auth/invitation/")
    invitee = app.test_client()

    token = csrf_token(invitee, f"{link}?lang=ru")
    data = {"name": "Aida", "password": PASSWORD, "confirm": PASSWORD}
    response = invitee.post(link, data={"csrf_token": token, **data})

    assert response.status_code == 302
    assert language_of(app, FOCAL) == "ru"


@pytest.mark.parametrize("choice", ["ru", "fr", "en"])
def test_the_profile_page_shows_and_changes_the_language(app, make_user, choice):
    make_user(ADA)
    client = app.test_client()
    auth = Auth(client)
    auth.login(ADA)

    response = auth.post("/me", {"name": "Ada", "language": choice})

    assert response.status_code == 302
    assert language_of(app, ADA) == choice
    page = client.get("/me").get_data(as_text=True)
    assert f'<option selected value="{choice}">' in page


def test_the_profile_page_refuses_a_language_the_site_does_not_speak(app, make_user):
    make_user(ADA)
    auth = Auth(app.test_client())
    auth.login(ADA)

    response = auth.post("/me", {"name": "Ada", "language": "de"})

    assert response.status_code == 200  # the form again, with its error
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert language_of(app, ADA) is None


# Mail in the recipient's language, not the sender's.


def test_a_reset_link_is_in_the_account_s_language_whatever_the_request(
    app, mailbox, make_user
):
    make_user(ADA)
    set_language(app, ADA, "ru")

    forgot(app.test_client(), ADA, "?lang=en")

    message, _ = delivered(app, mailbox, ADA)
    assert message["Content-Language"] == "ru"


def test_the_already_registered_notice_is_in_the_owner_s_language(
    app, mailbox, make_user
):
    make_user(ADA)
    set_language(app, ADA, "fr")

    register(app.test_client(), ADA, "?lang=en")

    message, _ = delivered(app, mailbox, ADA)
    assert message["Content-Language"] == "fr"


@pytest.fixture
def english_reviewer(app, make_user):
    """The secretariat, working in English."""
    make_user("secretariat@example.org", role="secretariat")
    client = signed_in(app, "secretariat@example.org")
    client.get("/?lang=en")
    return client


@pytest.mark.parametrize("decision", ["approve-form", "reject-form"])
def test_a_proposal_decision_reaches_a_russian_proposer_in_russian(
    app, mailbox, make_user, make_institution, english_reviewer, decision
):
    slug = make_institution()
    make_user(ADA)
    proposer = signed_in(app, ADA)
    proposer.get("/?lang=ru")  # Ada reads the site in Russian
    submit(proposer, edit_path(slug), "institution-form", summary="New summary.")
    [proposal] = proposals(app)

    changes = {"reason": "Not a public body."} if decision == "reject-form" else {}
    response = submit(
        english_reviewer,
        f"/secretariat/proposals/{proposal.id}",
        decision,
        **changes,
    )

    assert response.status_code == 302
    message, body = delivered(app, mailbox, ADA)
    assert message["Content-Language"] == "ru"
    assert RUSSIAN_NAME in body  # the entry under its Russian name
    assert language_of(app, "secretariat@example.org") == "en"


def test_a_russian_focal_point_s_digest_is_in_russian(
    app, mailbox, make_user, make_institution
):
    slug = make_institution(website=None)
    make_stale(app, slug)
    make_user(FOCAL, role="focal_point", country="KZ", institutions=[slug])
    set_language(app, FOCAL, "ru")
    with app.app_context():
        send_daily_reminders()

    message, body = delivered(app, mailbox, FOCAL)

    assert message["Content-Language"] == "ru"
    assert "Координатор, Казахстан" in body  # the greeting, in Russian
    assert RUSSIAN_NAME in body


def test_a_digest_to_an_account_without_a_language_is_in_english(
    app, mailbox, make_user, make_institution
):
    slug = make_institution(website=None)
    make_stale(app, slug)
    make_user(FOCAL, role="focal_point", country="KZ", institutions=[slug])
    with app.app_context():
        send_daily_reminders()

    message, body = delivered(app, mailbox, FOCAL)

    assert message["Content-Language"] == "en"
    assert "Focal point, Kazakhstan" in body
    assert RUSSIAN_NAME not in body
