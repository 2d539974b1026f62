"""Several processes share one Whoosh index: saves wait for the lock, never fail."""

import multiprocessing
import traceback

import pytest

from config import TestConfig
from migratory import create_app
from tests.conftest import institution_payload, make_test_app, wipe_inventory

SAVES_PER_WRITER = 25


def _writer(url: str, index_dir: str, tag: str, errors) -> None:
    """A worker process saving institutions as a person would, one by one."""
    from migratory.inventory.services import create_institution

    app = create_app(TestConfig(url, index_dir))
    try:
        with app.app_context():
            for number in range(SAVES_PER_WRITER):
                create_institution(
                    institution_payload(
                        name=f"Concurrent {tag} Office {number}",
                        acronym=None,
                        names=[],
                        website=f"https://{tag.lower()}{number}.example.org",
                    )
                )
    except Exception:
        errors.put(f"writer {tag}: {traceback.format_exc()}")


def _searcher(url: str, index_dir: str, stop, errors, searches) -> None:
    """A worker process searching while the others write."""
    from migratory.search.services import search_institutions

    app = create_app(TestConfig(url, index_dir))
    try:
        with app.app_context():
            while not stop.is_set():
                search_institutions("concurrent office", {})
                searches.value += 1
    except Exception:
        errors.put(f"searcher: {traceback.format_exc()}")


@pytest.mark.parametrize("url_fixture", ["sqlite_url", "postgresql_url"])
def test_two_writers_and_a_searcher(request, tmp_path, url_fixture):
    url = request.getfixturevalue(url_fixture)
    index_dir = str(tmp_path / "index")
    app = make_test_app(url, index_dir)  # creates the index before the workers
    spawn = multiprocessing.get_context("spawn")
    errors, stop, searches = spawn.Queue(), spawn.Event(), spawn.Value("i", 0)
    writers = [
        spawn.Process(target=_writer, args=(url, index_dir, tag, errors))
        for tag in ("A", "B")
    ]
    searcher = spawn.Process(
        target=_searcher, args=(url, index_dir, stop, errors, searches)
    )
    try:
        searcher.start()
        for process in writers:
            process.start()
        for process in writers:
            process.join(timeout=120)
        stop.set()
        searcher.join(timeout=30)
        problems = []
        while not errors.empty():
            problems.append(errors.get())
        assert problems == []
        assert all(p.exitcode == 0 for p in [*writers, searcher])
        assert searches.value > 0
        with app.app_context():
            from migratory.search.services import get_backend, search_institutions

            expected = 2 * SAVES_PER_WRITER
            page = search_institutions("concurrent", {"per_page": 100})
            assert page.total == expected
            assert get_backend().count() == expected
            from migratory.extensions import db
            from migratory.inventory.models import Institution

            assert db.session.query(Institution).count() == expected
    finally:
        for process in [*writers, searcher]:
            if process.is_alive():
                process.kill()
        wipe_inventory(app)
