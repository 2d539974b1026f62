"""Who changes a link: a focal point directly where one end is an institution
linked to them; anyone signed in proposes; the secretariat changes directly
and approves. Checked in the services and through the pages."""

import pytest

from tests.conftest import csrf_token
from tests.moderation import proposals, signed_in, submit
from tests.network.link_helpers import (
    FOCAL_KZ,
    FOCAL_UZ,
    MEMBER,
    SECRETARIAT,
    add_link,
    build_network,
    counts,
    link,
    link_payload,
)


@pytest.fixture
def slugs(app):
    return build_network(app)


@pytest.fixture
def kz_link(app, slugs):
    """A link between two KZ institutions; the KZ focal point is linked to
    its producer, the UZ focal point to neither end."""
    return add_link(app, slugs, producer="kz-stat", user="kz-mia")


def acting(email):
    from migratory.accounts.models import User
    from migratory.extensions import db

    return db.session.scalar(db.select(User).where(User.email == email))


def save(app, email, ident, slugs, **changes):
    """save_change as `email`; the outcome word."""
    from migratory.moderation.proposals import save_change

    with app.app_context():
        payload = link_payload(slugs, id=ident, **changes)
        outcome, _ = save_change(
            acting(email), "link", ident, payload, expected_version=None
        )
        return outcome


def test_focal_point_of_uz_only_proposes_on_a_kz_link(app, slugs, kz_link):
    from migratory.network.permissions import may_edit_link

    with app.app_context():
        from migratory.network.links import get_link

        assert not may_edit_link(acting(FOCAL_UZ), get_link(kz_link))
    outcome = save(app, FOCAL_UZ, kz_link, slugs, description="From Tashkent")
    assert outcome == "proposed"
    assert link(app, kz_link).description != "From Tashkent"
    assert [p.record_id for p in proposals(app, record_kind="link")] == [kz_link]


def test_secretariat_changes_directly(app, slugs, kz_link):
    assert save(app, SECRETARIAT, kz_link, slugs, description="By the secretariat")
    assert link(app, kz_link).description == "By the secretariat"
    assert proposals(app, record_kind="link") == []


def test_kz_focal_point_linked_to_one_end_changes_directly(app, slugs, kz_link):
    outcome = save(app, FOCAL_KZ, kz_link, slugs, description="From Astana")
    assert outcome == "saved"
    assert link(app, kz_link).description == "From Astana"


def test_kz_focal_point_not_linked_to_either_end_proposes(app, slugs):
    ident = add_link(app, slugs, producer="kz-mia", user="kz-labour")
    assert save(
        app, FOCAL_KZ, ident, slugs, producer="kz-mia", user="kz-labour", years="2020"
    ) == ("proposed")
    assert link(app, ident).year_from == 2009


def test_focal_point_cannot_move_both_ends_away_from_their_institutions(
    app, slugs, kz_link
):
    from migratory.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        save(app, FOCAL_KZ, kz_link, slugs, producer="kz-mia", user="kz-labour")
    assert link(app, kz_link).producer.slug == slugs["kz-stat"]


def test_new_links_created_or_proposed(app, slugs):
    from migratory.core.errors import PermissionDenied
    from migratory.moderation.proposals import create_or_propose

    with app.app_context():
        cases = {
            FOCAL_KZ: ("kz-stat", "intl"),  # one end theirs: saved
            FOCAL_UZ: ("kz-mia", "kz-labour"),  # neither: proposed
            MEMBER: ("kz-mia", "intl"),
            SECRETARIAT: ("uz-stat", "intl"),
        }
        outcomes = {
            email: create_or_propose(
                acting(email), "link", link_payload(slugs, producer, user)
            )[0]
            for email, (producer, user) in cases.items()
        }
        from flask_login import AnonymousUserMixin

        with pytest.raises(PermissionDenied):
            create_or_propose(AnonymousUserMixin(), "link", link_payload(slugs))
    assert outcomes == {
        FOCAL_KZ: "saved",
        FOCAL_UZ: "proposed",
        MEMBER: "proposed",
        SECRETARIAT: "saved",
    }
    assert counts(app) == (2, 2)


def test_archiving_directly_only_for_those_who_change_the_link(app, slugs, kz_link):
    from migratory.core.errors import PermissionDenied
    from migratory.moderation.upkeep import set_archived

    with app.app_context():
        for email in (FOCAL_UZ, MEMBER):
            with pytest.raises(PermissionDenied):
                set_archived(acting(email), "link", kz_link, True)
    assert link(app, kz_link).status == "published"
    with app.app_context():
        set_archived(acting(FOCAL_KZ), "link", kz_link, True)
    assert link(app, kz_link).status == "archived"


@pytest.mark.parametrize(
    "changes",
    [
        {"description": "Forged"},
        {"status": "archived"},
        {"link": "999", "flow": "permits"},
        {"version": "999"},
    ],
    ids=["edit", "forged-status", "forged-id", "forged-version"],
)
def test_the_uz_focal_point_never_changes_a_kz_link_through_the_page(
    app, slugs, kz_link, changes
):
    before = link(app, kz_link)
    client = signed_in(app, FOCAL_UZ)
    page = client.get(f"/network/links/{kz_link}/edit").get_data(as_text=True)
    assert "sent to the secretariat as a proposal" in page
    response = submit(
        client, f"/network/links/{kz_link}/edit", form_id="link-form", **changes
    )
    assert response.status_code in (302, 409, 422)
    after = link(app, kz_link)
    assert (after.description, after.status, after.flow, after.version) == (
        before.description,
        before.status,
        before.flow,
        before.version,
    )
    if response.status_code == 302:
        [proposal] = proposals(app, record_kind="link")
        assert proposal.data.get("status") is None  # reserved to the secretariat
        assert proposal.data.get("id") == kz_link


def test_uz_focal_point_cannot_archive_through_the_page(app, slugs, kz_link):
    client = signed_in(app, FOCAL_UZ)
    token = csrf_token(client, f"/network/links/{kz_link}")
    response = client.post(
        f"/network/links/{kz_link}/archive", data={"csrf_token": token}
    )
    assert response.status_code == 403
    assert link(app, kz_link).status == "published"
