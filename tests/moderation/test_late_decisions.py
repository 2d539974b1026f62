"""Decisions on proposals made before the entry changed, merges with open
proposals, drafts kept from those who may not change them, and save races."""

import pytest
from sqlalchemy import text

from tests.moderation import (
    MEMBER,
    SECRETARIAT,
    edit_path,
    entry,
    proposals,
    signed_in,
    submit,
    table,
)

FOCAL = "focal.kz@example.org"
ORIGINAL = "Agency for Migration Statistics"


def proposal_page(ident: int) -> str:
    return f"/secretariat/proposals/{ident}"


def approve(client, ident, **changes):
    return submit(client, proposal_page(ident), "approve-form", **changes)


def later_edit(secretariat, slug, **changes):
    """The secretariat changes the entry directly after a proposal was made."""
    response = submit(secretariat, edit_path(slug), "institution-form", **changes)
    assert response.status_code == 302, response.status_code


@pytest.fixture
def old_proposal(app, member, slug):
    """A member proposes a new website; the proposal's id."""
    response = submit(
        member, edit_path(slug), "institution-form", website="https://new.example.org"
    )
    assert response.status_code == 302
    [proposal] = proposals(app, status="pending")
    return proposal.id


# A proposal made on an older version applies only what the proposer changed.


def test_approving_an_old_proposal_keeps_later_changes_to_other_fields(
    app, secretariat, slug, old_proposal
):
    later_edit(secretariat, slug, city="Astana", summary="Moved to the capital.")

    response = approve(secretariat, old_proposal)

    assert response.status_code == 302
    institution = entry(app, slug)
    assert institution.website == "https://new.example.org"
    assert institution.city == "Astana"
    assert institution.summary == "Moved to the capital."
    assert proposals(app, id=old_proposal)[0].status == "approved"


def test_same_field_changed_since_is_refused_until_edited(
    app, secretariat, slug, old_proposal
):
    later_edit(secretariat, slug, website="https://other.example.org")
    page = secretariat.get(proposal_page(old_proposal)).get_data(as_text=True)
    assert "Changed since in the same fields: Website" in page

    response = approve(secretariat, old_proposal, comment="Checked with the office")

    assert response.status_code == 409
    shown = response.get_data(as_text=True)
    assert "The entry changed after this proposal in the same fields" in shown
    assert "Checked with the office" in shown  # what was typed is kept
    assert entry(app, slug).website == "https://other.example.org"
    assert proposals(app, id=old_proposal)[0].status == "pending"


def test_same_field_conflict_is_settled_by_edit_then_approve(
    app, secretariat, slug, old_proposal
):
    later_edit(secretariat, slug, website="https://other.example.org")

    response = approve(
        secretariat, old_proposal, website="https://agreed.example.org", edited="1"
    )

    assert response.status_code == 302
    assert entry(app, slug).website == "https://agreed.example.org"
    assert proposals(app, id=old_proposal)[0].status == "approved"


def test_invalid_edit_then_approve_shows_the_errors_and_changes_nothing(
    app, secretariat, slug, old_proposal
):
    response = approve(
        secretariat, old_proposal, website="not a web address", edited="1"
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="error-summary"' in page and 'href="#website"' in page
    assert 'aria-describedby="website-error"' in page
    assert entry(app, slug).website == "https://stat.example.org"
    assert proposals(app, id=old_proposal)[0].status == "pending"


def test_proposal_diff_on_a_current_entry_is_the_whole_change(
    secretariat, old_proposal
):
    page = secretariat.get(proposal_page(old_proposal)).get_data(as_text=True)

    assert table(page, "proposal-diff") == [
        ["Website", "https://stat.example.org", "https://new.example.org"]
    ]
    assert "The entry changed after this proposal" not in page


# Merging a duplicate closes its open proposals instead of moving them.


@pytest.fixture
def duplicate(make_institution):
    return make_institution(
        name="Agency for Migration Statistic", website="https://dup.example.org"
    )


def merge(client, keep, gone):
    from tests.conftest import csrf_token

    token = csrf_token(client, "/secretariat/")
    return client.post(
        "/secretariat/duplicates/merge",
        data={"csrf_token": token, "first": keep, "second": gone},
    )


def test_merge_closes_the_duplicates_open_proposals_and_tells_the_proposer(
    app, member, secretariat, slug, duplicate, mailbox
):
    archive = submit(member, f"/institutions/{duplicate}/propose-archive")
    assert archive.status_code == 302
    change = submit(
        member, edit_path(duplicate), "institution-form", summary="Duplicate text."
    )
    assert change.status_code == 302

    assert merge(secretariat, slug, duplicate).status_code == 302

    closed = proposals(app, record_id=entry(app, duplicate).id)
    assert [p.status for p in closed] == ["rejected", "rejected"]
    assert all(slug in p.reason for p in closed)
    assert proposals(app, status="pending") == []
    survivor = entry(app, slug)
    assert survivor.status == "published"
    assert survivor.summary == "Produces statistics on international migration."
    assert len(mailbox.to(MEMBER)) == 2
    assert "merged into" in mailbox.last_body(MEMBER)


def test_a_closed_proposal_cannot_be_approved_after_the_merge(
    app, member, secretariat, slug, duplicate
):
    submit(member, f"/institutions/{duplicate}/propose-archive")
    [proposal] = proposals(app, status="pending")
    merge(secretariat, slug, duplicate)
    from tests.conftest import csrf_token

    token = csrf_token(secretariat, proposal_page(proposal.id))
    response = secretariat.post(
        f"{proposal_page(proposal.id)}/approve", data={"csrf_token": token}
    )

    assert response.status_code == 409
    assert entry(app, slug).status == "published"


def test_merge_audit_entry_names_the_closed_proposals(
    app, member, secretariat, slug, duplicate
):
    from sqlalchemy import select

    from migratory.core.audit import AuditEntry
    from migratory.extensions import db

    submit(member, f"/institutions/{duplicate}/propose-archive")
    [proposal] = proposals(app, status="pending")
    merge(secretariat, slug, duplicate)

    with app.app_context():
        [audit] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "merge")
        ).all()
        assert audit.detail["closed_proposals"] == [proposal.id]


# Drafts and archived entries are not opened for editing by just anyone.


@pytest.fixture
def draft(make_institution):
    return make_institution(
        name="Unpublished Office", status="draft", website=None, summary="Secret."
    )


def test_member_cannot_open_a_draft_for_editing(member, draft):
    response = member.get(edit_path(draft))

    assert response.status_code == 404
    assert "Secret." not in response.get_data(as_text=True)


def test_member_cannot_propose_a_change_to_a_draft(app, member, draft):
    from tests.conftest import csrf_token, institution_payload

    data = {**institution_payload(name="Forged"), "version": "1"}
    data["csrf_token"] = csrf_token(member, "/institutions/new")
    data.pop("names")
    response = member.post(edit_path(draft), data=data)

    assert response.status_code == 404
    assert proposals(app) == []
    assert entry(app, draft).name == "Unpublished Office"


def test_member_cannot_open_an_archived_entry_for_editing(member, make_institution):
    archived = make_institution(name="Closed Office", status="archived", website=None)

    assert member.get(edit_path(archived)).status_code == 404


def test_linked_focal_point_and_secretariat_may_edit_a_draft(
    app, make_user, secretariat, draft
):
    make_user(FOCAL, role="focal_point", country="KZ", institutions=[draft])
    focal = signed_in(app, FOCAL)

    assert focal.get(edit_path(draft)).status_code == 200
    assert secretariat.get(edit_path(draft)).status_code == 200


# Two saves racing past the version check: the second gets the merge page.


def test_a_save_that_loses_the_race_is_a_conflict_not_an_error(app, make_user, slug):
    from migratory.accounts.services import get_user_by_email
    from migratory.core.errors import Conflict
    from migratory.extensions import db
    from migratory.inventory.services import get_institution
    from migratory.moderation.proposals import save_change
    from tests.conftest import institution_payload

    make_user(SECRETARIAT, role="secretariat")
    with app.app_context():
        editor = get_user_by_email(SECRETARIAT)
        get_institution(slug)  # loaded at version 1, as the edit form saw it
        with db.engine.connect() as other:
            # Another process saves between this one's check and its commit.
            other.execute(
                text("UPDATE institutions SET version = version + 1 WHERE slug = :s"),
                {"s": slug},
            )
            other.commit()
        with pytest.raises(Conflict):
            save_change(
                editor,
                "institution",
                slug,
                institution_payload(name="Lost Race"),
                expected_version=1,
            )
        db.session.rollback()
    assert entry(app, slug).name == ORIGINAL
    assert entry(app, slug).version == 2


# The audit log comes a page at a time and can show one kind of action.


@pytest.fixture
def many_actions(app, secretariat, make_user):
    """60 audit entries: 55 archive/unarchive pairs' halves and 5 restores."""
    from migratory.accounts.services import get_user_by_email
    from migratory.core.audit import record_action
    from migratory.extensions import db

    with app.app_context():
        actor = get_user_by_email(SECRETARIAT)
        for number in range(55):
            record_action(actor, "archive", f"institution:entry-{number:02d}")
        for number in range(5):
            record_action(actor, "restore", f"institution:entry-{number:02d}")
        db.session.commit()


def test_audit_log_pages_through_every_entry(secretariat, many_actions):
    first = secretariat.get("/secretariat/audit").get_data(as_text=True)
    second = secretariat.get("/secretariat/audit?page=2").get_data(as_text=True)

    assert "60 entries" in first
    assert len(table(first, "audit")) == 50
    assert len(table(second, "audit")) == 10
    assert 'rel="next"' in first
    # Newest first: the restores were recorded last.
    assert table(first, "audit")[0][2] == "restore"


def test_audit_log_filters_by_action(secretariat, many_actions):
    page = secretariat.get("/secretariat/audit?action=restore").get_data(as_text=True)

    rows = table(page, "audit")
    assert [row[2] for row in rows] == ["restore"] * 5
    assert "5 entries" in page


@pytest.mark.parametrize("query", ["?page=abc", "?page=-3", "?page=999", "?action=x"])
def test_audit_log_odd_parameters_are_harmless(secretariat, many_actions, query):
    response = secretariat.get(f"/secretariat/audit{query}")

    assert response.status_code == 200


def test_history_credits_the_proposer_and_the_approver(
    app, client, secretariat, slug, old_proposal
):
    approve(secretariat, old_proposal)

    page = client.get(f"/institutions/{slug}/history").get_data(as_text=True)

    assert "proposed by Member, approved by Secretariat" in page
    assert MEMBER not in page and SECRETARIAT not in page


def test_any_save_that_loses_the_race_is_a_409_page(database_url, tmp_path):
    """Approvals, restores and merges commit too: a lost race is never a 500."""
    from sqlalchemy.orm.exc import StaleDataError

    from tests.conftest import make_test_app, wipe_inventory

    app = make_test_app(database_url, tmp_path / "index")

    @app.get("/test-lost-race")
    def lost_race():
        raise StaleDataError("UPDATE statement matched 0 rows")

    try:
        response = app.test_client().get("/test-lost-race")
        assert response.status_code == 409
        assert "Someone else saved this entry at the same moment" in response.get_data(
            as_text=True
        )
    finally:
        wipe_inventory(app)
