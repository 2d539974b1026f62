"""core.tabular: CSV and XLSX from columns and rows, formula-safe, any script."""

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import Flask
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from openpyxl import load_workbook

from migratory.core.tabular import (
    CSV_TYPE,
    XLSX_TYPE,
    Column,
    defuse_formula,
    iter_csv,
    safe_sheet_title,
    tabular_response,
    undo_defuse,
    write_csv,
    write_table,
    write_xlsx,
)

COLUMNS = [Column("name", "Name"), Column("city", "Город"), Column("count", "Count")]
FORMULAS = [
    "=1+2",
    '=HYPERLINK("http://evil.example","click")',
    "@SUM(A1:A9)",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "-Negative start with letters",
]
HARMLESS = ["+7 727 123 45 67", "-12", "-0.5", "plain text", "a=b", ""]


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(body: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))


@pytest.fixture
def web():
    """A bare Flask application with Babel, for responses and lazy labels."""
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield app


@pytest.mark.parametrize("text", FORMULAS)
def test_formulas_are_defused_and_can_be_read_back(text):
    assert defuse_formula(text) == "'" + text
    assert undo_defuse(defuse_formula(text)) == text


@pytest.mark.parametrize("value", [*HARMLESS, 12, -3.5, None])
def test_harmless_values_are_left_alone(value):
    assert defuse_formula(value) == value


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_both_formats_defuse_every_formula_cell_and_the_headers(fmt):
    rows = [{"name": text, "city": text, "count": 1} for text in FORMULAS]
    columns = [Column("name", "=Name"), Column("city", "City"), ("count", "Count")]

    read = read_csv if fmt == "csv" else read_xlsx
    header, *body = read(write_table(fmt, columns, rows))

    assert list(header) == ["'=Name", "City", "Count"]
    for text, row in zip(FORMULAS, body, strict=True):
        assert list(row[:2]) == ["'" + text, "'" + text]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_keeps_unicode_numbers_and_empty_cells(fmt):
    rows = [
        {"name": "Агентство «Статистика»", "city": "Алматы", "count": 3},
        {"name": 'Көші-қон, "data"; policy', "city": None, "count": 0},
        {"name": "Ελληνική Στατιστική Αρχή", "city": "Αθήνα", "count": 12.5},
        {"name": "Line one\nline two", "count": -7},
    ]
    body = write_table(fmt, COLUMNS, rows)

    if fmt == "csv":
        header, *read = read_csv(body)
        expected = [[r["name"], r.get("city") or "", str(r["count"])] for r in rows]
    else:
        header, *read = read_xlsx(body)
        expected = [(r["name"], r.get("city"), r["count"]) for r in rows]
    assert list(header) == ["Name", "Город", "Count"]
    assert [list(row) for row in read] == [list(row) for row in expected]


def test_rows_may_be_sequences_in_the_columns_order():
    body = write_csv(COLUMNS, [["=A", "Bishkek", 2], ("Short",)])

    assert read_csv(body)[1:] == [["'=A", "Bishkek", "2"], ["Short", "", ""]]


def test_lists_dates_lazy_text_and_markup_become_plain_cells(web):
    rows = [
        {
            "name": Markup("<b>=bold</b>"),
            "city": ["Almaty", "Astana"],
            "count": date(2024, 5, 1),
        },
        {"name": _l("Country"), "city": ("=x",), "count": None},
    ]
    [_, first, second] = read_csv(write_csv(COLUMNS, rows))
    assert first == ["<b>=bold</b>", "Almaty;Astana", "2024-05-01"]
    assert second == ["Country", "'=x", ""]
    [_, first, second] = read_xlsx(write_xlsx(COLUMNS, rows))
    assert first[:2] == ("<b>=bold</b>", "Almaty;Astana")
    assert first[2].date() == date(2024, 5, 1)
    assert second == ("Country", "'=x", None)


def test_xlsx_takes_aware_times_as_utc_and_drops_what_xml_cannot_hold():
    almaty = timezone(timedelta(hours=5))
    rows = [{"name": "Bell\x07 and\x0bvertical tab", "city": "ok\tkept", "count": 1}]
    rows[0]["count"] = datetime(2024, 5, 1, 15, 30, tzinfo=almaty)

    [_, row] = read_xlsx(write_xlsx(COLUMNS, rows))

    assert row[:2] == ("Bell andvertical tab", "ok\tkept")
    assert row[2] == datetime(2024, 5, 1, 10, 30)
    assert read_csv(write_csv(COLUMNS, rows))[1][2] == "2024-05-01T15:30:00+05:00"


def test_sheet_titles_are_made_acceptable():
    workbook = load_workbook(io.BytesIO(write_xlsx(COLUMNS, [], sheet_title="Links")))
    assert workbook.sheetnames == ["Links"]
    assert (
        safe_sheet_title("Producers/users [KZ]: census?")
        == "Producers users  KZ   census"
    )
    assert len(safe_sheet_title("Статистика " * 10)) == 31
    assert safe_sheet_title("[]") == "Sheet1"


def test_csv_streams_in_pieces_and_equals_the_whole_file():
    rows = ({"name": f"Office {n}", "city": "Алматы", "count": n} for n in range(1201))
    pieces = list(iter_csv(COLUMNS, rows))

    assert len(pieces) == 4  # header, then chunks of 500 rows
    assert pieces[0] == "\ufeffName,Город,Count\r\n".encode()
    rows = ({"name": f"Office {n}", "city": "Алматы", "count": n} for n in range(1201))
    assert b"".join(pieces) == write_csv(COLUMNS, rows)


def test_csv_without_rows_has_its_header():
    assert read_csv(write_csv(COLUMNS, [])) == [["Name", "Город", "Count"]]


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        write_table("ods", COLUMNS, [])


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("csv", CSV_TYPE), ("xlsx", XLSX_TYPE)]
)
def test_response_is_a_named_download(web, fmt, content_type):
    rows = [{"name": "=1", "city": "Бишкек", "count": 2}]

    response = tabular_response(fmt, COLUMNS, rows, filename="network")

    assert response.headers["Content-Type"] == content_type
    assert (
        response.headers["Content-Disposition"] == f"attachment; filename=network.{fmt}"
    )
    body = response.get_data()
    header, row = read_csv(body) if fmt == "csv" else read_xlsx(body)
    assert list(row) == (
        ["'=1", "Бишкек", "2"] if fmt == "csv" else ["'=1", "Бишкек", 2]
    )


def test_a_csv_response_streams_and_a_workbook_gets_its_sheet_title(web):
    streamed = tabular_response("csv", COLUMNS, iter([]), filename="events")
    assert streamed.is_streamed
    workbook = tabular_response("xlsx", COLUMNS, [], filename="x", sheet_title="Events")
    assert load_workbook(io.BytesIO(workbook.get_data())).sheetnames == ["Events"]


def test_a_non_ascii_file_name_is_sent_both_ways(web):
    response = tabular_response("csv", COLUMNS, [], filename="Сеть-KZ")

    disposition = response.headers["Content-Disposition"]
    assert disposition == (
        "attachment; filename=-KZ.csv; filename*=UTF-8''%D0%A1%D0%B5%D1%82%D1%8C-KZ.csv"
    )


@pytest.mark.parametrize(
    "text", ["\t=1+2", "\tcmd|' /C calc'!A0", '\r=HYPERLINK("x")', "\rtext"]
)
def test_cells_starting_with_a_tab_or_carriage_return_are_defused(text):
    assert defuse_formula(text) == "'" + text
    assert undo_defuse(defuse_formula(text)) == text
    cell = read_xlsx(write_xlsx([("a", "A")], [{"a": text}]))[1][0]
    assert cell[0] == "'" and cell[2:] == text[1:]  # XML reads \r as \n
    body = write_csv([("a", "A")], [{"a": text}]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body, newline="")))[1] == ["'" + text]
