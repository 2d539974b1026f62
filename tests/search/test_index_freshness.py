"""The index holds the database's latest state: ordered updates, rebuilds seen."""

import dataclasses
import threading

import pytest

from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.inventory.services import create_institution, update_institution
from migratory.search import registry
from migratory.search.documents import INSTITUTIONS, load_documents
from migratory.search.services import check_index, get_backend, search_institutions
from tests.conftest import institution_payload, make_test_app, wipe_inventory


def _save_name(app, slug: str, name: str, errors: list) -> None:
    """A save in its own app context, as a request in another thread would."""
    try:
        with app.app_context():
            update_institution(slug, {**institution_payload(), "name": name})
    except Exception as error:  # reported by the test, not lost in the thread
        errors.append(error)


def test_an_older_save_never_overwrites_a_newer_one(search_app, monkeypatch):
    """The first save reads its documents, then is held back; a second save of
    the same entry commits meanwhile. The old code wrote the first (older)
    state last, since it read before taking the index's writer lock."""
    with search_app.app_context():
        slug = create_institution(institution_payload(name="Original Bureau")).slug
    read_done, go = threading.Event(), threading.Event()

    def held_back_after_reading(ids, session):
        found = load_documents(ids, session)
        if threading.current_thread().name == "first":
            read_done.set()
            assert go.wait(30)
        return found

    held_back = dataclasses.replace(INSTITUTIONS, load=held_back_after_reading)
    monkeypatch.setitem(registry._KINDS, "institution", held_back)
    errors: list = []
    first = threading.Thread(
        target=_save_name,
        args=(search_app, slug, "Interim Bureau", errors),
        name="first",
    )
    second = threading.Thread(
        target=_save_name, args=(search_app, slug, "Final Bureau", errors)
    )
    first.start()
    assert read_done.wait(30)
    second.start()
    # The second save commits at once; its index update then waits for the
    # first one's lock (fixed) or, formerly, went through before it.
    second.join(timeout=1.5)
    go.set()
    first.join(timeout=60)
    second.join(timeout=60)
    assert not first.is_alive() and not second.is_alive()
    assert errors == []

    with search_app.app_context():
        assert db.session.scalar(db.select(Institution.name)) == "Final Bureau"
        found = search_institutions("final", {})
        assert [hit.institution.slug for hit in found.hits] == [slug]
        assert search_institutions("interim", {}).total == 0
        assert check_index(repair=False).ok


@pytest.fixture
def two_workers(request, tmp_path):
    """Two applications ("workers") on one database and one Whoosh index."""
    url_fixture = request.param
    url = request.getfixturevalue(url_fixture)
    index_dir = tmp_path / "index"
    apps = [make_test_app(url, index_dir) for _ in range(2)]
    yield apps
    apps[1].extensions["search"].close()
    wipe_inventory(apps[0])


@pytest.mark.parametrize("two_workers", ["sqlite_url", "postgresql_url"], indirect=True)
def test_a_rebuild_is_seen_by_every_worker_at_once(two_workers):
    """A rebuild restarts the generations: the other worker's cached searcher,
    opened at the same generation number, must still be replaced."""
    builder, reader = two_workers
    with builder.app_context():
        create_institution(institution_payload(name="First Bureau"))
    with reader.app_context():
        assert search_institutions("bureau", {}).total == 1
        assert check_index(repair=False).ok
    with builder.app_context():
        # Rows written behind the index's back, as a bulk import does ...
        builder.config["SEARCH_INDEX_ON_COMMIT"] = False
        for number in range(3):
            create_institution(
                institution_payload(
                    name=f"Imported Bureau {number}",
                    website=f"https://imported{number}.example.org",
                )
            )
        # ... then `flask search rebuild`.
        result = builder.test_cli_runner().invoke(args=["search", "rebuild"])
        assert result.exit_code == 0, result.output
        assert get_backend().count() == 4
    with reader.app_context():
        assert search_institutions("bureau", {}).total == 4
        assert search_institutions("imported", {}).total == 3
        assert get_backend().count() == 4
        assert check_index(repair=False).ok
