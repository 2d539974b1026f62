"""Migration 0009 moves institution revisions and proposals into the generic
history and moderation tables, and back, on both databases, losing nothing."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from config import TestConfig
from migratory import create_app
from migratory.extensions import db
from migratory.inventory.seeding import load_geography
from tests.conftest import PASSWORD, institution_payload
from tests.core.test_migrations import empty_database  # noqa: F401 (fixture)

BEFORE = "0008_user_language"
REVISION_COLUMNS = "id, number, created, source, comment, data, author_id"


def _rows(sql: str) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(text(sql))]


def _history_with_every_kind_of_change() -> None:
    """Revisions by seed, a person, an approved and a rejected proposal, an
    archive and a restore; a pending proposal of each action."""
    from migratory.accounts.services import create_user, get_user_by_email
    from migratory.moderation import proposals, upkeep

    create_user("sec@example.org", "secretariat", PASSWORD)
    create_user("member@example.org", "member", PASSWORD)
    secretariat = get_user_by_email("sec@example.org")
    member = get_user_by_email("member@example.org")
    _, agency = proposals.create_or_propose(
        secretariat, "institution", institution_payload(), "First"
    )
    slug = agency.slug
    proposals.save_change(
        secretariat,
        "institution",
        slug,
        institution_payload(acronym="AMS2"),
        expected_version=1,
    )
    approved = proposals.propose(
        member, "institution", "change", slug, institution_payload(city="Astana")
    )
    proposals.approve_proposal(secretariat, approved.id)
    rejected = proposals.propose(
        member, "institution", "change", slug, institution_payload(name="Wrong")
    )
    proposals.reject_proposal(secretariat, rejected.id, "Not its name.")
    upkeep.set_archived(secretariat, "institution", slug, True)
    upkeep.set_archived(secretariat, "institution", slug, False)
    upkeep.restore_revision(secretariat, "institution", slug, 1)
    proposals.propose(member, "institution", "archive", slug, {}, "Closed")
    proposals.propose(
        member, "institution", "new", None, institution_payload(name="New one")
    )


def test_revisions_and_proposals_survive_down_and_up(empty_database, tmp_path):  # noqa: F811
    app = create_app(TestConfig(empty_database, str(tmp_path / "index")))
    with app.app_context():
        upgrade()
        load_geography()
        _history_with_every_kind_of_change()
        revisions = _rows(
            f"SELECT record_id, {REVISION_COLUMNS} FROM revisions "
            "WHERE record_kind = 'institution' ORDER BY id"
        )
        proposal_rows = _rows(
            "SELECT id, action, record_id, status, data, base_version FROM proposals"
            " ORDER BY id"
        )
        assert len(revisions) == 6
        assert len(proposal_rows) == 4
        db.session.remove()

        downgrade(revision=BEFORE)
        assert (
            _rows(
                f"SELECT institution_id, {REVISION_COLUMNS} "
                "FROM institution_revisions ORDER BY id"
            )
            == revisions
        )
        assert (
            _rows(
                "SELECT id, kind, institution_id, status, data, base_version "
                "FROM proposals ORDER BY id"
            )
            == proposal_rows
        )
        db.session.remove()

        upgrade()
        assert (
            _rows(
                f"SELECT record_id, {REVISION_COLUMNS} FROM revisions "
                "WHERE record_kind = 'institution' ORDER BY id"
            )
            == revisions
        )
        assert (
            _rows(
                "SELECT id, action, record_id, status, data, base_version "
                "FROM proposals WHERE record_kind = 'institution' ORDER BY id"
            )
            == proposal_rows
        )
        _restore_still_works(revisions)
        db.engine.dispose()


def _restore_still_works(revisions: list[tuple]) -> None:
    """Every moved revision restores, as a new revision with a new id."""
    from migratory.accounts.services import get_user_by_email
    from migratory.core.history import Revision
    from migratory.inventory.models import Institution
    from migratory.inventory.services import institution_state
    from migratory.moderation import upkeep

    secretariat = get_user_by_email("sec@example.org")
    agency = db.session.scalar(db.select(Institution))
    for revision in db.session.scalars(
        db.select(Revision).order_by(Revision.number)
    ).all():
        upkeep.restore_revision(
            secretariat, "institution", agency.slug, revision.number
        )
        db.session.expire_all()
        state = institution_state(db.session.get(Institution, agency.id))
        assert {k: v for k, v in state.items() if k != "version"} == {
            k: v for k, v in revision.data.items() if k != "version"
        }
    newest = db.session.scalar(db.select(db.func.max(Revision.id)))
    assert newest > max(row[1] for row in revisions)
