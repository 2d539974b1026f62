"""ROR dumps of the region: locations, lenient optional fields, newer dumps."""

import copy

from sqlalchemy import func, select

from migratory.core.history import Revision
from migratory.extensions import db
from migratory.inventory.importing import import_institutions
from migratory.inventory.models import Institution
from tests.inventory.ror_factory import ror_record, write_dump


def run(path, **options):
    return import_institutions(path, fmt="ror", max_bytes=2 * 1024 * 1024, **options)


def ror_import(tmp_path, records, name="dump.json", **options):
    return run(write_dump(tmp_path / name, records), **options)


def by_ror(ror_id: str) -> Institution:
    return db.session.scalar(
        select(Institution).where(Institution.ror_id == f"https://ror.org/{ror_id}")
    )


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Institution))


REGION = [
    ror_record("0statkz01", "Bureau of National Statistics", "KZ"),
    ror_record("0destat02", "Federal Statistical Office", "DE"),
]


def test_first_location_inside_the_region_is_taken(ctx, tmp_path):
    records = [
        *REGION,
        ror_record("0multi003", "Global Research Network", ["JP", "DE"]),
    ]
    report = ror_import(tmp_path, records)
    assert report.ok, report.errors
    assert report.created == 3
    network = by_ror("0multi003")
    assert (network.country_code, network.city) == ("DE", "Berlin")
    assert (network.latitude, network.longitude) == (52.52437, 13.41053)


def test_records_outside_the_region_are_counted_not_rejected(ctx, tmp_path):
    outside = ror_record("0indus004", "Indo-American Institute", ["IN", "JP"])
    nowhere = {**ror_record("0nowhe005", "Placeless Foundation"), "locations": []}
    report = ror_import(tmp_path, [*REGION, outside, nowhere])
    assert report.ok, report.errors
    assert not report.failed
    assert report.written
    assert (report.rows, report.created, report.outside_region) == (4, 2, 2)
    assert count() == 2


def test_ror_coordinates_have_city_precision(ctx, tmp_path):
    assert ror_import(tmp_path, REGION).ok
    office = by_ror("0destat02")
    assert (office.geo_source, office.geo_precision) == ("entered", "city")


def test_a_malformed_optional_field_is_left_out_with_a_warning(ctx, tmp_path):
    broken = ror_record("0broke006", "Migration Data Centre", "KZ", website="htp:/x")
    names = broken["names"] + [
        {"lang": "ru", "types": ["label"], "value": "Центр миграционных данных"},
        {"lang": "xx-Latn", "types": ["label"], "value": "Bad language tag"},
    ]
    report = ror_import(tmp_path, [*REGION, {**broken, "names": names}])
    assert report.ok, report.errors
    assert report.created == 3
    centre = by_ror("0broke006")
    assert centre.website is None
    assert centre.name_in("ru") == "Центр миграционных данных"
    assert sorted((w.row, w.field) for w in report.warnings) == [
        (3, "names.1.lang"),
        (3, "website"),
    ]
    assert all("Imported without it." in w.message for w in report.warnings)


def test_a_ror_record_without_a_usable_name_is_still_rejected(ctx, tmp_path):
    nameless = ror_record("0noname07", "x", "KZ")  # shorter than two letters
    report = ror_import(tmp_path, [*REGION, nameless])
    assert [(e.row, e.field) for e in report.errors] == [(3, "name")]
    assert report.failed
    assert count() == 0


def test_a_newer_dump_updates_by_ror_id_and_creates_nothing_twice(ctx, tmp_path):
    first = [
        *REGION,
        ror_record("0nsfeng01", "Directorate for Engineering", "US",
                   website="https://www.nsf.gov/dir/index.jsp?org=ENG"),
        ror_record("0merckf01", "Merck (France)", "FR", website="https://www.merck.com"),
    ]  # fmt: skip
    assert ror_import(tmp_path, first, "v1.json").created == 4
    ids = dict(db.session.execute(select(Institution.ror_id, Institution.id)).all())

    newer = copy.deepcopy(first)
    newer[0]["names"][0]["value"] = "Bureau of National Statistics of Kazakhstan"
    newer[1]["links"] = [{"type": "website", "value": "https://www.destatis.de/EN"}]
    newer[2]["status"] = "inactive"
    newer += [
        ror_record("0nsfbio02", "Directorate for Biological Sciences", "US",
                   website="https://www.nsf.gov/dir/index.jsp?org=BIO"),
        ror_record("0merckn03", "Merck (Netherlands)", "NL", website="https://www.merck.com"),
    ]  # fmt: skip
    report = ror_import(tmp_path, newer, "v2.json")

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (2, 3, 1)
    assert report.skipped == 0
    assert count() == 6
    db.session.expire_all()
    after = dict(db.session.execute(select(Institution.ror_id, Institution.id)).all())
    assert {k: after[k] for k in ids} == ids  # the same rows, updated in place
    assert by_ror("0statkz01").name == "Bureau of National Statistics of Kazakhstan"
    assert by_ror("0destat02").website == "https://www.destatis.de/EN"
    assert by_ror("0nsfeng01").status == "archived"
    assert by_ror("0statkz01").version == 2
    revisions = db.session.scalar(select(func.count(Revision.id)))
    assert revisions == 6 + 3

    again = ror_import(tmp_path, newer, "v2-again.json")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)


def test_an_import_with_address_precision_is_corrected_by_a_reimport(ctx, tmp_path):
    assert ror_import(tmp_path, REGION).ok
    office = by_ror("0destat02")
    office.geo_precision = "address"  # as imports before this fix stored it
    db.session.commit()
    report = ror_import(tmp_path, REGION, "again.json")
    assert report.updated == 1
    assert by_ror("0destat02").geo_precision == "city"


def test_cli_reports_records_outside_the_region(runner, app, tmp_path):
    outside = ror_record("0indus004", "Indo-American Institute", ["IN"])
    path = write_dump(tmp_path / "dump.json", [*REGION, outside])
    result = runner.invoke(args=["inventory", "import", "--format", "ror", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 rows read: 2 were created" in result.output
    assert "1 outside the region" in result.output
