"""Large imports are indexed in bulk, by default, and the index stays exact."""

from migratory.search import bulk
from migratory.search.services import check_index, get_backend, search_institutions

COUNTRIES = ("KZ", "KG", "UZ", "TJ", "AM", "GE")


def synthetic_csv(tmp_path, count: int, summary: str = "", name="rows.csv"):
    """`count` clearly synthetic rows (generated here, never committed)."""
    lines = ["name,category,country,summary"]
    lines += [
        f"Synthetic Test Observatory {n},academic,{COUNTRIES[n % 6]},{summary}"
        for n in range(count)
    ]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli_import(runner, path):
    result = runner.invoke(args=["inventory", "import", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_indexes_a_large_import_in_bulk(runner, app, tmp_path):
    count = bulk.BULK_FROM + 100
    output = cli_import(runner, synthetic_csv(tmp_path, count))
    assert "indexing" in output  # timed separately: the bulk path ran
    with app.app_context():
        assert get_backend().count() == count
        assert check_index(repair=False).ok
        page = search_institutions("observatory 417", {})
        assert page.hits[0].institution.name == "Synthetic Test Observatory 417"


def test_reimported_rows_replace_their_documents(runner, app, tmp_path):
    count = bulk.BULK_FROM + 10
    cli_import(runner, synthetic_csv(tmp_path, count))
    output = cli_import(runner, synthetic_csv(tmp_path, count, "Remittances", "b.csv"))
    assert f"{count} updated" in output
    with app.app_context():
        assert get_backend().count() == count  # replaced, not added twice
        assert check_index(repair=False).ok  # nothing stale
        assert search_institutions("remittances", {}).total == count


def test_bulk_indexing_follows_index_on_commit(runner, app, tmp_path):
    app.config["SEARCH_INDEX_ON_COMMIT"] = False
    cli_import(runner, synthetic_csv(tmp_path, bulk.BULK_FROM + 1))
    with app.app_context():
        assert get_backend().count() == 0
        assert len(check_index(repair=False).missing) == bulk.BULK_FROM + 1


def test_small_imports_are_indexed_too(runner, app, tmp_path):
    cli_import(runner, synthetic_csv(tmp_path, 3))
    with app.app_context():
        assert get_backend().count() == 3
        assert check_index(repair=False).ok
