"""An index update that fails after commit is queued and retried, not dropped."""

import multiprocessing
import time

import pytest

from migratory.core.jobs import huey
from migratory.inventory.services import create_institution
from migratory.search.services import check_index, get_backend, search_institutions
from tests.conftest import institution_payload, make_test_app, wipe_inventory

LOCK_TIMEOUT = 0.3  # seconds a save waits for the index lock in these tests


def _settings(tmp_path) -> dict:
    return {
        "JOBS_IMMEDIATE": False,
        "JOBS_DB": str(tmp_path / "jobs.db"),
        "SEARCH_LOCK_TIMEOUT": LOCK_TIMEOUT,
    }


def _consume(url: str, index_dir: str, settings: dict) -> None:
    """A real huey consumer on the queue's storage, as `make run` starts one."""
    make_test_app(url, index_dir, **settings)  # binds the queue to this app
    consumer = huey.create_consumer(
        workers=1, periodic=False, check_worker_health=False, max_delay=0.2
    )
    consumer.run()


def _wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.parametrize("url_fixture", ["sqlite_url", "postgresql_url"])
def test_an_update_blocked_by_the_index_lock_is_retried(request, tmp_path, url_fixture):
    """Another writer holds the Whoosh lock while a save commits, and still
    holds it at the job's first attempt; once it lets go, the retry indexes
    the entry. The old code only logged the failure."""
    url = request.getfixturevalue(url_fixture)
    index_dir = str(tmp_path / "index")
    app = make_test_app(url, index_dir, **_settings(tmp_path))
    consumer = multiprocessing.get_context("spawn").Process(
        target=_consume, args=(url, index_dir, _settings(tmp_path))
    )
    try:
        with app.app_context():
            other_writer = get_backend().ix.writer()  # holds the lock
            create_institution(institution_payload(name="Locked Out Bureau"))
            assert huey.pending_count() == 1  # queued, not dropped
            assert search_institutions("locked", {}).total == 0

            consumer.start()
            # The first attempt meets the same lock and is scheduled again.
            assert _wait_for(lambda: huey.scheduled_count() == 1)
            assert search_institutions("locked", {}).total == 0
            other_writer.cancel()

            assert _wait_for(lambda: search_institutions("locked", {}).total == 1)
            assert check_index(repair=False).ok
            assert huey.pending_count() == huey.scheduled_count() == 0
    finally:
        if consumer.pid is not None:
            consumer.kill()  # holds nothing a kill could spoil
            consumer.join(timeout=30)
        wipe_inventory(app)
