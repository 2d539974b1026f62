"""Export, wipe, import back: the same published institutions return."""

import io
import json
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from migratory.extensions import db
from migratory.inventory import queries
from migratory.inventory.exporting import export_institutions
from migratory.inventory.importing import import_institutions
from migratory.inventory.models import Institution
from migratory.inventory.services import institution_state
from tests.conftest import GEOGRAPHY_TABLES

MAX_BYTES = 40 * 1024 * 1024
IGNORED = ("slug", "created", "updated")
TRICKY = {
    "name": 'Centre "Migration, Data; Policy"',
    "acronym": "C,M;D",
    "names": [
        {"lang": "kk", "name": "Көші-қон деректері орталығы"},
        {"lang": "ru", "name": "Центр «Миграция, данные»"},
    ],
    "category": "non-profit",
    "summary": "=1+2 looks like a formula.\nSecond line with <b>HTML</b> & more.",
    "website": "https://data.example.kz/centre",
    "email": "info@data.example.kz",
    "phone": "+7 727 123 45 67",
    "address": "-12 Abay Avenue, floor 3",
    "city": "Алматы",
    "country": "KZ",
    "latitude": 43.238949,
    "longitude": 76.889709,
    "topics": ["diaspora", "remittances", "trafficking"],
    "roles": ["producer", "user"],
    "ror_id": "https://ror.org/0abcdef12",
    "last_verified": "2024-05-01T10:30:00+00:00",
}
BARE = {
    "name": "Bare Minimum Office",
    "acronym": None,
    "names": [],
    "summary": None,
    "website": None,
    "city": None,
    "country": "US",
    "latitude": None,
    "longitude": None,
    "topics": [],
    "roles": [],
    "category": "other",
}
FORMULAS = {
    "name": "@Formula Institute",
    "acronym": "+AB",
    "summary": "-Negative start with letters",
    "city": "=Town",
    "website": "https://formula.example.org",
    "country": "DE",
}


def state_key(state: dict) -> tuple[str, str]:
    return state["name"], state["country"]


def published_states() -> dict[tuple[str, str], dict]:
    """Serialized published institutions by name and country, without ids."""
    db.session.expire_all()
    states = {}
    for institution in queries.iter_institutions({}):
        state = institution_state(institution)
        for key in IGNORED:
            state.pop(key, None)
        states[state_key(state)] = state
    return states


def wipe() -> None:
    """Delete every institution and what hangs on it (revisions of any kind
    included); the geography stays."""
    db.session.expunge_all()
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in GEOGRAPHY_TABLES:
            db.session.execute(table.delete())
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Institution)) == 0


@pytest.fixture
def inventory(seeded, make_institution):
    """The seed plus entries that are hard to round-trip, and some not published."""
    make_institution(**TRICKY)
    make_institution(**BARE)
    make_institution(**FORMULAS)
    make_institution(name="Draft Office", status="draft", website=None, ror_id=None)
    make_institution(
        name="Archived Office", status="archived", website=None, country="KG"
    )
    return seeded


def test_inventory_fixture_is_what_the_round_trips_expect(inventory):
    with inventory.app_context():
        states = published_states()
        assert len(states) >= 150
        assert ("Draft Office", "KZ") not in states
        assert ("Archived Office", "KG") not in states
        total = db.session.scalar(select(func.count()).select_from(Institution))
        assert total == len(states) + 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_round_trip(inventory, tmp_path, fmt):
    with inventory.app_context():
        before = published_states()
        body = export_institutions(queries.iter_institutions({}), fmt)
        path = tmp_path / f"export.{fmt}"
        path.write_bytes(body)

        wipe()
        report = import_institutions(path, max_bytes=MAX_BYTES)

        assert report.ok, [str(e) for e in report.errors[:5]]
        assert not report.warnings, [str(w) for w in report.warnings]
        assert (report.rows, report.created, report.skipped) == (
            len(before),
            len(before),
            0,
        )
        after = published_states()
        assert set(after) == set(before)
        for key, state in before.items():
            assert after[key] == state, key
        total = db.session.scalar(select(func.count()).select_from(Institution))
        assert total == len(before)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_tricky_values_survive_the_round_trip(ctx, make_institution, tmp_path, fmt):
    make_institution(**TRICKY)
    make_institution(**FORMULAS)
    body = export_institutions(queries.iter_institutions({}), fmt)
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(body)
    wipe()
    report = import_institutions(path, max_bytes=MAX_BYTES)
    assert report.ok, [str(e) for e in report.errors]

    db.session.expire_all()
    tricky = db.session.scalar(
        select(Institution).where(Institution.ror_id == TRICKY["ror_id"])
    )
    assert tricky.name == TRICKY["name"]
    assert tricky.acronym == "C,M;D"
    assert tricky.summary == TRICKY["summary"]
    assert tricky.address == "-12 Abay Avenue, floor 3"
    assert tricky.phone == "+7 727 123 45 67"
    assert tricky.email == "info@data.example.kz"
    assert tricky.city == "Алматы"
    assert (tricky.latitude, tricky.longitude) == (43.238949, 76.889709)
    assert tricky.topics == ["diaspora", "remittances", "trafficking"]
    assert tricky.roles == ["producer", "user"]
    assert tricky.name_in("kk") == "Көші-қон деректері орталығы"
    assert tricky.name_in("ru") == "Центр «Миграция, данные»"
    assert tricky.last_verified == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    formulas = db.session.scalar(
        select(Institution).where(Institution.country_code == "DE")
    )
    assert formulas.name == "@Formula Institute"
    assert formulas.acronym == "+AB"
    assert formulas.summary == "-Negative start with letters"
    assert formulas.city == "=Town"


def test_spreadsheet_exports_defuse_formulas(ctx, make_institution):
    make_institution(**FORMULAS)
    csv_text = export_institutions(queries.iter_institutions({}), "csv").decode(
        "utf-8-sig"
    )
    assert "'@Formula Institute" in csv_text
    assert "'=Town" in csv_text
    assert "'-Negative start with letters" in csv_text
    workbook = load_workbook(
        io.BytesIO(export_institutions(queries.iter_institutions({}), "xlsx"))
    )
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["name"] == "'@Formula Institute"
    assert record["acronym"] == "'+AB"
    assert record["city"] == "'=Town"


def test_csv_export_is_utf8_with_bom(ctx, make_institution):
    make_institution(**TRICKY)
    body = export_institutions(queries.iter_institutions({}), "csv")
    assert body.startswith(b"\xef\xbb\xbf")
    assert "Алматы".encode() in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_reimporting_an_export_over_the_inventory_changes_nothing(
    inventory, tmp_path, fmt
):
    with inventory.app_context():
        before = published_states()
        path = tmp_path / f"export.{fmt}"
        path.write_bytes(export_institutions(queries.iter_institutions({}), fmt))
        report = import_institutions(path, max_bytes=MAX_BYTES)
        assert report.ok, [str(e) for e in report.errors[:5]]
        assert (report.created, report.updated) == (0, 0)
        assert report.unchanged == len(before)
        assert published_states() == before


def test_geojson(inventory, make_institution):
    with inventory.app_context():
        states = published_states()
        located = {
            key: s
            for key, s in states.items()
            if s["latitude"] is not None and s["longitude"] is not None
        }
        assert ("Bare Minimum Office", "US") in states
        assert ("Bare Minimum Office", "US") not in located

        body = export_institutions(queries.iter_institutions({}), "geojson")

    collection = json.loads(body)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == len(located)
    seen = set()
    for feature in features:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        properties = feature["properties"]
        assert "latitude" not in properties
        assert "longitude" not in properties
        assert properties["status"] == "published"
        key = (properties["name"], properties["country"])
        seen.add(key)
        assert [lon, lat] == [located[key]["longitude"], located[key]["latitude"]]
        assert -180 <= lon <= 180
        assert -90 <= lat <= 90
    assert seen == set(located)
    instat = next(
        f for f in features if f["properties"]["ror_id"] == "https://ror.org/05dgmz168"
    )
    assert instat["geometry"]["coordinates"] == [19.8187, 41.3275]
    names = {f["properties"]["name"] for f in features}
    assert "Draft Office" not in names
    assert "Archived Office" not in names


def test_cli_export_then_import(inventory, runner, tmp_path):
    with inventory.app_context():
        before = published_states()
    path = tmp_path / "export.json"

    result = runner.invoke(
        args=["inventory", "export", "--format", "json", "-o", str(path)]
    )

    assert result.exit_code == 0, result.output
    assert f"Wrote {path.stat().st_size} bytes to {path}." in result.output
    records = json.loads(path.read_text(encoding="utf-8"))
    assert len(records) == len(before)
    assert {r["status"] for r in records} == {"published"}
    assert "Draft Office" not in {r["name"] for r in records}

    with inventory.app_context():
        wipe()
    inventory.config["IMPORT_MAX_BYTES"] = MAX_BYTES
    result = runner.invoke(args=["inventory", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{len(before)} rows read: {len(before)} were created" in result.output
    with inventory.app_context():
        assert published_states() == before


def test_cli_export_csv_to_standard_output(inventory, runner):
    result = runner.invoke(args=["inventory", "export"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfslug,name,")
    assert "Institute of Statistics" in result.stdout
    assert "Draft Office" not in result.stdout
