"""The history of an entry: revisions with their differences, restore, archive."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.moderation import (
    entry,
    revisions,
    signed_in,
    submit,
    user_id,
)

SECRETARIAT = "secretariat@example.org"
RU_NAME = "Агентство миграционной статистики"


@pytest.fixture
def slug(app, make_institution, make_user):
    """An entry with three revisions: created; renamed with a Kazakh name added;
    its website and Russian name changed."""
    from migratory.inventory.services import update_institution
    from tests.conftest import institution_payload

    slug = make_institution()
    make_user(SECRETARIAT, role="secretariat")
    author = user_id(app, SECRETARIAT)
    names = [
        {"lang": "ru", "name": RU_NAME},
        {"lang": "kk", "name": "Көші-қон статистикасы агенттігі"},
    ]
    second = institution_payload(name="Migration Statistics Agency", names=names)
    names = [names[0] | {"name": "Агентство статистики миграции"}, names[1]]
    third = {
        **second,
        "website": "https://migration-stats.example.org",
        "names": names,
    }
    with app.app_context():
        update_institution(
            slug, second, author_id=author, comment="Renamed", replace_names=True
        )
        update_institution(slug, third, author_id=author, replace_names=True)
    return slug


@pytest.fixture
def secretariat(app, slug):
    return signed_in(app, SECRETARIAT)


def history(client, slug) -> str:
    response = client.get(f"/institutions/{slug}/history")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def revision_card(page: str, number: int) -> str:
    """The HTML of one revision's card on the history page."""
    found = re.search(
        rf'<li class="card mb-3" id="revision-{number}">(.*?)</li>'
        r'\s*(?=<li class="card|</ol>)',
        page,
        re.S,
    )
    assert found, f"no revision {number} on the page"
    return found[1]


def changes(card: str) -> list[tuple[str, str, str]]:
    """(field, before, after) of each row of a revision's table of changes."""
    return [
        (field, before.strip(), after.strip())
        for field, before, after in re.findall(
            r'<th scope="row"[^>]*>([^<]+)</th><td><del>([^<]*)</del></td>'
            r"<td><ins>([^<]*)</ins></td>",
            card,
        )
    ]


def restore(client, slug, number):
    return submit(
        client,
        f"/institutions/{slug}/history",
        action=f"/institutions/{slug}/history/{number}/restore",
    )


def names_of(app, slug) -> dict[str, str]:
    return {n.lang: n.name for n in entry(app, slug).names}


# The history page.


def test_history_is_public_and_lists_revisions_newest_first(client, slug):
    page = history(client, slug)

    numbers = [int(n) for n in re.findall(r'id="revision-(\d+)"', page)]
    assert numbers == [3, 2, 1]


def test_history_shows_the_author_and_comment_of_a_revision(client, slug):
    card = revision_card(history(client, slug), 2)

    # The author has no name: their role stands in, never their address.
    assert "· Secretariat" in card
    assert SECRETARIAT not in card
    assert "Renamed" in card


def test_history_shows_before_and_after_values_of_changed_fields(client, slug):
    page = history(client, slug)

    second = changes(revision_card(page, 2))
    assert (
        "Name (English)",
        "Agency for Migration Statistics",
        "Migration Statistics Agency",
    ) in second
    [(before, after)] = [
        (b, a) for field, b, a in second if field == "Names in other languages"
    ]
    assert before == f"ru: {RU_NAME}"
    assert sorted(after.split(", ")) == [
        "kk: Көші-қон статистикасы агенттігі",
        f"ru: {RU_NAME}",
    ]
    third = changes(revision_card(page, 3))
    assert (
        "Website",
        "https://stat.example.org",
        "https://migration-stats.example.org",
    ) in third


def test_history_lists_only_the_fields_that_changed(client, slug):
    third = changes(revision_card(history(client, slug), 3))

    assert sorted(field for field, _, _ in third) == [
        "Names in other languages",
        "Website",
    ]


def test_first_revision_shows_every_value_as_new(client, slug):
    first = changes(revision_card(history(client, slug), 1))

    assert ("Name (English)", "", "Agency for Migration Statistics") in first
    assert ("Country", "", "Kazakhstan") in first


def test_history_offers_no_restore_or_archive_to_the_public(client, slug):
    page = history(client, slug)

    assert "/restore" not in page
    assert "/archive" not in page


def test_history_offers_restore_on_every_revision_but_the_current_one(
    secretariat, slug
):
    page = history(secretariat, slug)

    assert f"/institutions/{slug}/history/1/restore" in page
    assert f"/institutions/{slug}/history/2/restore" in page
    assert f"/institutions/{slug}/history/3/restore" not in page


def test_history_of_unknown_entry_is_404(client):
    assert client.get("/institutions/no-such-entry/history").status_code == 404


# Restoring a revision.


def test_restore_creates_a_new_revision(app, secretariat, slug):
    response = restore(secretariat, slug, 1)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/institutions/{slug}/history")
    found = revisions(app, slug)
    assert [r.number for r in found] == [1, 2, 3, 4]
    assert found[-1].source == "restore"
    assert found[-1].comment == "Restored revision 1"
    assert found[-1].author_id == user_id(app, SECRETARIAT)


def test_restored_state_equals_the_old_revision(app, secretariat, slug):
    restore(secretariat, slug, 1)

    first, *_, restored = revisions(app, slug)
    assert restored.data == first.data


def test_restore_brings_back_names_in_other_languages_exactly(app, secretariat, slug):
    restore(secretariat, slug, 1)

    institution = entry(app, slug)
    assert institution.name == "Agency for Migration Statistics"
    assert names_of(app, slug) == {"ru": RU_NAME}


def test_restore_of_a_middle_revision_keeps_its_names(app, secretariat, slug):
    restore(secretariat, slug, 2)

    assert names_of(app, slug) == {
        "ru": RU_NAME,
        "kk": "Көші-қон статистикасы агенттігі",
    }
    assert entry(app, slug).website == "https://stat.example.org"


def test_restore_is_itself_in_the_history(client, secretariat, slug):
    restore(secretariat, slug, 1)

    page = history(client, slug)
    card = revision_card(page, 4)
    assert "Restored revision 1" in card
    assert (
        "Website",
        "https://migration-stats.example.org",
        "https://stat.example.org",
    ) in changes(card)


def test_restore_is_in_the_audit_log(app, secretariat, slug):
    from migratory.core.audit import AuditEntry
    from migratory.extensions import db

    restore(secretariat, slug, 2)

    with app.app_context():
        [audit] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "restore")
        ).all()
        assert audit.target == f"institution:{slug}"
        assert audit.detail == {"revision": 2}
        assert audit.actor_id == user_id(app, SECRETARIAT)


def test_restoring_an_unknown_revision_is_404(app, secretariat, slug):
    token = csrf_token(secretariat, f"/institutions/{slug}/history")
    response = secretariat.post(
        f"/institutions/{slug}/history/9/restore", data={"csrf_token": token}
    )

    assert response.status_code == 404
    assert len(revisions(app, slug)) == 3


@pytest.mark.parametrize("role", ["member", "focal_point"])
def test_only_the_secretariat_may_restore(app, make_user, slug, role):
    email = f"{role}@example.org"
    linked = [slug] if role == "focal_point" else []
    make_user(email, role=role, country="KZ" if linked else None, institutions=linked)
    client = signed_in(app, email)
    token = csrf_token(client, f"/institutions/{slug}/history")

    response = client.post(
        f"/institutions/{slug}/history/1/restore", data={"csrf_token": token}
    )

    assert response.status_code == 403
    assert len(revisions(app, slug)) == 3
    assert entry(app, slug).name == "Migration Statistics Agency"


def test_anonymous_restore_is_sent_to_sign_in(app, client, slug):
    token = csrf_token(client, "/auth/login")
    response = client.post(
        f"/institutions/{slug}/history/1/restore", data={"csrf_token": token}
    )

    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert len(revisions(app, slug)) == 3


# Archiving and publishing again.


def archive(client, slug):
    return submit(
        client,
        f"/institutions/{slug}/history",
        action=f"/institutions/{slug}/archive",
    )


def unarchive(client, slug):
    return submit(
        client,
        f"/institutions/{slug}/history",
        action=f"/institutions/{slug}/unarchive",
    )


def test_archive_sets_the_status_and_records_a_revision(app, secretariat, slug):
    response = archive(secretariat, slug)

    assert response.status_code == 302
    assert entry(app, slug).status == "archived"
    latest = revisions(app, slug)[-1]
    assert latest.number == 4
    assert latest.data["status"] == "archived"
    assert latest.comment == "Archived"


def test_archived_entry_is_404_on_the_public_detail_page(client, secretariat, slug):
    archive(secretariat, slug)

    assert client.get(f"/institutions/{slug}").status_code == 404
    assert client.get(f"/institutions/{slug}/history").status_code == 404


def test_archived_entry_history_stays_visible_to_the_secretariat(secretariat, slug):
    archive(secretariat, slug)

    page = history(secretariat, slug)
    assert "Status: Archived" in page
    assert re.findall(r'id="revision-(\d+)"', page) == ["4", "3", "2", "1"]
    assert f'action="/institutions/{slug}/unarchive"' in page


def test_archive_then_unarchive_publishes_the_entry_again(
    app, client, secretariat, slug
):
    archive(secretariat, slug)
    response = unarchive(secretariat, slug)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/institutions/{slug}")
    assert entry(app, slug).status == "published"
    assert client.get(f"/institutions/{slug}").status_code == 200
    found = revisions(app, slug)
    assert [r.data["status"] for r in found[-2:]] == ["archived", "published"]
    assert found[-1].comment == "Restored from the archive"


def test_archive_round_trip_keeps_every_other_field(app, secretariat, slug):
    before = revisions(app, slug)[-1].data

    archive(secretariat, slug)
    unarchive(secretariat, slug)

    assert revisions(app, slug)[-1].data == before


def test_archive_and_unarchive_are_in_the_audit_log(secretariat, slug):
    archive(secretariat, slug)
    unarchive(secretariat, slug)

    page = secretariat.get("/secretariat/audit").get_data(as_text=True)
    assert f"<td>archive</td><td>institution:{slug}</td>" in page
    assert f"<td>unarchive</td><td>institution:{slug}</td>" in page


def test_archiving_an_archived_entry_changes_nothing(app, secretariat, slug):
    archive(secretariat, slug)
    token = csrf_token(secretariat, f"/institutions/{slug}/history")

    secretariat.post(f"/institutions/{slug}/archive", data={"csrf_token": token})

    assert len(revisions(app, slug)) == 4


@pytest.mark.parametrize("action", ["archive", "unarchive"])
def test_only_the_secretariat_may_archive_or_unarchive(app, make_user, slug, action):
    make_user(
        "focal@example.org", role="focal_point", country="KZ", institutions=[slug]
    )
    client = signed_in(app, "focal@example.org")
    token = csrf_token(client, f"/institutions/{slug}")

    response = client.post(f"/institutions/{slug}/{action}", data={"csrf_token": token})

    assert response.status_code == 403
    assert entry(app, slug).status == "published"
    assert len(revisions(app, slug)) == 3
