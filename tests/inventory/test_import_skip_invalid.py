"""--skip-invalid: the valid rows are written, the rejected ones reported."""

import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from migratory.extensions import db
from migratory.inventory.importing import import_institutions
from migratory.inventory.models import Institution
from tests.inventory.ror_factory import ror_record, write_dump

HEADER = ["name", "category", "country", "website"]
ROWS = [
    ["Good Office", "government", "KZ", ""],
    ["Bad Country Office", "government", "XX", ""],
    ["Another Good Office", "academic", "KG", ""],
    ["Bad Category Office", "ministry", "AM", "not a url"],
]


def csv_file(tmp_path):
    lines = [",".join(HEADER)] + [",".join(row) for row in ROWS]
    path = tmp_path / "rows.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def json_file(tmp_path):
    items = [{k: v for k, v in zip(HEADER, row, strict=True) if v} for row in ROWS]
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def xlsx_file(tmp_path):
    workbook = Workbook()
    for row in [HEADER, *ROWS]:
        workbook.active.append([cell or None for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "rows.xlsx"
    path.write_bytes(buffer.getvalue())
    return path


FILES = {"csv": (csv_file, 2), "json": (json_file, 1), "xlsx": (xlsx_file, 2)}


def names() -> list[str]:
    return sorted(db.session.scalars(select(Institution.name)))


@pytest.mark.parametrize("fmt", list(FILES))
def test_skip_invalid_writes_the_valid_rows(ctx, tmp_path, fmt):
    make, first = FILES[fmt]
    report = import_institutions(make(tmp_path), max_bytes=10**6, skip_invalid=True)
    assert report.written
    assert not report.failed
    assert report.created == 2
    assert report.rejected == 2
    assert sorted({(e.row, e.field) for e in report.errors}) == [
        (first + 1, "country"),
        (first + 3, "category"),
        (first + 3, "website"),
    ]
    assert names() == ["Another Good Office", "Good Office"]


@pytest.mark.parametrize("fmt", list(FILES))
def test_without_skip_invalid_nothing_is_written(ctx, tmp_path, fmt):
    make, _ = FILES[fmt]
    report = import_institutions(make(tmp_path), max_bytes=10**6)
    assert report.failed
    assert not report.written
    assert report.rejected == 2
    assert names() == []


def test_skip_invalid_for_ror(ctx, tmp_path):
    records = [
        ror_record("0statkz01", "Bureau of National Statistics", "KZ"),
        {"id": "https://ror.org/0broke002"},  # not a record at all
        ror_record("0badid", "Office With A Bad Identifier", "KZ"),
    ]
    path = write_dump(tmp_path / "dump.json", records)
    report = import_institutions(path, fmt="ror", max_bytes=10**6, skip_invalid=True)
    assert [(e.row, e.field) for e in report.errors] == [(2, ""), (3, "ror_id")]
    assert (report.created, report.rejected) == (1, 2)
    assert names() == ["Bureau of National Statistics"]


def test_a_file_that_cannot_be_read_fails_even_with_skip_invalid(ctx, tmp_path):
    path = tmp_path / "rows.json"
    path.write_text("[{", encoding="utf-8")
    report = import_institutions(path, max_bytes=10**6, skip_invalid=True)
    assert report.failed
    assert not report.written


def test_cli_skip_invalid(runner, app, tmp_path):
    path = csv_file(tmp_path)
    result = runner.invoke(args=["inventory", "import", str(path), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "rejected: row 3, country: Unknown country code 'XX'." in result.output
    assert "4 rows read: 2 were created" in result.output
    assert "2 rejected" in result.output
    assert "The 2 rejected rows were not written." in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Institution.id))) == 2


def test_cli_without_skip_invalid_says_how_to_write_the_valid_rows(
    runner, app, tmp_path
):
    result = runner.invoke(args=["inventory", "import", str(csv_file(tmp_path))])
    assert result.exit_code == 1
    assert "Nothing was written" in result.output
    assert "--skip-invalid" in result.output
