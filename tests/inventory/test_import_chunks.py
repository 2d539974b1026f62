"""Long imports: every row checked first, then written in committed chunks."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from migratory.extensions import db
from migratory.inventory import import_writing
from migratory.inventory.importing import import_institutions
from migratory.inventory.models import Institution

ROWS = [f"Office number {n},government,KZ" for n in range(1, 6)]


def csv_file(tmp_path, rows=ROWS, name="rows.csv"):
    path = tmp_path / name
    path.write_text("name,category,country\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def run(path, **options):
    return import_institutions(path, max_bytes=10**6, **options)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Institution))


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(import_writing, "CHUNK", 2)


@contextmanager
def seen_by_others_at_each_commit():
    """Counts of institutions another connection sees after each commit."""
    seen: list[int] = []

    def look(session):
        with db.engine.connect() as other:
            seen.append(other.scalar(select(func.count(Institution.id))))

    event.listen(Session, "after_commit", look)
    try:
        yield seen
    finally:
        event.remove(Session, "after_commit", look)


def test_rows_are_committed_chunk_by_chunk(ctx, tmp_path, small_chunks):
    with seen_by_others_at_each_commit() as seen:
        report = run(csv_file(tmp_path))
    assert report.written and report.created == 5
    # Other connections (the site's saves) get their turn between chunks.
    assert seen[:3] == [2, 4, 5]


def test_a_bad_last_row_means_no_chunk_is_written(ctx, tmp_path, small_chunks):
    rows = [*ROWS, "Office in nowhere,government,XX"]
    with seen_by_others_at_each_commit() as seen:
        report = run(csv_file(tmp_path, rows))
    assert [(e.row, e.field) for e in report.errors] == [(7, "country")]
    assert not report.written
    assert seen == []
    assert count() == 0


@pytest.fixture
def failing_insert(ctx):
    """The database refuses to insert 'Office number 4' (a real write failure)."""
    postgres = db.engine.dialect.name == "postgresql"
    statements = (
        [
            "CREATE FUNCTION import_boom() RETURNS trigger AS $$ BEGIN "
            "IF NEW.name = 'Office number 4' THEN RAISE EXCEPTION 'disk full'; "
            "END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER import_boom BEFORE INSERT ON institutions "
            "FOR EACH ROW EXECUTE FUNCTION import_boom()",
        ]
        if postgres
        else [
            "CREATE TRIGGER import_boom BEFORE INSERT ON institutions "
            "WHEN NEW.name = 'Office number 4' "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        ]
    )
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()

    def remove():
        db.session.rollback()
        if postgres:
            db.session.execute(
                text("DROP TRIGGER IF EXISTS import_boom ON institutions")
            )
            db.session.execute(text("DROP FUNCTION IF EXISTS import_boom()"))
        else:
            db.session.execute(text("DROP TRIGGER IF EXISTS import_boom"))
        db.session.commit()

    yield remove
    remove()


def test_a_write_failure_says_what_was_committed(
    ctx, tmp_path, small_chunks, failing_insert
):
    path = csv_file(tmp_path)
    report = run(path)
    assert report.failed and report.write_failed
    assert report.written  # the first chunks are in
    [problem] = report.errors
    assert problem.row == 0
    assert "Writing failed at row 4" in problem.message
    assert "disk full" in problem.message
    assert "2 of the 5 valid rows had been committed" in problem.message
    assert report.created == 2
    assert count() == 2

    failing_insert()
    again = run(path)
    assert again.ok, again.errors
    assert (again.created, again.unchanged) == (3, 2)
    assert count() == 5


def test_cli_write_failure_exits_non_zero(
    runner, app, tmp_path, small_chunks, failing_insert
):
    result = runner.invoke(args=["inventory", "import", str(csv_file(tmp_path))])
    assert result.exit_code == 1
    assert "2 of the 5 valid rows had been committed" in result.output
    assert "Nothing was written" not in result.output


def test_a_dry_run_undoes_each_chunk_and_counts_like_a_real_run(
    ctx, tmp_path, small_chunks, make_institution
):
    make_institution(name="Office number 2", website=None, category="academic")
    make_institution(name="Office number 5", website=None)
    rollbacks = []
    listener = lambda session, *args: rollbacks.append(1)  # noqa: E731
    event.listen(Session, "after_soft_rollback", listener)
    try:
        dry = run(csv_file(tmp_path), dry_run=True)
    finally:
        event.remove(Session, "after_soft_rollback", listener)
    # Each chunk gives the database back before the next is written.
    assert len(rollbacks) >= 3
    assert not dry.written
    assert count() == 2
    real = run(csv_file(tmp_path))
    counts = lambda r: (r.created, r.updated, r.unchanged)  # noqa: E731
    assert counts(dry) == counts(real) == (3, 1, 1)
