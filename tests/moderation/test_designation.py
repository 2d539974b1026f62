"""The secretariat links focal points to institutions from its web pages: the
user page and the invitation form offer the country's published entries,
re-saving keeps the links, foreign entries are refused, all is audited."""

import html
import re

import pytest
from sqlalchemy import select, update

from tests.moderation import form_data, signed_in, submit, table, user_id

SECRETARIAT = "secretariat@example.org"
ADA = "ada@example.org"
AGENCY = "Agency for Migration Statistics"
SERVICE = "Migration Service of Kazakhstan"
GEORGIAN = "Georgian Migration Office"


@pytest.fixture
def entries(app, make_institution):
    """Two published entries of Kazakhstan, a Kazakh draft and a Georgian entry:
    name → (slug, id)."""
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    make_institution()
    make_institution(name=SERVICE, acronym="MSK", website=None)
    make_institution(name="Draft Office of Kazakhstan", status="draft", website=None)
    make_institution(
        name=GEORGIAN, acronym="GMO", country="GE", city="Tbilisi",
        latitude=41.7, longitude=44.8, website=None,
    )  # fmt: skip
    with app.app_context():
        rows = db.session.execute(
            select(Institution.name, Institution.slug, Institution.id)
        )
        return {name: (slug, ident) for name, slug, ident in rows}


@pytest.fixture
def secretariat(app, make_user, entries):
    make_user(SECRETARIAT, role="secretariat")
    make_user(ADA)
    return signed_in(app, SECRETARIAT)


def user_path(app) -> str:
    return f"/secretariat/users/{user_id(app, ADA)}"


def offered(page: str) -> list[tuple[str, bool]]:
    """(label, selected) of each option of the institutions select."""
    found = re.search(
        r'<select[^>]*name="institutions"[^>]*>(.*?)</select>', page, re.S
    )
    assert found, "no institutions select on the page"
    return [
        (html.unescape(label).strip(), "selected" in attrs)
        for attrs, label in re.findall(r"<option([^>]*)>(.*?)</option>", found[1], re.S)
    ]


def flashes(page: str) -> list[str]:
    found = re.findall(r'<div class="alert[^"]*" role="alert">(.*?)</div>', page, re.S)
    return [html.unescape(text).strip() for text in found]


def post_again(client, path: str, page: str, form_id: str, **changes):
    """Submit the form of a page already received (after a POST), changed."""
    data, _ = form_data(page, form_id)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return client.post(path, data=data)


def ids(entries, *names) -> list[str]:
    return [str(entries[name][1]) for name in names]


def linked(app, email=ADA) -> tuple:
    """(role, country, slugs of linked institutions) of an account."""
    from migratory.accounts.models import User
    from migratory.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return user.role, user.country_code, sorted(i.slug for i in user.institutions)


def show_kazakhstan(client, path: str, form_id: str, **fields):
    """Choose focal point of Kazakhstan and press "Show this country's
    institutions" (a round trip that saves nothing)."""
    return submit(
        client,
        path,
        form_id=form_id,
        role="focal_point",
        country="KZ",
        show="1",
        **fields,
    )


def designate(app, secretariat, entries, *names):
    """Make Ada the focal point of Kazakhstan for these entries, by the page."""
    shown = show_kazakhstan(secretariat, user_path(app), "designate-form")
    assert shown.status_code == 200
    return post_again(
        secretariat,
        user_path(app),
        shown.get_data(as_text=True),
        "designate-form",
        institutions=ids(entries, *names),
    )


def slugs(entries, *names) -> list[str]:
    return sorted(entries[name][0] for name in names)


# The user page.


def test_showing_a_country_offers_its_published_entries_and_saves_nothing(
    app, secretariat, entries
):
    response = show_kazakhstan(secretariat, user_path(app), "designate-form")

    assert response.status_code == 200
    assert offered(response.get_data(as_text=True)) == [
        (AGENCY, False),
        (SERVICE, False),
    ]
    assert linked(app) == (None, None, [])


def test_designate_a_focal_point_with_institutions(app, secretariat, entries):
    response = designate(app, secretariat, entries, AGENCY, SERVICE)

    assert response.status_code == 302
    assert linked(app) == ("focal_point", "KZ", slugs(entries, AGENCY, SERVICE))
    page = secretariat.get(user_path(app)).get_data(as_text=True)
    assert offered(page) == [(AGENCY, True), (SERVICE, True)]
    listed = re.search(r'<ul id="linked-institutions">(.*?)</ul>', page, re.S)[1]
    assert AGENCY in listed and SERVICE in listed


def test_saving_the_page_unchanged_keeps_the_links(app, secretariat, entries):
    designate(app, secretariat, entries, AGENCY, SERVICE)

    response = submit(secretariat, user_path(app), form_id="designate-form")

    assert response.status_code == 302
    assert linked(app) == ("focal_point", "KZ", slugs(entries, AGENCY, SERVICE))


def test_saving_unchanged_keeps_a_linked_entry_archived_since(
    app, secretariat, entries
):
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    designate(app, secretariat, entries, AGENCY, SERVICE)
    with app.app_context():
        db.session.execute(
            update(Institution)
            .where(Institution.name == SERVICE)
            .values(status="archived")
        )
        db.session.commit()

    page = secretariat.get(user_path(app)).get_data(as_text=True)
    submit(secretariat, user_path(app), form_id="designate-form")

    assert (f"{SERVICE} (Archived)", True) in offered(page)
    assert linked(app) == ("focal_point", "KZ", slugs(entries, AGENCY, SERVICE))


def test_changing_the_institutions(app, secretariat, entries):
    designate(app, secretariat, entries, AGENCY)

    response = submit(
        secretariat,
        user_path(app),
        form_id="designate-form",
        institutions=ids(entries, SERVICE),
    )

    assert response.status_code == 302
    assert linked(app) == ("focal_point", "KZ", slugs(entries, SERVICE))


def test_an_institution_of_another_country_is_refused(app, secretariat, entries):
    designate(app, secretariat, entries, AGENCY)

    response = submit(
        secretariat,
        user_path(app),
        form_id="designate-form",
        institutions=ids(entries, AGENCY, GEORGIAN),
    )

    assert response.status_code == 200
    assert flashes(response.get_data(as_text=True)) == [
        "A focal point's institutions must be in the focal point's country. "
        f"Not in KZ: {GEORGIAN}."
    ]
    assert linked(app) == ("focal_point", "KZ", slugs(entries, AGENCY))


def test_a_focal_point_needs_a_country(app, secretariat, entries):
    response = submit(
        secretariat, user_path(app), form_id="designate-form", role="focal_point"
    )

    assert flashes(response.get_data(as_text=True)) == [
        "A focal point needs a country."
    ]
    assert linked(app) == (None, None, [])


def test_making_the_focal_point_a_member_unlinks_the_entries(app, secretariat, entries):
    designate(app, secretariat, entries, AGENCY)

    submit(secretariat, user_path(app), form_id="designate-form", role="member")

    assert linked(app) == (None, None, [])


def test_designations_are_in_the_audit_log(app, secretariat, entries):
    designate(app, secretariat, entries, AGENCY)
    submit(
        secretariat,
        user_path(app),
        form_id="designate-form",
        institutions=ids(entries, SERVICE),
    )

    page = secretariat.get("/secretariat/audit").get_data(as_text=True)
    changed, first = table(page, "audit")[:2]

    target = f"user:{user_id(app, ADA)}"
    agency, service = entries[AGENCY][0], entries[SERVICE][0]
    assert first[2:4] == ["designate", target]
    assert first[4] == (
        f"role: focal_point; country: KZ; institutions: ['{agency}']; "
        f"linked: ['{agency}']"
    )
    assert changed[2:4] == ["designate", target]
    assert changed[4] == (
        f"role: focal_point; country: KZ; institutions: ['{service}']; "
        f"linked: ['{service}']; unlinked: ['{agency}']"
    )


# The invitation form.

INVITATIONS = "/secretariat/invitations"


def invite(secretariat, entries, *names, email="fp@example.org"):
    shown = show_kazakhstan(secretariat, INVITATIONS, "invite-form", email=email)
    assert shown.status_code == 200
    assert offered(shown.get_data(as_text=True)) == [
        (AGENCY, False),
        (SERVICE, False),
    ]
    return post_again(
        secretariat,
        INVITATIONS,
        shown.get_data(as_text=True),
        "invite-form",
        institutions=ids(entries, *names),
    )


def test_invitation_page_offers_nothing_before_a_country_is_chosen(secretariat):
    page = secretariat.get(INVITATIONS).get_data(as_text=True)

    assert offered(page) == []


def test_invitation_links_the_chosen_institutions(
    app, client, secretariat, entries, mailbox
):
    from tests.conftest import csrf_token

    response = invite(secretariat, entries, SERVICE)
    assert response.status_code == 302
    link = mailbox.last_link("fp@example.org", "/auth/invitation/")
    password = "violet kettle drums at noon"
    client.post(
        link,
        data={
            "csrf_token": csrf_token(client, link),
            "password": password,
            "confirm": password,
        },
    )

    assert linked(app, "fp@example.org") == (
        "focal_point",
        "KZ",
        slugs(entries, SERVICE),
    )
    page = secretariat.get("/secretariat/audit").get_data(as_text=True)
    actions = [row[2] for row in table(page, "audit")]
    assert actions[:2] == ["accept invitation", "invite"]
    invited = table(page, "audit")[1]
    assert invited[4] == (
        "email: fp@example.org; role: focal_point; country: KZ; "
        f"institutions: ['{entries[SERVICE][0]}']"
    )


def test_invitation_refuses_an_institution_of_another_country(
    app, secretariat, entries, mailbox
):
    from migratory.accounts.models import Invitation
    from migratory.extensions import db

    response = invite(secretariat, entries, AGENCY, GEORGIAN)

    assert response.status_code == 200
    assert flashes(response.get_data(as_text=True)) == [
        "A focal point's institutions must be in the focal point's country. "
        f"Not in KZ: {GEORGIAN}."
    ]
    with app.app_context():
        assert db.session.scalars(select(Invitation)).all() == []
    assert mailbox.messages == []


def test_user_page_has_no_address_field(app, secretariat, entries):
    """The designation form changes roles, never the account's address."""
    page = secretariat.get(user_path(app)).get_data(as_text=True)
    data, _ = form_data(page, "designate-form")

    assert "email" not in data
    assert "role" in data


def test_an_unconfirmed_account_cannot_be_given_a_role(app, secretariat, entries):
    """Whoever registered an address may not own it: the address is invited."""
    from migratory.accounts.models import User
    from migratory.extensions import db

    with app.app_context():
        db.session.execute(
            update(User).where(User.email == ADA).values(email_verified=None)
        )
        db.session.commit()

    response = designate(app, secretariat, entries, AGENCY)

    page = response.get_data(as_text=True)
    assert "has not confirmed its address" in html.unescape(page)
    assert linked(app) == (None, None, [])  # still a plain member
