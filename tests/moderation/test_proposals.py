"""Edit or propose: who changes entries directly, and the secretariat's queue."""

import pytest
from sqlalchemy import select

from tests.moderation import (
    MEMBER,
    SECRETARIAT,
    edit_path,
    entry,
    form_data,
    institution_count,
    proposals,
    revisions,
    signed_in,
    submit,
    table,
    user_id,
)

FOCAL = "focal.kz@example.org"
FOCAL_GE = "focal.ge@example.org"
ORIGINAL = "Agency for Migration Statistics"


@pytest.fixture
def linked_focal(app, make_user, slug):
    make_user(FOCAL, role="focal_point", country="KZ", institutions=[slug])
    return signed_in(app, FOCAL)


def propose_name(client, slug, name="Agency for Migration Data", **changes):
    """Send a change of name (and more) through the edit form."""
    return submit(client, edit_path(slug), "institution-form", name=name, **changes)


@pytest.fixture
def pending(app, member, slug):
    """A member's pending proposal to rename the entry and change its website."""
    response = propose_name(member, slug, website="https://data.example.org")
    assert response.status_code == 302
    [proposal] = proposals(app, record_id=entry(app, slug).id)
    return proposal.id


def approve(client, ident, **changes):
    return submit(client, f"/secretariat/proposals/{ident}", "approve-form", **changes)


def reject(client, ident, reason):
    return submit(
        client, f"/secretariat/proposals/{ident}", "reject-form", reason=reason
    )


# Members propose; the entry stays as it is.


def test_member_edit_form_says_the_change_will_be_a_proposal(member, slug):
    page = member.get(edit_path(slug)).get_data(as_text=True)
    assert 'id="edit-mode"' in page
    assert "as a proposal" in page
    assert "Send the proposal" in page


def test_member_edit_becomes_a_pending_proposal(app, member, slug):
    response = propose_name(member, slug)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/institutions/{slug}")
    [proposal] = proposals(app)
    assert proposal.action == "change"
    assert proposal.status == "pending"
    assert proposal.proposer_id == user_id(app, MEMBER)
    assert proposal.base_version == 1
    assert proposal.data["name"] == "Agency for Migration Data"


def test_member_edit_leaves_the_entry_unchanged(app, member, slug):
    propose_name(member, slug)

    institution = entry(app, slug)
    assert institution.name == ORIGINAL
    assert institution.version == 1
    assert len(revisions(app, slug)) == 1


def test_after_proposing_the_page_thanks_for_the_proposal(member, slug):
    response = propose_name(member, slug)

    page = member.get(response.headers["Location"]).get_data(as_text=True)
    assert "your proposal goes to the secretariat" in page
    assert ORIGINAL in page


def test_anonymous_edit_form_asks_to_sign_in(client, slug):
    response = client.get(edit_path(slug))

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


# Focal points edit their own entries directly.


def test_linked_focal_point_edit_form_says_it_is_published_at_once(linked_focal, slug):
    page = linked_focal.get(edit_path(slug)).get_data(as_text=True)
    assert "your change is published at once" in page


def test_linked_focal_point_edit_is_published_at_once(app, linked_focal, slug):
    response = propose_name(linked_focal, slug)

    assert response.status_code == 302
    assert entry(app, slug).name == "Agency for Migration Data"
    assert proposals(app) == []


def test_linked_focal_point_edit_is_a_revision_with_its_author(app, linked_focal, slug):
    propose_name(linked_focal, slug, comment="New official name")

    latest = revisions(app, slug)[-1]
    assert latest.number == 2
    assert latest.source == "web"
    assert latest.author_id == user_id(app, FOCAL)
    assert latest.comment == "New official name"
    assert latest.data["name"] == "Agency for Migration Data"


def test_linked_focal_point_edit_shows_in_public_history(
    app, client, linked_focal, slug
):
    propose_name(linked_focal, slug)

    page = client.get(f"/institutions/{slug}/history").get_data(as_text=True)
    # Public: the focal point (who has no name) shows as their role, never
    # as their e-mail address.
    assert FOCAL not in page
    assert "Focal point, Kazakhstan" in page
    assert "Agency for Migration Data" in page


def test_focal_point_of_the_country_not_linked_to_the_entry_proposes(
    app, make_user, make_institution, slug
):
    other = make_institution(name="Border Service of Kazakhstan", website=None)
    make_user(FOCAL, role="focal_point", country="KZ", institutions=[other])
    focal = signed_in(app, FOCAL)

    page = focal.get(edit_path(slug)).get_data(as_text=True)
    assert "as a proposal" in page
    response = propose_name(focal, slug)

    assert response.status_code == 302
    assert entry(app, slug).name == ORIGINAL
    [proposal] = proposals(app)
    assert proposal.action == "change"
    assert proposal.proposer_id == user_id(app, FOCAL)


@pytest.fixture
def foreign_focal(app, make_user, make_institution):
    """A focal point of Georgia, linked to a Georgian entry."""
    tbilisi = make_institution(
        name="Geostat", country="GE", city="Tbilisi", latitude=41.7, longitude=44.8
    )
    make_user(FOCAL_GE, role="focal_point", country="GE", institutions=[tbilisi])
    return signed_in(app, FOCAL_GE)


@pytest.mark.parametrize(
    "forged",
    [
        {},
        {"status": "archived"},
        {"country": "GE"},
        {"status": "archived", "country": "GE", "name": "Geostat branch"},
    ],
    ids=["plain", "status", "country", "all"],
)
def test_foreign_focal_point_only_proposes_even_with_forged_fields(
    app, foreign_focal, slug, forged
):
    response = propose_name(foreign_focal, slug, **forged)

    assert response.status_code == 302
    institution = entry(app, slug)
    assert institution.status == "published"
    assert institution.country_code == "KZ"
    assert institution.version == 1
    [proposal] = proposals(app)
    assert proposal.action == "change"
    assert "status" not in proposal.data


def test_linked_focal_point_cannot_move_the_entry_to_another_country(
    app, linked_focal, slug
):
    response = propose_name(linked_focal, slug, country="GE")

    assert response.status_code == 422
    assert "cannot move an entry to another country" in response.get_data(as_text=True)
    institution = entry(app, slug)
    assert institution.country_code == "KZ"
    assert institution.name == ORIGINAL
    assert institution.version == 1
    assert proposals(app) == []


def test_linked_focal_point_status_field_is_ignored(app, linked_focal, slug):
    response = propose_name(linked_focal, slug, status="archived")

    assert response.status_code == 302
    institution = entry(app, slug)
    assert institution.name == "Agency for Migration Data"
    assert institution.status == "published"


def test_linked_focal_point_edit_form_has_no_status_field(linked_focal, slug):
    data, _ = form_data(
        linked_focal.get(edit_path(slug)).get_data(as_text=True), "institution-form"
    )
    assert "status" not in data


def test_member_cannot_confirm_or_archive(app, member, slug):
    from tests.conftest import csrf_token

    token = csrf_token(member, f"/institutions/{slug}")
    for action in ("confirm", "archive"):
        response = member.post(
            f"/institutions/{slug}/{action}", data={"csrf_token": token}
        )
        assert response.status_code == 403
    institution = entry(app, slug)
    assert institution.status == "published"
    assert institution.last_verified is None


# New entries.


def new_entry(client, **changes):
    fields = {
        "name": "Migration Observatory of Almaty",
        "category": "academic",
        "country": "KZ",
        "city": "Almaty",
        "topics": ["labour-migration", "diaspora"],
        "roles": ["user"],
        "other_names": "ru: Обсерватория миграции Алматы",
    }
    return submit(client, "/institutions/new", "institution-form", **fields, **changes)


def test_member_new_institution_becomes_a_proposal(app, member):
    response = new_entry(member)

    assert response.status_code == 302
    assert institution_count(app) == 0
    [proposal] = proposals(app)
    assert proposal.action == "new"
    assert proposal.record_id is None
    assert proposal.data["name"] == "Migration Observatory of Almaty"


def test_secretariat_new_institution_is_created_at_once(app, secretariat):
    response = new_entry(secretariat)

    assert response.status_code == 302
    slug = response.headers["Location"].rsplit("/", 1)[-1]
    institution = entry(app, slug)
    assert institution.name == "Migration Observatory of Almaty"
    assert institution.status == "published"
    assert institution.topics == ["diaspora", "labour-migration"]
    assert {n.lang: n.name for n in institution.names} == {
        "ru": "Обсерватория миграции Алматы"
    }
    [revision] = revisions(app, slug)
    assert revision.author_id == user_id(app, SECRETARIAT)
    assert proposals(app) == []


def test_approved_new_entry_proposal_creates_the_entry(app, member, secretariat):
    new_entry(member)
    [proposal] = proposals(app)

    response = approve(secretariat, proposal.id)

    assert response.status_code == 302
    [decided] = proposals(app)
    assert decided.status == "approved"
    institution = entry(app, only_slug(app))
    assert decided.record_id == institution.id
    assert institution.name == "Migration Observatory of Almaty"
    assert revisions(app, institution.slug)[0].source == f"proposal:{proposal.id}"


def only_slug(app) -> str:
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    with app.app_context():
        [slug] = db.session.scalars(select(Institution.slug)).all()
        return slug


# The queue, the diff and the decision.


def test_queue_lists_the_pending_proposal(secretariat, pending):
    page = secretariat.get("/secretariat/proposals").get_data(as_text=True)

    [row] = table(page, "queue")
    assert row[1] == "Institution"
    assert row[2] == "change"
    assert row[3] == ORIGINAL
    assert row[4] == MEMBER
    assert f'href="/secretariat/proposals/{pending}"' in page


def test_dashboard_counts_waiting_proposals(secretariat, pending):
    page = secretariat.get("/secretariat/").get_data(as_text=True)
    assert "Proposals waiting: 1" in page


def test_proposal_page_shows_field_by_field_differences(secretariat, pending):
    page = secretariat.get(f"/secretariat/proposals/{pending}").get_data(as_text=True)

    rows = table(page, "proposal-diff")
    assert sorted(rows) == [
        ["Name (English)", ORIGINAL, "Agency for Migration Data"],
        ["Website", "https://stat.example.org", "https://data.example.org"],
    ]
    assert MEMBER in page


def test_approving_publishes_the_proposed_change(app, secretariat, pending, slug):
    response = approve(secretariat, pending)

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/secretariat/proposals")
    institution = entry(app, slug)
    assert institution.name == "Agency for Migration Data"
    assert institution.website == "https://data.example.org"
    [proposal] = proposals(app)
    assert proposal.status == "approved"
    assert proposal.reviewer_id == user_id(app, SECRETARIAT)


def test_approving_records_a_revision_from_the_proposal(
    app, secretariat, pending, slug
):
    approve(secretariat, pending)

    latest = revisions(app, slug)[-1]
    assert latest.number == 2
    assert latest.source == f"proposal:{pending}"
    assert latest.author_id == user_id(app, SECRETARIAT)
    assert latest.data["name"] == "Agency for Migration Data"


def test_approving_mails_the_proposer(secretariat, pending, slug, mailbox):
    approve(secretariat, pending)

    [message] = mailbox.to(MEMBER)
    assert "approved" in message["Subject"]
    assert "approved" in mailbox.last_body(MEMBER)
    assert mailbox.last_link(MEMBER) == f"/institutions/{slug}"


def test_approved_proposal_leaves_the_queue(secretariat, pending):
    approve(secretariat, pending)

    page = secretariat.get("/secretariat/proposals").get_data(as_text=True)
    assert table(page, "queue") == [["Nothing waiting."]]


def test_approving_twice_is_a_conflict(app, secretariat, pending, slug):
    from tests.conftest import csrf_token

    approve(secretariat, pending)
    token = csrf_token(secretariat, "/secretariat/")

    response = secretariat.post(
        f"/secretariat/proposals/{pending}/approve", data={"csrf_token": token}
    )

    assert response.status_code == 409
    assert len(revisions(app, slug)) == 2


def test_rejecting_a_decided_proposal_is_a_conflict(app, secretariat, pending):
    from tests.conftest import csrf_token

    approve(secretariat, pending)
    token = csrf_token(secretariat, "/secretariat/")

    response = secretariat.post(
        f"/secretariat/proposals/{pending}/reject",
        data={"csrf_token": token, "reason": "Too late"},
    )

    assert response.status_code == 409
    assert proposals(app)[0].status == "approved"


def test_rejecting_with_a_reason_leaves_the_entry_unchanged(
    app, secretariat, pending, slug
):
    response = reject(secretariat, pending, "The agency kept its name.")

    assert response.status_code == 302
    assert entry(app, slug).name == ORIGINAL
    assert len(revisions(app, slug)) == 1
    [proposal] = proposals(app)
    assert proposal.status == "rejected"
    assert proposal.reason == "The agency kept its name."


def test_rejecting_mails_the_proposer_the_reason(secretariat, pending, mailbox):
    reject(secretariat, pending, "The agency kept its name.")

    [message] = mailbox.to(MEMBER)
    assert "rejected" in message["Subject"]
    assert "The agency kept its name." in mailbox.last_body(MEMBER)


def test_rejecting_without_a_reason_is_refused(app, secretariat, pending, mailbox):
    response = reject(secretariat, pending, "   ")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/secretariat/proposals/{pending}")
    assert proposals(app)[0].status == "pending"
    assert mailbox.to(MEMBER) == []


def test_edit_then_approve_publishes_the_secretariat_version(
    app, secretariat, pending, slug
):
    response = approve(
        secretariat, pending, name="Agency for Migration Statistics and Data",
        edited="1",
    )  # fmt: skip

    assert response.status_code == 302
    institution = entry(app, slug)
    assert institution.name == "Agency for Migration Statistics and Data"
    assert institution.website == "https://data.example.org"
    assert revisions(app, slug)[-1].source == f"proposal:{pending}"


def test_edited_fields_are_ignored_unless_marked_as_edited(
    app, secretariat, pending, slug
):
    approve(secretariat, pending, name="Something else entirely")

    assert entry(app, slug).name == "Agency for Migration Data"


def test_member_cannot_approve(app, member, pending, slug):
    from tests.conftest import csrf_token

    token = csrf_token(member, f"/institutions/{slug}")
    response = member.post(
        f"/secretariat/proposals/{pending}/approve", data={"csrf_token": token}
    )

    assert response.status_code == 403
    assert proposals(app)[0].status == "pending"
    assert entry(app, slug).name == ORIGINAL


# Archiving is proposed, approved, and never deletes.


def test_propose_archive_then_approve_archives_without_deleting(
    app, client, member, secretariat, slug
):
    response = submit(
        member, f"/institutions/{slug}/propose-archive", comment="Closed in 2024."
    )
    assert response.status_code == 302
    [proposal] = proposals(app)
    assert proposal.action == "archive"
    assert proposal.comment == "Closed in 2024."
    assert entry(app, slug).status == "published"

    approve(secretariat, proposal.id)

    assert entry(app, slug).status == "archived"
    assert institution_count(app) == 1
    assert revisions(app, slug)[-1].source == f"proposal:{proposal.id}"
    assert client.get(f"/institutions/{slug}").status_code == 404


def test_archive_proposal_page_shows_the_status_change(app, member, secretariat, slug):
    submit(member, f"/institutions/{slug}/propose-archive", comment="Closed.")
    [proposal] = proposals(app)

    page = secretariat.get(f"/secretariat/proposals/{proposal.id}").get_data(
        as_text=True
    )

    assert table(page, "proposal-diff") == [["Status", "Published", "Archived"]]


# The audit log.


def test_audit_log_records_approvals_and_rejections(
    app, member, secretariat, pending, slug
):
    approve(secretariat, pending)
    propose_name(member, slug, name="Another name")
    second = proposals(app, status="pending")[0].id
    reject(secretariat, second, "No source given.")

    page = secretariat.get("/secretariat/audit").get_data(as_text=True)
    actions = [(row[2], row[3]) for row in table(page, "audit")]
    assert ("proposal approved", f"institution:{slug}") in actions
    assert ("proposal rejected", f"institution:{slug}") in actions
    assert "No source given." in page


# Only the secretariat reaches its pages.


@pytest.mark.parametrize("role", ["member", "focal_point"])
@pytest.mark.parametrize(
    "path", ["/secretariat/", "/secretariat/proposals", "/secretariat/audit"]
)
def test_secretariat_pages_are_forbidden_to_others(app, make_user, role, path):
    make_user(
        "someone@example.org", role=role, country="KZ" if role != "member" else None
    )
    client = signed_in(app, "someone@example.org")

    assert client.get(path).status_code == 403


def test_secretariat_dashboard_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/secretariat/")

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
