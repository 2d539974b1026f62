"""Nothing is lost: every revision can be made current again, exactly; revisions
are never removed or rewritten; no institution row is ever deleted."""

import re

import pytest
from sqlalchemy import event, select

from tests.conftest import institution_payload
from tests.moderation import (
    institution_count,
    proposals,
    revisions,
    signed_in,
    submit,
)

SECRETARIAT = "secretariat@example.org"
FOCAL = "focal@example.org"
MEMBER = "member@example.org"
DELETE_INSTITUTIONS = re.compile(r'^\s*DELETE\s+FROM\s+"?institutions"?(\s|$)', re.I)


@pytest.fixture
def deletes(app):
    """Every DELETE on the institutions table while the test runs."""
    from migratory.extensions import db

    seen = []

    def watch(conn, cursor, statement, parameters, context, executemany):
        if DELETE_INSTITUTIONS.match(statement):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", watch)
    yield seen
    event.remove(engine, "before_cursor_execute", watch)


def user(email):
    from migratory.accounts.services import get_user_by_email

    return get_user_by_email(email)


@pytest.fixture
def scenario(app, make_institution, make_user, deletes):
    """Three entries with a varied life: direct edits by a focal point and the
    secretariat, an approved and a rejected proposal, a confirmation, an
    archive round trip, a restore, and a merge of two duplicates."""
    from migratory.inventory.services import get_institution
    from migratory.moderation import proposals as moderation
    from migratory.moderation import upkeep

    agency = make_institution()
    centre = make_institution(
        name="National Migration Research Centre",
        website=None,
        names=[{"lang": "ru", "name": "Национальный центр исследований миграции"}],
        topics=["migration-statistics"],
    )
    center = make_institution(
        name="National Migration Research Center",
        website="https://nmrc.example.kz",
        email="info@nmrc.example.kz",
        names=[
            {"lang": "ru", "name": "Другое название"},
            {"lang": "kk", "name": "Ұлттық көші-қон зерттеу орталығы"},
        ],
        topics=["diaspora"],
    )
    make_user(SECRETARIAT, role="secretariat")
    make_user(FOCAL, role="focal_point", country="KZ", institutions=[agency])
    make_user(MEMBER)
    names = [
        {"lang": "ru", "name": "Агентство миграционной статистики"},
        {"lang": "kk", "name": "Көші-қон статистикасы агенттігі"},
    ]
    # A request context: deciding a proposal mails the proposer a link.
    with app.test_request_context():
        secretariat, focal, member = user(SECRETARIAT), user(FOCAL), user(MEMBER)
        # The focal point renames the entry and adds a Kazakh name and a topic.
        edited = institution_payload(
            name="Migration Statistics Agency",
            names=names,
            topics=["migration-statistics", "labour-migration", "diaspora"],
        )
        moderation.save_change(focal, "institution", agency, edited, expected_version=1)
        # The secretariat changes the website and drops the Russian name.
        edited = {**edited, "website": "https://msa.example.kz", "names": names[1:]}
        moderation.save_change(
            secretariat, "institution", agency, edited, expected_version=2
        )
        # A member's proposal is approved; another is rejected.
        current = get_institution(agency)
        approved = moderation.propose(
            member,
            "institution",
            "change",
            current,
            {**edited, "acronym": "MSA", "phone": None},
        )
        moderation.approve_proposal(secretariat, approved.id)
        rejected = moderation.propose(
            member, "institution", "change", current, {**edited, "name": "Wrong name"}
        )
        moderation.reject_proposal(secretariat, rejected.id, "Not its name.")
        upkeep.confirm_current(focal, agency)
        upkeep.set_archived(secretariat, "institution", agency, True)
        upkeep.set_archived(secretariat, "institution", agency, False)
        upkeep.restore_revision(secretariat, "institution", agency, 2)
        upkeep.merge_institutions(secretariat, centre, center)
    return {"agency": agency, "centre": centre, "center": center}


def comparable(state: dict) -> dict:
    """A saved state with its lists in a stable order (their order is no
    information: names are kept by language)."""
    return {
        **state,
        "names": sorted(state.get("names") or [], key=lambda n: n["lang"]),
        "topics": sorted(state.get("topics") or []),
        "roles": sorted(state.get("roles") or []),
    }


def current_state(slug: str) -> dict:
    from migratory.extensions import db
    from migratory.inventory.services import get_institution, institution_state

    db.session.expire_all()
    return comparable(institution_state(get_institution(slug)))


def all_revisions(slug: str) -> list:
    from migratory.core.history import Revision
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Revision)
            .join(Institution, Revision.record_id == Institution.id)
            .where(Revision.record_kind == "institution")
            .where(Institution.slug == slug)
            .order_by(Revision.number)
        )
    )


def test_scenario_gives_each_entry_several_revisions(app, scenario):
    [approved] = proposals(app, status="approved")
    sources = {
        key: [r.source for r in revisions(app, slug)] for key, slug in scenario.items()
    }

    assert sources == {
        # created, focal point, secretariat, proposal, confirmed, archived,
        # published again, revision 2 restored
        "agency": ["web", "web", "web", f"proposal:{approved.id}"]
        + ["web"] * 3
        + ["restore"],
        "centre": ["web", "merge"],
        "center": ["web", "merge"],
    }


def test_scenario_latest_state_is_its_latest_revision(app, scenario):
    with app.app_context():
        for slug in scenario.values():
            assert current_state(slug) == comparable(all_revisions(slug)[-1].data)


@pytest.mark.parametrize("key", ["agency", "centre", "center"])
def test_restoring_any_revision_reproduces_its_state_exactly(app, scenario, key):
    from migratory.moderation.upkeep import restore_revision

    slug = scenario[key]
    with app.app_context():
        secretariat = user(SECRETARIAT)
        originals = all_revisions(slug)
        for revision in originals:
            restore_revision(secretariat, "institution", slug, revision.number)
            assert current_state(slug) == comparable(revision.data), (
                f"revision {revision.number} of {slug} not reproduced"
            )


@pytest.mark.parametrize("key", ["agency", "centre", "center"])
def test_restores_only_add_revisions_and_never_rewrite_old_ones(app, scenario, key):
    from migratory.moderation.upkeep import restore_revision

    slug = scenario[key]
    with app.app_context():
        secretariat = user(SECRETARIAT)
        before = [(r.number, r.data, r.source) for r in all_revisions(slug)]
        count = len(before)
        for number, _, _ in before:
            restore_revision(secretariat, "institution", slug, number)
            found = all_revisions(slug)
            assert len(found) >= count
            count = len(found)
            assert [r.number for r in found] == list(range(1, count + 1))
            assert [
                (r.number, r.data, r.source) for r in found[: len(before)]
            ] == before


def test_restoring_the_current_revision_adds_nothing(app, scenario):
    from migratory.moderation.upkeep import restore_revision

    slug = scenario["agency"]
    with app.app_context():
        latest = all_revisions(slug)[-1].number
        restore_revision(user(SECRETARIAT), "institution", slug, latest)

        assert len(all_revisions(slug)) == latest


def test_restoring_every_revision_through_the_history_page(app, scenario):
    """The secretariat's restore buttons, one after another, oldest first."""
    slug = scenario["agency"]
    client = signed_in(app, SECRETARIAT)
    with app.app_context():
        originals = [(r.number, comparable(r.data)) for r in all_revisions(slug)]
    history = f"/institutions/{slug}/history"
    for number, data in originals:
        action = f"{history}/{number}/restore"
        # The current revision has no button: restoring it would change nothing.
        if action in client.get(history).get_data(as_text=True):
            assert submit(client, history, action=action).status_code == 302
        with app.app_context():
            assert current_state(slug) == data, f"revision {number} not reproduced"


def test_merged_duplicate_can_be_brought_back_as_it_was(app, scenario):
    from migratory.moderation.upkeep import restore_revision

    center = scenario["center"]
    with app.app_context():
        first = all_revisions(center)[0]
        restore_revision(user(SECRETARIAT), "institution", center, 1)

        state = current_state(center)
        assert state["status"] == "published"
        assert state == comparable(first.data)
        assert [n["lang"] for n in state["names"]] == ["kk", "ru"]


def test_no_institution_row_is_ever_deleted(app, scenario, deletes):
    from migratory.extensions import db
    from migratory.inventory.models import Institution
    from migratory.moderation.upkeep import restore_revision

    with app.app_context():
        secretariat = user(SECRETARIAT)
        for slug in scenario.values():
            for revision in all_revisions(slug):
                restore_revision(secretariat, "institution", slug, revision.number)
        slugs = set(db.session.scalars(select(Institution.slug)))

    assert slugs == set(scenario.values())
    assert institution_count(app) == 3
    assert deletes == []


def test_archived_and_merged_entries_keep_their_rows(app, scenario):
    from migratory.extensions import db
    from migratory.inventory.services import get_institution

    with app.app_context():
        db.session.expire_all()
        assert get_institution(scenario["center"]).status == "archived"
        assert get_institution(scenario["agency"]).status == "published"
