"""Keeping entries fresh (stale notes, confirmations, reminders) and the
secretariat's dashboard (status, freshness, gaps, duplicates, merge)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.conftest import csrf_token
from tests.moderation import (
    entry,
    institution_count,
    make_confirmed,
    make_stale,
    revisions,
    signed_in,
    submit,
    table,
    user_id,
)

FOCAL = "focal.kz@example.org"
STALE_NAME = "Agency for Migration Statistics"
FRESH_NAME = "Migration Service of Kazakhstan"


def recently(moment) -> bool:
    from migratory.core.models import utcnow

    return moment is not None and utcnow() - moment < timedelta(minutes=5)


@pytest.fixture
def stale(app, make_institution):
    slug = make_institution()
    make_stale(app, slug)
    return slug


@pytest.fixture
def fresh(app, make_institution):
    """An entry confirmed a moment ago."""
    slug = make_institution(
        name=FRESH_NAME, acronym="MSK", website="https://migration.example.kz"
    )
    make_confirmed(app, slug)
    return slug


@pytest.fixture
def focal(app, make_user, stale, fresh):
    """A focal point of Kazakhstan linked to a stale and a fresh entry."""
    make_user(FOCAL, role="focal_point", country="KZ", institutions=[stale, fresh])
    return FOCAL


# The stale note and the confirm button.


def test_stale_entry_shows_the_stale_note(client, stale):
    page = client.get(f"/institutions/{stale}").get_data(as_text=True)

    assert 'id="stale-note"' in page


def test_fresh_entry_shows_no_stale_note(client, fresh):
    page = client.get(f"/institutions/{fresh}").get_data(as_text=True)

    assert 'id="stale-note"' not in page


def test_entry_confirmed_a_year_minus_a_day_ago_is_not_stale(
    app, client, make_institution
):
    slug = make_institution()
    make_stale(app, slug, days=364)

    page = client.get(f"/institutions/{slug}").get_data(as_text=True)
    assert 'id="stale-note"' not in page


def confirm(client, slug):
    return submit(
        client, f"/institutions/{slug}", action=f"/institutions/{slug}/confirm"
    )


def test_linked_focal_point_sees_the_confirm_button(app, focal, stale):
    client = signed_in(app, focal)

    page = client.get(f"/institutions/{stale}").get_data(as_text=True)
    assert f'action="/institutions/{stale}/confirm"' in page


def test_confirm_sets_last_verified_and_removes_the_stale_note(app, focal, stale):
    client = signed_in(app, focal)

    response = confirm(client, stale)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/institutions/{stale}")
    assert recently(entry(app, stale).last_verified)
    page = client.get(f"/institutions/{stale}").get_data(as_text=True)
    assert 'id="stale-note"' not in page


def test_confirm_is_recorded_as_a_revision_by_the_focal_point(app, focal, stale):
    confirm(signed_in(app, focal), stale)

    latest = revisions(app, stale)[-1]
    assert latest.number == 2
    assert latest.comment == "Confirmed as still correct"
    assert latest.author_id == user_id(app, FOCAL)


def test_focal_point_not_linked_to_the_entry_cannot_confirm(
    app, make_user, make_institution, stale
):
    other = make_institution(name="Border Service", website=None)
    make_user(FOCAL, role="focal_point", country="KZ", institutions=[other])
    client = signed_in(app, FOCAL)
    token = csrf_token(client, f"/institutions/{stale}")
    before = entry(app, stale).last_verified

    response = client.post(f"/institutions/{stale}/confirm", data={"csrf_token": token})

    assert response.status_code == 403
    assert entry(app, stale).last_verified == before
    assert len(revisions(app, stale)) == 1


# Reminders by e-mail.


def send_reminders(runner):
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def test_reminders_send_one_digest_to_the_focal_point(runner, focal, mailbox):
    output = send_reminders(runner)

    assert "Sent 1 digests." in output
    [message] = mailbox.to(FOCAL)
    assert "Entries to check" in message["Subject"]


def test_digest_lists_only_stale_entries(runner, focal, mailbox):
    send_reminders(runner)

    body = mailbox.last_body(FOCAL)
    assert f"* {STALE_NAME}" in body
    assert FRESH_NAME not in body
    assert "not been confirmed for 365 days" in body  # STALE_AFTER_DAYS


def test_digest_has_confirm_edit_and_propose_archive_links(
    runner, focal, stale, fresh, mailbox
):
    send_reminders(runner)

    assert mailbox.last_link(FOCAL, "/confirm/").startswith(
        f"/institutions/{stale}/confirm/"
    )
    assert mailbox.last_link(FOCAL, "/edit") == f"/institutions/{stale}/edit"
    assert (
        mailbox.last_link(FOCAL, "/propose-archive")
        == f"/institutions/{stale}/propose-archive"
    )
    assert f"/institutions/{fresh}/" not in mailbox.last_body(FOCAL)


def test_digest_leaves_out_stale_entries_of_others_and_archived_ones(
    app, runner, make_institution, focal, mailbox
):
    from migratory.accounts.models import User
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    unlinked = make_institution(name="Unlinked Stale Office", website=None)
    make_stale(app, unlinked)
    archived = make_institution(name="Closed Stale Office", website=None)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == FOCAL))
        user.institutions.append(
            db.session.scalar(select(Institution).where(Institution.slug == archived))
        )
        db.session.execute(
            update(Institution)
            .where(Institution.slug == archived)
            .values(status="archived")
        )
        db.session.commit()
    make_stale(app, archived)

    send_reminders(runner)

    body = mailbox.last_body(FOCAL)
    assert "Unlinked Stale Office" not in body
    assert "Closed Stale Office" not in body
    assert f"* {STALE_NAME}" in body


def test_no_digest_when_nothing_is_stale(app, runner, make_user, fresh, mailbox):
    make_user(FOCAL, role="focal_point", country="KZ", institutions=[fresh])
    make_user("member@example.org")

    assert "Sent 0 digests." in send_reminders(runner)
    assert mailbox.messages == []


def test_no_digest_after_the_entry_is_confirmed(app, runner, focal, stale, mailbox):
    confirm(signed_in(app, focal), stale)

    assert "Sent 0 digests." in send_reminders(runner)
    assert mailbox.to(FOCAL) == []


def test_confirm_link_from_the_mail_shows_a_button_without_sign_in(
    client, runner, focal, stale, mailbox
):
    send_reminders(runner)
    link = mailbox.last_link(FOCAL, "/confirm/")

    response = client.get(link)

    assert response.status_code == 200
    assert "Yes, it is still correct" in response.get_data(as_text=True)


def test_confirm_link_get_alone_confirms_nothing(
    app, client, runner, focal, stale, mailbox
):
    send_reminders(runner)
    before = entry(app, stale).last_verified

    client.get(mailbox.last_link(FOCAL, "/confirm/"))

    assert entry(app, stale).last_verified == before
    assert len(revisions(app, stale)) == 1


def test_confirm_link_from_the_mail_confirms_the_entry(
    app, client, runner, focal, stale, mailbox
):
    send_reminders(runner)
    link = mailbox.last_link(FOCAL, "/confirm/")

    response = submit(client, link)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/institutions/{stale}")
    institution = entry(app, stale)
    assert recently(institution.last_verified)
    assert revisions(app, stale)[-1].author_id == user_id(app, FOCAL)
    page = client.get(f"/institutions/{stale}").get_data(as_text=True)
    assert 'id="stale-note"' not in page


def tampered(link: str) -> str:
    """The link with the first character of its token's signature changed
    (not the last: its low bits are base64 padding, ignored on decoding)."""
    head, signature = link.rsplit(".", 1)
    first = "A" if signature[0] != "A" else "B"
    return f"{head}.{first}{signature[1:]}"


def test_confirm_link_for_another_entry_is_refused(
    app, client, runner, focal, stale, mailbox, make_institution
):
    other = make_institution(name="Another Office", website=None)
    send_reminders(runner)
    token = mailbox.last_link(FOCAL, "/confirm/").rsplit("/", 1)[1]

    response = client.get(f"/institutions/{other}/confirm/{token}")

    assert response.status_code == 422
    assert "not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize("slug", ["{stale}", "no-such-entry"])
def test_forged_confirm_link_tells_nothing_about_which_entries_exist(
    client, stale, slug
):
    response = client.get(f"/institutions/{slug.format(stale=stale)}/confirm/forged")

    assert response.status_code == 422


def test_tampered_confirm_link_is_refused(app, client, runner, focal, stale, mailbox):
    send_reminders(runner)
    link = mailbox.last_link(FOCAL, "/confirm/")
    token = csrf_token(client, link)
    before = entry(app, stale).last_verified

    response = client.post(tampered(link), data={"csrf_token": token})

    assert response.status_code == 422
    assert "not valid" in response.get_data(as_text=True)
    assert entry(app, stale).last_verified == before
    assert len(revisions(app, stale)) == 1


def test_confirm_link_for_one_entry_does_not_confirm_another(
    app, client, runner, focal, stale, fresh, mailbox
):
    send_reminders(runner)
    link = mailbox.last_link(FOCAL, "/confirm/")
    token = csrf_token(client, link)
    before = entry(app, fresh).last_verified

    response = client.post(
        link.replace(f"/institutions/{stale}/", f"/institutions/{fresh}/"),
        data={"csrf_token": token},
    )

    assert response.status_code == 422
    assert entry(app, fresh).last_verified == before


def test_confirm_link_stops_working_when_the_focal_point_is_unlinked(
    app, client, runner, focal, stale, mailbox
):
    from migratory.accounts.models import User
    from migratory.extensions import db

    send_reminders(runner)
    link = mailbox.last_link(FOCAL, "/confirm/")
    token = csrf_token(client, link)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == FOCAL))
        user.institutions = [i for i in user.institutions if i.slug != stale]
        db.session.commit()

    response = client.post(link, data={"csrf_token": token})

    assert response.status_code == 403
    assert len(revisions(app, stale)) == 1


# The dashboard.


def dashboard(client) -> str:
    response = client.get("/secretariat/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def status_count(page: str, status: str) -> int:
    return int(re.search(rf'data-status="{status}">(\d+)<', page)[1])


def test_dashboard_counts_entries_by_status(secretariat, make_institution):
    for name in ("One", "Two", "Three"):
        make_institution(name=f"Published Office {name}", website=None)
    make_institution(name="Archived Office", status="archived", website=None)
    make_institution(name="Draft Office", status="draft", website=None)

    page = dashboard(secretariat)

    assert status_count(page, "published") == 3
    assert status_count(page, "archived") == 1
    assert status_count(page, "draft") == 1


def freshness(page: str) -> dict[str, list[str]]:
    """Country name → [fresh, stale, not yet confirmed, focal points, drafts,
    archived]."""
    return {row[0]: row[1:] for row in table(page, "freshness")}


def test_freshness_table_counts_fresh_and_stale_per_country(secretariat, stale, fresh):
    rows = freshness(dashboard(secretariat))

    assert rows["Kazakhstan"] == ["1", "1", "0", "missing", "0", "0"]
    assert rows["Georgia"] == ["0", "0", "0", "missing", "0", "0"]


def test_freshness_table_counts_focal_points(secretariat, focal):
    rows = freshness(dashboard(secretariat))

    assert rows["Kazakhstan"] == ["1", "1", "0", "1", "0", "0"]


def test_freshness_table_counts_drafts_and_archived_per_country(
    secretariat, make_institution
):
    make_institution(name="Published Office", website=None)
    make_institution(name="Draft Office", status="draft", website=None)
    make_institution(name="Other Draft Office", status="draft", website=None)
    make_institution(
        name="Archived Office", status="archived", country="GE", city="Tbilisi",
        latitude=41.7, longitude=44.8, website=None,
    )  # fmt: skip

    rows = freshness(dashboard(secretariat))

    assert rows["Kazakhstan"][:3] == ["0", "0", "1"]  # added, not yet confirmed
    assert rows["Kazakhstan"][4:] == ["2", "0"]
    assert rows["Georgia"] == ["0", "0", "0", "missing", "0", "1"]


def test_freshness_table_has_a_row_for_every_country(app, secretariat):
    from migratory.extensions import db
    from migratory.inventory.models import Country

    with app.app_context():
        countries = db.session.scalars(select(Country.name_en)).all()

    assert sorted(freshness(dashboard(secretariat))) == sorted(countries)


def test_stale_entries_are_listed_on_the_dashboard(secretariat, stale, fresh):
    page = dashboard(secretariat)
    section = re.search(r'<ul id="stale">(.*?)</ul>', page, re.S)[1]

    assert STALE_NAME in section
    assert FRESH_NAME not in section


def gap(page: str, name: str) -> str:
    found = re.search(rf'data-gap="{name}">(.*?)</div>', page, re.S)
    assert found, f"no gap {name} on the dashboard"
    return found[1]


def test_entry_without_website_appears_under_the_website_gap(
    secretariat, make_institution, fresh
):
    make_institution(name="Office Without Website", website=None)

    section = gap(dashboard(secretariat), "website")

    assert "Office Without Website" in section
    assert FRESH_NAME not in section


def test_entry_without_topics_or_summary_appears_under_those_gaps(
    secretariat, make_institution
):
    make_institution(name="Sparse Office", topics=[], summary=None)

    page = dashboard(secretariat)

    assert "Sparse Office" in gap(page, "topics")
    assert "Sparse Office" in gap(page, "summary")
    assert "Sparse Office" not in gap(page, "website")


# Likely duplicates, merged or dismissed.

CENTRE = "National Migration Research Centre"
CENTER = "National Migration Research Center"


@pytest.fixture
def pair(make_institution):
    """Two spellings of one body: the first has no website; the second has one,
    other names and another topic."""
    keep = make_institution(
        name=CENTRE,
        acronym="NMRC",
        website=None,
        summary="Research on migration in Kazakhstan.",
        names=[{"lang": "ru", "name": "Национальный центр исследований миграции"}],
        topics=["migration-statistics"],
    )
    gone = make_institution(
        name=CENTER,
        acronym="NMRC-2",
        website="https://nmrc.example.kz",
        summary="Another summary.",
        names=[
            {"lang": "ru", "name": "Другое название"},
            {"lang": "kk", "name": "Ұлттық көші-қон зерттеу орталығы"},
        ],
        topics=["diaspora", "migration-statistics"],
    )
    return keep, gone


def test_similar_names_in_one_country_are_likely_duplicates(secretariat, pair):
    rows = table(dashboard(secretariat), "duplicates")

    assert [row[:2] for row in rows] == [[CENTRE, CENTER]]
    assert "similar names" in rows[0][2]


def test_similar_names_in_different_countries_are_not_duplicates(
    secretariat, make_institution
):
    make_institution(name=CENTRE, website=None)
    make_institution(
        name=CENTER, country="GE", city="Tbilisi", latitude=41.7, longitude=44.8,
        website=None,
    )  # fmt: skip

    assert table(dashboard(secretariat), "duplicates") == [["None found."]]


def test_same_website_makes_a_likely_duplicate(secretariat, make_institution):
    make_institution(name="Statistics Committee", website="https://stat.gov.kz")
    make_institution(
        name="Bureau of National Statistics", website="https://stat.gov.kz/"
    )

    rows = table(dashboard(secretariat), "duplicates")

    assert len(rows) == 1
    assert "same website" in rows[0][2]


def merge(client):
    return submit(client, "/secretariat/", action="/secretariat/duplicates/merge")


def test_merge_keeps_the_survivors_own_fields(app, secretariat, pair):
    keep, _ = pair

    assert merge(secretariat).status_code == 302

    survivor = entry(app, keep)
    assert survivor.name == CENTRE
    assert survivor.acronym == "NMRC"
    assert survivor.summary == "Research on migration in Kazakhstan."
    assert survivor.status == "published"


def test_merge_fills_the_survivors_missing_website_names_and_topics(
    app, secretariat, pair
):
    keep, _ = pair

    merge(secretariat)

    survivor = entry(app, keep)
    assert survivor.website == "https://nmrc.example.kz"
    assert {n.lang: n.name for n in survivor.names} == {
        "ru": "Национальный центр исследований миграции",
        "kk": "Ұлттық көші-қон зерттеу орталығы",
    }
    assert survivor.topics == ["diaspora", "migration-statistics"]


def test_merge_archives_the_duplicate_without_deleting_it(app, secretariat, pair):
    keep, gone = pair

    merge(secretariat)

    assert entry(app, gone).status == "archived"
    assert institution_count(app) == 2
    latest = revisions(app, gone)[-1]
    assert latest.source == "merge"
    assert latest.comment == f"Merged {gone} into {keep}"
    assert revisions(app, keep)[-1].comment == f"Merged {gone} into {keep}"


def test_merged_pair_is_no_longer_listed(secretariat, pair):
    merge(secretariat)

    assert table(dashboard(secretariat), "duplicates") == [["None found."]]


def test_merge_moves_the_duplicates_focal_point_to_the_survivor(
    app, make_user, secretariat, pair
):
    from migratory.accounts.models import User
    from migratory.extensions import db

    keep, gone = pair
    make_user(FOCAL, role="focal_point", country="KZ", institutions=[gone])

    merge(secretariat)

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == FOCAL))
        assert [i.slug for i in user.institutions] == [keep]


def test_merge_is_in_the_audit_log(secretariat, pair):
    keep, gone = pair

    merge(secretariat)

    page = secretariat.get("/secretariat/audit").get_data(as_text=True)
    assert f"<td>merge</td><td>institution:{keep}</td>" in page
    assert f"merged: {gone}" in page


def test_dismissed_pair_is_no_longer_listed(app, secretariat, pair):
    response = submit(
        secretariat, "/secretariat/", action="/secretariat/duplicates/dismiss"
    )

    assert response.status_code == 302
    assert table(dashboard(secretariat), "duplicates") == [["None found."]]
    keep, gone = pair
    assert entry(app, keep).status == entry(app, gone).status == "published"
    assert len(revisions(app, keep)) == len(revisions(app, gone)) == 1


def test_dismissing_a_pair_keeps_other_pairs_listed(
    app, secretariat, pair, make_institution
):
    make_institution(name="Migration Policy Institute", website=None)
    make_institution(name="Migration Policy Institut", website=None)

    submit(secretariat, "/secretariat/", action="/secretariat/duplicates/dismiss")

    rows = table(dashboard(secretariat), "duplicates")
    assert len(rows) == 1
