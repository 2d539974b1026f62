"""Whoosh specifics: searcher reuse, lock waits, leftovers of killed writers."""

import multiprocessing
import os

import pytest

from migratory.inventory.services import create_institution
from migratory.search.services import check_index, get_backend, search_institutions
from migratory.search.whoosh_backend import INDEX_NAME, WhooshBackend
from tests.conftest import institution_payload


@pytest.fixture
def whoosh(ctx):
    backend = get_backend()
    assert isinstance(backend, WhooshBackend)
    return backend


def test_searcher_is_reused_until_the_index_changes(whoosh):
    first = whoosh.searcher()
    assert whoosh.searcher() is first
    create_institution(institution_payload())
    second = whoosh.searcher()
    assert second is not first
    assert whoosh.searcher() is second
    assert second.doc_count() == 1


def _die_while_writing(directory: str) -> None:
    backend = WhooshBackend(directory)
    writer = backend._writer()
    writer.add_document(id="999", title="half written", country="KZ")
    os._exit(1)  # killed mid-write: no commit, no cancel


def test_a_killed_writer_leaves_the_lock_free_and_check_tidies(whoosh, tmp_path):
    create_institution(institution_payload())
    process = multiprocessing.get_context("spawn").Process(
        target=_die_while_writing, args=(str(whoosh.directory),)
    )
    process.start()
    process.join(timeout=60)
    assert process.exitcode == 1
    # The lock is free: a save goes through at once.
    create_institution(institution_payload(name="After the crash", website=None))
    # Leftovers Whoosh's own commit does not clear: other schema versions, and
    # segments of this one that no table of contents names.
    stray = whoosh.directory / f"{INDEX_NAME}_0123456789abcdef.seg"
    stray.write_bytes(b"left over")
    old = whoosh.directory / "_institutions_v0_7.toc"
    old.write_bytes(b"old schema")
    check = check_index()
    assert check.ok
    assert {stray.name, old.name} <= set(check.tidied)
    assert not stray.exists() and not old.exists()
    assert search_institutions("crash", {}).total == 1
    assert whoosh.count() == 2


def test_tidy_keeps_everything_in_use(whoosh):
    create_institution(institution_payload())
    before = sorted(p.name for p in whoosh.directory.iterdir())
    assert whoosh.tidy() == []
    assert sorted(p.name for p in whoosh.directory.iterdir()) == before
    assert search_institutions("agency", {}).total == 1
