"""A real race against every moderation use case: a record is loaded in one
session, a second connection saves it meanwhile (its version moves), then the
use case writes: a Conflict (409 on the web), and nothing of it is written."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select, update

from migratory.core.errors import Conflict
from migratory.extensions import db
from tests.moderation import form_data, signed_in
from tests.network.data_source_helpers import (
    MEMBER,
    SECRETARIAT,
    add_data_source,
    build_network,
    counts,
    data_source,
    payload_for,
)

MEANWHILE = "Saved meanwhile by someone else"


@pytest.fixture
def slugs(app):
    return build_network(app)


@pytest.fixture
def source(app, slugs):
    """A published data source (revision 1)."""
    return add_data_source(app, slugs)


def person(email: str):
    from migratory.accounts.models import User

    return db.session.scalar(select(User).where(User.email == email))


def save_meanwhile(slug: str) -> None:
    """Another person's save, through a second connection, committed."""
    from migratory.network.models import DataSource

    with db.engine.begin() as connection:
        connection.execute(
            update(DataSource)
            .where(DataSource.slug == slug)
            .values(version=DataSource.version + 1, quality_note=MEANWHILE)
        )


def loaded(slug: str):
    """The data source, loaded in this session as a page would have it (the
    caller keeps it: the session holds its records only while they are used)."""
    from migratory.network.data_sources import get_data_source

    return get_data_source(slug)


def assert_nothing_written(app, slug: str, revisions: int = 1) -> None:
    saved = data_source(app, slug)
    assert (saved.quality_note, saved.status) == (MEANWHILE, "published")
    assert counts(app)[1] == revisions


def test_save_change_on_a_record_saved_meanwhile_is_a_conflict(app, slugs, source):
    from migratory.moderation.proposals import save_change

    with app.test_request_context():
        opened = loaded(source)
        save_meanwhile(source)
        with pytest.raises(Conflict, match="changed by someone else"):
            save_change(
                person(SECRETARIAT),
                "data_source",
                source,
                payload_for(slugs, quality_note="Mine"),
                expected_version=opened.version,
            )
    assert_nothing_written(app, source)


def test_archiving_a_record_saved_meanwhile_is_a_conflict(app, source):
    from migratory.moderation.upkeep import set_archived

    with app.test_request_context():
        opened = loaded(source)  # noqa: F841 (kept in the session)
        save_meanwhile(source)
        with pytest.raises(Conflict):
            set_archived(person(SECRETARIAT), "data_source", source, True)
    assert_nothing_written(app, source)


def test_restoring_a_revision_of_a_record_saved_meanwhile_is_a_conflict(
    app, slugs, source
):
    from migratory.moderation.proposals import save_change
    from migratory.moderation.upkeep import restore_revision

    with app.test_request_context():
        save_change(
            person(SECRETARIAT),
            "data_source",
            source,
            payload_for(slugs, latest_year=2022),
            expected_version=1,
        )
    with app.test_request_context():
        opened = loaded(source)  # noqa: F841 (kept in the session)
        save_meanwhile(source)
        with pytest.raises(Conflict):
            restore_revision(person(SECRETARIAT), "data_source", source, 1)
    assert_nothing_written(app, source, revisions=2)
    assert data_source(app, source).latest_year == 2022


def test_approving_a_proposal_on_a_record_saved_meanwhile_is_a_conflict(
    app, slugs, source
):
    from migratory.moderation.models import Proposal
    from migratory.moderation.proposals import approve_proposal, propose

    with app.test_request_context():
        ident = propose(
            person(MEMBER),
            "data_source",
            "change",
            source,
            payload_for(slugs, latest_year=2022),
        ).id
    with app.test_request_context():
        opened = loaded(source)  # noqa: F841 (kept in the session)
        save_meanwhile(source)
        with pytest.raises(Conflict):
            approve_proposal(person(SECRETARIAT), ident)
        db.session.expire_all()
        assert db.session.get(Proposal, ident).status == "pending"
    assert_nothing_written(app, source)
    assert data_source(app, source).latest_year == 2021


@contextmanager
def saved_meanwhile_before_the_write(slug: str):
    """Someone else saves the data source after the page loaded it and
    before its change reaches the database (at the first flush of a change)."""
    from migratory.network.models import DataSource

    happened: list[bool] = []

    def before_flush(session, _context, _instances):
        if not happened and any(isinstance(o, DataSource) for o in session.dirty):
            happened.append(True)
            save_meanwhile(slug)

    event.listen(db.session, "before_flush", before_flush)
    try:
        yield happened
    finally:
        event.remove(db.session, "before_flush", before_flush)


def test_a_web_edit_that_loses_the_race_is_a_409_form_with_a_message(app, source):
    secretariat = signed_in(app, SECRETARIAT)
    path = f"/data-sources/{source}/edit"
    data, _ = form_data(secretariat.get(path).get_data(as_text=True))
    data["quality_note"] = ["Mine"]
    with app.app_context(), saved_meanwhile_before_the_write(source) as happened:
        response = secretariat.post(path, data=data)
    assert happened
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'id="data-source-form"' in page
    assert "changed by someone else since you opened it" in page
    assert_nothing_written(app, source)
    # The form now carries the current version: saving again applies it.
    again, _ = form_data(page, "data-source-form")
    assert again["version"] == ["2"] and again["quality_note"] == ["Mine"]
    assert secretariat.post(path, data=again).status_code == 302
    assert data_source(app, source).quality_note == "Mine"
