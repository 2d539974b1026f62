"""Imports reach the index after their commit; dry runs and failures never do."""

from migratory.inventory.importing import import_institutions
from migratory.search.services import check_index, get_backend, search_institutions

CSV = (
    "name,category,country,city,topics\n"
    "Almaty Labour Observatory,academic,KZ,Almaty,labour-migration\n"
    "Baku Remittance Monitor,non-profit,AZ,Baku,remittances\n"
)


def _import(tmp_path, text: str, **options):
    path = tmp_path / "rows.csv"
    path.write_text(text, encoding="utf-8")
    return import_institutions(path, max_bytes=1_000_000, **options)


def test_imported_rows_are_searchable(search_ctx, tmp_path):
    report = _import(tmp_path, CSV)
    assert report.created == 2
    assert get_backend().count() == 2
    page = search_institutions("remittance monitor", {})
    assert [hit.institution.name for hit in page.hits] == ["Baku Remittance Monitor"]


def test_dry_runs_and_rejected_files_are_not_indexed(search_ctx, tmp_path):
    assert _import(tmp_path, CSV, dry_run=True).created == 2
    bad = CSV + "Broken Row,government,XX,Nowhere,\n"
    assert not _import(tmp_path, bad).ok
    assert get_backend().count() == 0
    assert search_institutions("observatory", {}).total == 0


def test_without_index_on_commit_check_catches_up(search_ctx, tmp_path):
    search_ctx.config["SEARCH_INDEX_ON_COMMIT"] = False
    _import(tmp_path, CSV)
    assert get_backend().count() == 0
    assert len(check_index().missing) == 2
    assert search_institutions("observatory", {}).total == 1


def test_an_index_behind_an_archiving_never_shows_the_archived_entry(
    search_ctx, tmp_path
):
    """If the index missed an archiving (a failed update), the database decides."""
    from sqlalchemy import update

    from migratory.extensions import db
    from migratory.inventory.models import Institution
    from migratory.search.services import suggest_institutions

    _import(tmp_path, CSV)
    # Archived behind the index's back, as if its update had failed.
    db.session.execute(
        update(Institution)
        .where(Institution.name == "Baku Remittance Monitor")
        .values(status="archived")
    )
    db.session.commit()
    assert get_backend().count() == 2

    assert [h.institution.name for h in search_institutions("baku", {}).hits] == []
    assert [i.name for i in suggest_institutions("bak")] == []
    assert [i.name for i in suggest_institutions("alm")] == [
        "Almaty Labour Observatory"
    ]
