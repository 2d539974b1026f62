"""Two people edit one entry at once: nothing is overwritten unseen."""

import pytest

from tests.conftest import institution_payload
from tests.moderation import (
    edit_path,
    entry,
    form_data,
    revisions,
    signed_in,
    table,
)

FIRST = "first@example.org"
SECOND = "second@example.org"


@pytest.fixture
def editors(app, make_user, slug):
    """Two people who may edit the entry directly, each with the form open."""
    make_user(FIRST, role="secretariat")
    make_user(SECOND, role="secretariat")
    first, second = signed_in(app, FIRST), signed_in(app, SECOND)
    forms = []
    for client in (first, second):
        page = client.get(edit_path(slug)).get_data(as_text=True)
        data, _ = form_data(page, "institution-form")
        forms.append(data)
    return (first, forms[0]), (second, forms[1])


def post(client, slug, data, **changes):
    return client.post(
        edit_path(slug),
        data={
            **data,
            **{k: v if isinstance(v, list) else [v] for k, v in changes.items()},
        },
    )


@pytest.fixture
def conflict(slug, editors):
    """The first saves a new name; the second then saves a new website."""
    (first, first_form), (second, second_form) = editors
    saved = post(first, slug, first_form, name="Migration Statistics Agency")
    assert saved.status_code == 302
    return post(
        second,
        slug,
        second_form,
        website="https://second.example.org",
        summary="Statistics on migration, by the second person.",
    )


def test_both_forms_carry_the_same_version(editors):
    (_, first_form), (_, second_form) = editors

    assert first_form["version"] == second_form["version"] == ["1"]


def test_second_save_on_an_old_version_is_a_409_conflict(conflict):
    assert conflict.status_code == 409
    assert 'id="conflict"' in conflict.get_data(as_text=True)


def test_conflict_keeps_the_first_persons_values(app, slug, conflict):
    institution = entry(app, slug)

    assert institution.name == "Migration Statistics Agency"
    assert institution.website == "https://stat.example.org"
    assert institution.version == 2
    assert len(revisions(app, slug)) == 2


def test_conflict_page_shows_both_versions_side_by_side(conflict):
    rows = table(conflict.get_data(as_text=True), "conflict-diff")

    assert sorted(rows) == [
        [
            "Name (English)",
            "Migration Statistics Agency",
            "Agency for Migration Statistics",
        ],
        [
            "Summary of activities",
            "Produces statistics on international migration.",
            "Statistics on migration, by the second person.",
        ],
        ["Website", "https://stat.example.org", "https://second.example.org"],
    ]


def test_conflict_form_keeps_the_second_persons_input_and_the_new_version(
    conflict, slug
):
    data, _ = conflict_form(conflict, slug)

    assert data["website"] == ["https://second.example.org"]
    assert data["version"] == ["2"]


def conflict_form(conflict, slug):
    return form_data(conflict.get_data(as_text=True), action=edit_path(slug))


def test_saving_again_from_the_conflict_page_applies_the_merged_version(
    app, slug, editors, conflict
):
    (_, _), (second, _) = editors
    data, action = conflict_form(conflict, slug)
    data["name"] = ["Migration Statistics Agency"]  # keeps the first's change

    response = second.post(action, data=data)

    assert response.status_code == 302
    institution = entry(app, slug)
    assert institution.name == "Migration Statistics Agency"
    assert institution.website == "https://second.example.org"
    assert institution.version == 3
    assert [r.number for r in revisions(app, slug)] == [1, 2, 3]


def test_saving_the_conflict_page_unchanged_applies_the_second_persons_values(
    app, slug, editors, conflict
):
    (_, _), (second, _) = editors
    data, action = conflict_form(conflict, slug)

    assert second.post(action, data=data).status_code == 302
    institution = entry(app, slug)
    assert institution.name == "Agency for Migration Statistics"
    assert institution.website == "https://second.example.org"


def test_a_third_save_on_the_first_version_is_still_a_conflict(
    app, slug, editors, conflict
):
    (first, first_form), _ = editors

    response = post(first, slug, first_form, phone="+7 727 000 00 00")

    assert response.status_code == 409
    assert entry(app, slug).phone is None


def test_editing_without_a_version_is_refused(app, slug, editors):
    (first, first_form), _ = editors
    del first_form["version"]

    response = post(first, slug, first_form, name="No version given")

    assert response.status_code == 400
    assert entry(app, slug).name == "Agency for Migration Statistics"


# The service.


@pytest.fixture
def editor(ctx, make_user, slug):
    from migratory.accounts.services import get_user_by_email

    make_user(FIRST, role="secretariat")
    return get_user_by_email(FIRST)


def test_save_edit_with_an_old_version_raises_conflict(ctx, slug, editor):
    from migratory.core.errors import Conflict
    from migratory.extensions import db
    from migratory.moderation.proposals import save_change

    outcome, _ = save_change(
        editor,
        "institution",
        slug,
        institution_payload(name="First change"),
        expected_version=1,
    )
    assert outcome == "saved"

    with pytest.raises(Conflict):
        save_change(
            editor,
            "institution",
            slug,
            institution_payload(name="Second change"),
            expected_version=1,
        )
    db.session.rollback()
    assert entry(ctx, slug).name == "First change"
    assert len(revisions(ctx, slug)) == 2


def test_save_edit_with_the_current_version_saves(ctx, slug, editor):
    from migratory.moderation.proposals import save_change

    save_change(
        editor,
        "institution",
        slug,
        institution_payload(name="First"),
        expected_version=1,
    )
    outcome, institution = save_change(
        editor,
        "institution",
        slug,
        institution_payload(name="Second"),
        expected_version=2,
    )

    assert outcome == "saved"
    assert institution.version == 3
    assert entry(ctx, slug).name == "Second"


def test_a_proposal_on_an_old_version_warns_the_secretariat(app, make_user, slug):
    from migratory.accounts.services import get_user_by_email
    from migratory.inventory.services import get_institution, update_institution
    from migratory.moderation.proposals import propose

    make_user(FIRST, role="secretariat")
    make_user("member@example.org")
    with app.app_context():
        proposal = propose(
            get_user_by_email("member@example.org"),
            "institution",
            "change",
            get_institution(slug),
            institution_payload(acronym="AMSK"),
        )
        ident = proposal.id
        update_institution(slug, institution_payload(city="Astana"))
    client = signed_in(app, FIRST)

    page = client.get(f"/secretariat/proposals/{ident}").get_data(as_text=True)

    assert "The entry changed after this proposal was made" in page
    assert "later changes to other fields are kept" in page
    # Only what the proposer changed is shown, and would be applied: the later
    # move to Astana is not undone.
    assert table(page, "proposal-diff") == [["Acronym", "AMS", "AMSK"]]
