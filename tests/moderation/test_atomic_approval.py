"""Approving a proposed new institution is one transaction: the entry, its
first revision, the decision and the audit entry are committed together, once,
or nothing of them is kept."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError

from migratory.extensions import db
from tests.conftest import institution_payload
from tests.moderation import MEMBER, SECRETARIAT

NEW_NAME = "Observatory of Labour Migration"


def person(email: str):
    from migratory.accounts.models import User

    return db.session.scalar(select(User).where(User.email == email))


@pytest.fixture
def new_proposal(app, make_user) -> int:
    """A member's pending proposal of a new institution."""
    from migratory.moderation.proposals import propose

    make_user(MEMBER)
    make_user(SECRETARIAT, role="secretariat")
    payload = institution_payload(name=NEW_NAME, website="https://olm.example.kz")
    with app.test_request_context():
        return propose(
            person(MEMBER), "institution", "new", None, payload, "Please add it"
        ).id


@contextmanager
def commits_counted():
    """The number of commits made by the app's sessions meanwhile."""
    made: list[int] = []

    def counted(session):
        made.append(1)

    event.listen(db.session, "after_commit", counted)
    try:
        yield made
    finally:
        event.remove(db.session, "after_commit", counted)


@contextmanager
def audit_log_refusing_writes():
    """A real failure of the audit write: the database refuses every insert."""
    if db.engine.dialect.name == "postgresql":
        create = [
            "CREATE FUNCTION audit_refused() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'audit log unavailable'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_entries "
            "FOR EACH ROW EXECUTE FUNCTION audit_refused()",
        ]
        drop = [
            "DROP TRIGGER audit_refused ON audit_entries",
            "DROP FUNCTION audit_refused()",
        ]
    else:
        create = [
            "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_entries "
            "BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END"
        ]
        drop = ["DROP TRIGGER audit_refused"]
    with db.engine.begin() as connection:
        for statement in create:
            connection.execute(text(statement))
    try:
        yield
    finally:
        db.session.rollback()
        with db.engine.begin() as connection:
            for statement in drop:
                connection.execute(text(statement))


def counts() -> dict[str, int]:
    from migratory.core.audit import AuditEntry
    from migratory.core.history import Revision
    from migratory.inventory.models import Institution
    from migratory.moderation.models import Proposal

    return {
        "institutions": db.session.scalar(select(func.count(Institution.id))),
        "revisions": db.session.scalar(select(func.count(Revision.id))),
        "audit": db.session.scalar(select(func.count(AuditEntry.id))),
        "pending": db.session.scalar(
            select(func.count(Proposal.id)).where(Proposal.status == "pending")
        ),
    }


def test_approving_a_new_institution_commits_once(app, new_proposal):
    from migratory.moderation.proposals import approve_proposal

    with app.test_request_context():
        before = counts()
        with commits_counted() as made:
            institution = approve_proposal(person(SECRETARIAT), new_proposal)
        assert institution.name == NEW_NAME
        assert len(made) == 1
        after = counts()
    assert after == {
        "institutions": before["institutions"] + 1,
        "revisions": before["revisions"] + 1,
        "audit": before["audit"] + 1,
        "pending": before["pending"] - 1,
    }


def test_failed_audit_write_leaves_nothing_of_the_approval(app, new_proposal):
    from migratory.inventory.models import Institution
    from migratory.moderation.models import Proposal
    from migratory.moderation.proposals import approve_proposal

    with app.test_request_context():
        before = counts()
        with audit_log_refusing_writes():
            with pytest.raises(DBAPIError):
                approve_proposal(person(SECRETARIAT), new_proposal)
        assert counts() == before
        assert db.session.scalar(select(Institution).filter_by(name=NEW_NAME)) is None
        assert db.session.get(Proposal, new_proposal).status == "pending"

        # Once the audit log takes writes again, the same approval goes through.
        approve_proposal(person(SECRETARIAT), new_proposal)
        assert counts()["institutions"] == before["institutions"] + 1


def test_secretariat_new_entry_commits_once(app, make_user):
    from migratory.moderation.proposals import create_or_propose

    make_user(SECRETARIAT, role="secretariat")
    with app.test_request_context():
        with commits_counted() as made:
            outcome, institution = create_or_propose(
                person(SECRETARIAT), "institution", institution_payload(name=NEW_NAME)
            )
    assert outcome == "saved" and len(made) == 1
