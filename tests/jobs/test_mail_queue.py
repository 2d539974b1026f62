"""Mail leaves through the queue, never inside a request; every link in it is
built from SITE_URL, whatever Host the request that caused it carried; and it
is written in the language of that request."""

from urllib.parse import urlsplit

import pytest

from migratory.moderation.tasks import send_daily_reminders
from tests.conftest import PASSWORD, Auth, csrf_token
from tests.jobs import EVIL, SITE_URL, hostile, pending_jobs, running_consumer, wait_for
from tests.moderation import edit_path, make_stale, proposals, signed_in, submit

ADA = "ada@example.org"
SITE_HOST = urlsplit(SITE_URL).netloc


def forgot(client, email: str, query: str = ""):
    token = csrf_token(client, "/auth/forgot")
    return client.post(
        f"/auth/forgot{query}", data={"csrf_token": token, "email": email}
    )


def register(client, email: str):
    token = csrf_token(client, "/auth/register")
    data = {"name": "Ada", "email": email, "password": PASSWORD, "confirm": PASSWORD}
    return client.post("/auth/register", data={"csrf_token": token, **data})


def delivered(app, mailbox, address: str) -> str:
    """Run the consumer until a message reaches `address`; its text."""
    with running_consumer(app):
        wait_for(lambda: mailbox.to(address), what=f"mail to {address}")
    return mailbox.last_body(address)


def links(body: str) -> list[str]:
    return [word for word in body.split() if word.startswith(("http:", "https:"))]


def assert_links_on_site(body: str, path_start: str) -> None:
    found = links(body)
    assert found, body
    assert EVIL not in body
    assert all(urlsplit(link).netloc == SITE_HOST for link in found), found
    assert any(urlsplit(link).path.startswith(path_start) for link in found), found


# Nothing is sent during the request.


def test_a_reset_request_does_no_smtp_work_in_the_request(
    app, client, mailbox, make_user
):
    make_user(ADA)

    response = forgot(client, ADA)

    assert response.status_code == 200
    assert mailbox.messages == []  # the request only queued the message
    [(name, args)] = pending_jobs(app)
    # The job knows the account, not the address: it reads address and
    # language when it runs.
    assert (name, args[1]) == ("deliver_user_mail", "password_reset")

    body = delivered(app, mailbox, ADA)
    assert "Reset your password" in mailbox.to(ADA)[0]["Subject"]
    reset_path = urlsplit(links(body)[0]).path
    assert client.get(reset_path).status_code == 200  # the queued link works


def test_an_unknown_address_queues_nothing(app, client, mailbox):
    forgot(client, "nobody@example.org")
    assert pending_jobs(app) == []


# Links come from SITE_URL, never from the Host header.


def test_a_reset_link_ignores_a_hostile_host_header(app, mailbox, make_user):
    make_user(ADA)

    forgot(hostile(app.test_client()), ADA)

    assert_links_on_site(delivered(app, mailbox, ADA), "/auth/reset/")


def test_a_verification_link_ignores_a_hostile_host_header(app, mailbox):
    assert register(hostile(app.test_client()), ADA).status_code == 200

    assert_links_on_site(delivered(app, mailbox, ADA), "/auth/verify/")


def test_the_already_registered_notice_ignores_a_hostile_host_header(
    app, mailbox, make_user
):
    make_user(ADA)

    register(hostile(app.test_client()), ADA)

    assert_links_on_site(delivered(app, mailbox, ADA), "/auth/forgot")


@pytest.fixture
def secretariat(app, make_user):
    """The secretariat, signed in through a client that sends Host: evil.example."""
    make_user("secretariat@example.org", role="secretariat")
    client = hostile(app.test_client())
    assert Auth(client).login("secretariat@example.org").status_code == 302
    return Auth(client)


def invite(secretariat, query: str = ""):
    return secretariat.post(
        f"/secretariat/invitations{query}",
        {"email": "fp@example.org", "role": "focal_point", "country": "KZ"},
        "/secretariat/invitations",
    )


def test_an_invitation_link_ignores_a_hostile_host_header(app, secretariat, mailbox):
    assert invite(secretariat).status_code == 302
    assert mailbox.messages == []

    body = delivered(app, mailbox, "fp@example.org")
    assert_links_on_site(body, "/auth/invitation/")


def test_a_proposal_decision_links_to_the_site(
    app, secretariat, mailbox, make_user, make_institution
):
    slug = make_institution()
    make_user("member@example.org")
    member = signed_in(app, "member@example.org")
    submit(member, edit_path(slug), "institution-form", name="Agency for Data")
    [proposal] = proposals(app)

    response = submit(
        secretariat.client, f"/secretariat/proposals/{proposal.id}", "approve-form"
    )

    assert response.status_code == 302
    assert mailbox.to("member@example.org") == []
    body = delivered(app, mailbox, "member@example.org")
    assert_links_on_site(body, f"/institutions/{slug}")


def test_the_daily_digest_job_links_to_the_site(
    app, mailbox, make_user, make_institution
):
    slug = make_institution(website=None)
    make_stale(app, slug)
    make_user("fp@example.org", role="focal_point", country="KZ", institutions=[slug])
    with app.app_context():
        send_daily_reminders()  # what the scheduler enqueues at 06:00

    body = delivered(app, mailbox, "fp@example.org")
    assert_links_on_site(body, f"/institutions/{slug}/confirm")
    assert len(links(body)) == 3


# In the language of the request that caused the mail.


def test_a_reset_for_an_account_without_a_language_is_in_the_request_s(
    app, client, make_user
):
    make_user(ADA)  # from the command line: no language

    forgot(client, ADA, "?lang=ru")

    [(_, (_user_id, template, _context, fallback))] = pending_jobs(app)
    assert (template, fallback) == ("password_reset", "ru")


def test_an_invitation_is_written_in_the_inviter_s_language(app, secretariat, mailbox):
    invite(secretariat, "?lang=ru")

    body = delivered(app, mailbox, "fp@example.org")
    assert "Координатор, Казахстан" in body
