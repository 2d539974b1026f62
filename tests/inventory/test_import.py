"""Import of institutions from CSV, XLSX, JSON and ROR files: all or nothing."""

import csv
import io
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from migratory.core.history import Revision
from migratory.extensions import db
from migratory.inventory.importing import import_institutions
from migratory.inventory.models import Institution
from migratory.inventory.vocab import ROR_TYPE_CATEGORY, ROR_TYPE_PRIORITY

MAX_BYTES = 2 * 1024 * 1024
HEADER = [
    "name",
    "name_ru",
    "name_kk",
    "acronym",
    "category",
    "country",
    "city",
    "website",
    "latitude",
    "longitude",
    "topics",
    "roles",
]
BNS = {
    "name": "Bureau of National Statistics",
    "name_ru": "Бюро национальной статистики",
    "name_kk": "Ұлттық статистика бюросы",
    "acronym": "BNS",
    "category": "government",
    "country": "KZ",
    "city": "Astana",
    "website": "https://stat.gov.kz",
    "latitude": "51.1694",
    "longitude": "71.4491",
    "topics": "migration-statistics;population-census",
    "roles": "producer",
}
MRC = {
    "name": "Migration Research Centre",
    "name_ru": "Центр миграционных исследований",
    "name_kk": "",
    "acronym": "MRC",
    "category": "academic",
    "country": "KG",
    "city": "Bishkek",
    "website": "https://mrc.example.kg",
    "latitude": "",
    "longitude": "",
    "topics": "labour-migration;remittances;diaspora",
    "roles": "user;producer",
}


def make_csv(rows: list[dict], delimiter: str = ",", header=None) -> str:
    """CSV text with a header line; every row written through the csv module."""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=header or HEADER, delimiter=delimiter, lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def make_xlsx(rows: list[list]) -> bytes:
    """A one-sheet workbook of `rows` (the first is the header)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(tmp_path: Path, name: str, content, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(
        content if isinstance(content, bytes) else content.encode(encoding)
    )
    return path


def run(path: Path, **options):
    options.setdefault("max_bytes", MAX_BYTES)
    return import_institutions(path, **options)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Institution))


def named(name: str) -> Institution:
    institution = db.session.scalar(select(Institution).where(Institution.name == name))
    assert institution is not None, f"{name!r} was not imported"
    return institution


def assert_sample_imported(
    report, with_kazakh: bool = True, cities=("Astana", "Bishkek")
) -> None:
    """BNS and MRC are in the inventory with every field as given."""
    assert report.ok, report.errors
    assert report.written
    assert (report.rows, report.created, report.updated) == (2, 2, 0)
    assert count() == 2
    bns = named("Bureau of National Statistics")
    assert bns.acronym == "BNS"
    assert bns.category == "government"
    assert bns.country_code == "KZ"
    assert bns.city == cities[0]
    assert bns.website == "https://stat.gov.kz"
    assert (bns.latitude, bns.longitude) == (51.1694, 71.4491)
    assert bns.topics == ["migration-statistics", "population-census"]
    assert bns.roles == ["producer"]
    assert bns.name_in("ru") == "Бюро национальной статистики"
    if with_kazakh:
        assert bns.name_in("kk") == "Ұлттық статистика бюросы"
    mrc = named("Migration Research Centre")
    assert mrc.category == "academic"
    assert mrc.country_code == "KG"
    assert mrc.city == cities[1]
    # Written without coordinates: placed by the offline gazetteer at its city.
    assert (mrc.geo_source, mrc.geo_precision) == ("gazetteer", "city")
    assert (round(mrc.latitude), round(mrc.longitude)) == (43, 75)  # Bishkek
    assert bns.geo_source == "entered"
    assert mrc.topics == ["diaspora", "labour-migration", "remittances"]
    assert mrc.roles == ["producer", "user"]
    assert mrc.name_in("ru") == "Центр миграционных исследований"
    assert mrc.name_in("kk") is None
    assert [n.lang for n in mrc.names] == ["ru"]


def errors_of(report) -> list[tuple[int, str, str]]:
    return [(e.row, e.field, e.message) for e in report.errors]


def assert_nothing_written(report) -> None:
    assert not report.ok
    assert not report.written
    assert report.created == report.updated == 0
    assert count() == 0
    assert db.session.scalar(select(func.count(Revision.id))) == 0


# --- formats -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "filename"),
    [(",", "in.csv"), (";", "in.csv"), ("\t", "in.tsv"), ("\t", "in.txt")],
)
def test_csv_with_each_delimiter(ctx, tmp_path, delimiter, filename):
    path = write(tmp_path, filename, make_csv([BNS, MRC], delimiter))
    assert_sample_imported(run(path))


def test_csv_topics_and_roles_split_on_semicolon_in_comma_file(ctx, tmp_path):
    text = (
        "name,category,country,topics,roles\n"
        "Stat Office,government,KZ,remittances; diaspora ;remittances,user;producer\n"
    )
    report = run(write(tmp_path, "in.csv", text))
    assert report.ok, report.errors
    office = named("Stat Office")
    assert office.topics == ["diaspora", "remittances"]
    assert office.roles == ["producer", "user"]


def test_csv_with_crlf_line_ends(ctx, tmp_path):
    text = make_csv([BNS, MRC]).replace("\n", "\r\n")
    assert_sample_imported(run(write(tmp_path, "in.csv", text)))


def test_xlsx(ctx, tmp_path):
    rows = [HEADER]
    for record in (BNS, MRC):
        row = [record[c] or None for c in HEADER]
        row[HEADER.index("latitude")] = float(record["latitude"] or 0) or None
        row[HEADER.index("longitude")] = float(record["longitude"] or 0) or None
        rows.append(row)
    path = write(tmp_path, "in.xlsx", make_xlsx(rows))
    assert_sample_imported(run(path))


def test_xlsx_skips_empty_rows_and_numbers_rows_from_the_header(ctx, tmp_path):
    rows = [
        ["name", "category", "country"],
        ["Stat Office", "government", "KZ"],
        [None, None, None],
        ["Bad Office", "government", "XX"],
    ]
    report = run(write(tmp_path, "in.xlsx", make_xlsx(rows)))
    assert errors_of(report) == [(4, "country", "Unknown country code 'XX'.")]
    assert_nothing_written(report)


def json_records() -> list[dict]:
    records = []
    for record in (BNS, MRC):
        item = {k: v for k, v in record.items() if v and not k.startswith("name_")}
        item["names"] = [
            {"lang": lang, "name": record[f"name_{lang}"]}
            for lang in ("ru", "kk")
            if record[f"name_{lang}"]
        ]
        item["topics"] = record["topics"].split(";")
        item["roles"] = record["roles"].split(";")
        if item.get("latitude"):
            item["latitude"] = float(item["latitude"])
            item["longitude"] = float(item["longitude"])
        records.append(item)
    return records


@pytest.mark.parametrize("wrap", [False, True], ids=["array", "object"])
def test_json(ctx, tmp_path, wrap):
    data = {"institutions": json_records()} if wrap else json_records()
    path = write(tmp_path, "in.json", json.dumps(data, ensure_ascii=False))
    assert_sample_imported(run(path))


def test_format_option_overrides_the_extension(ctx, tmp_path):
    path = write(tmp_path, "institutions.dat", json.dumps(json_records()))
    assert_sample_imported(run(path, fmt="json"))


def test_unknown_extension_is_refused(ctx, tmp_path):
    report = run(write(tmp_path, "in.dat", make_csv([BNS])))
    assert "format" in report.errors[0].message
    assert_nothing_written(report)


# --- encodings -----------------------------------------------------------------

CYRILLIC_ROWS = [{**BNS, "name_kk": "", "city": "Астана"}, {**MRC, "city": "Бишкек"}]


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp1251", "utf-16"], ids=str
)
def test_encodings_keep_cyrillic(ctx, tmp_path, encoding):
    text = make_csv(CYRILLIC_ROWS, ";")
    path = write(tmp_path, "in.csv", text, encoding)
    report = run(path)
    assert_sample_imported(report, with_kazakh=False, cities=("Астана", "Бишкек"))


def test_bom_does_not_become_part_of_the_first_column(ctx, tmp_path):
    path = write(
        tmp_path, "in.csv", "name,category,country\nOffice,other,KZ\n", "utf-8-sig"
    )
    report = run(path)
    assert report.ok, report.errors
    assert not report.warnings
    assert named("Office").country_code == "KZ"


def test_cp1251_json(ctx, tmp_path):
    data = json.dumps(
        [{"name": "Росстат", "category": "government", "country": "RU"}],
        ensure_ascii=False,
    )
    report = run(write(tmp_path, "in.json", data, "cp1251"))
    assert report.ok, report.errors
    assert named("Росстат").country_code == "RU"


ZURICH = "name,city,category,country\nUniversität Zürich,Zürich,academic,CH\n"
GENEVE = "name,city,category,country\nÉcole de Genève,Genève,academic,CH\n"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        pytest.param(
            ZURICH.encode("latin-1"),
            "encoding",
            id="latin-1",
        ),
        pytest.param(
            GENEVE.encode("latin-1"),
            "encoding",
            id="latin-1-french",
        ),
        pytest.param(
            "name,category,country\nBureau,government,KZ\n".encode("utf-16-le"),
            "binary",
            id="utf-16-without-bom",
        ),
        pytest.param(
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary", id="binary-junk"
        ),
        pytest.param(
            b"name,category,country\n" + bytes(range(0x80, 0x100)) * 4,
            "encoding",
            id="undecodable-junk",
        ),
    ],
)
def test_unrecognised_encodings_are_refused(ctx, tmp_path, content, fragment):
    report = run(write(tmp_path, "in.csv", content))
    assert len(report.errors) == 1
    message = report.errors[0].message
    assert fragment in message
    assert "UTF-8" in message
    assert_nothing_written(report)


# --- ROR -----------------------------------------------------------------------


@pytest.fixture
def ror_sample(shared_data) -> Path:
    return shared_data / "ror" / "ror_sample.json"


def expected_ror_category(types: list[str]) -> str:
    """Our mapping, restated: education and facilities are academic."""
    mapping = {
        "government": "government",
        "education": "academic",
        "facility": "academic",
        "nonprofit": "non-profit",
    }
    for ror_type in ("government", "education", "facility", "nonprofit"):
        if ror_type in types:
            return mapping[ror_type]
    return "other"


def test_ror_sample_imports_every_record(ctx, ror_sample):
    records = json.loads(ror_sample.read_text(encoding="utf-8"))
    assert len(records) == 543
    report = run(ror_sample, fmt="ror", max_bytes=40 * 1024 * 1024)
    assert report.ok, report.errors[:5]
    assert (report.rows, report.created, report.skipped) == (543, 543, 0)
    assert not report.warnings
    assert count() == 543
    assert sum(report.categories.values()) == 543
    expected = Counter(expected_ror_category(r["types"]) for r in records)
    assert report.categories == expected
    assert report.categories == Counter(
        {"academic": 388, "government": 103, "non-profit": 43, "other": 9}
    )
    stored = Counter(db.session.scalars(select(Institution.category)))
    assert stored == expected
    ror_ids = set(db.session.scalars(select(Institution.ror_id)))
    assert ror_ids == {r["id"] for r in records}


def test_ror_vocabulary_mapping_is_as_documented():
    assert ROR_TYPE_CATEGORY["education"] == "academic"
    assert ROR_TYPE_CATEGORY["government"] == "government"
    assert ROR_TYPE_CATEGORY["nonprofit"] == "non-profit"
    for other in ("company", "healthcare", "archive", "funder", "other"):
        assert ROR_TYPE_CATEGORY[other] == "other"
    assert ROR_TYPE_PRIORITY[0] == "government"


def by_ror(ror_id: str) -> Institution:
    institution = db.session.scalar(
        select(Institution).where(Institution.ror_id == ror_id)
    )
    assert institution is not None, ror_id
    return institution


def test_ror_records_are_mapped_field_by_field(ctx, ror_sample):
    report = run(ror_sample, fmt="ror", max_bytes=40 * 1024 * 1024)
    assert report.ok, report.errors[:5]

    instat = by_ror("https://ror.org/05dgmz168")
    assert instat.name == "Institute of Statistics"
    assert instat.acronym == "INSTAT"
    assert instat.category == "government"
    assert instat.website == "https://www.instat.gov.al"
    assert (instat.city, instat.country_code) == ("Tirana", "AL")
    assert (instat.latitude, instat.longitude) == (41.32744, 19.81866)
    assert instat.status == "published"
    assert instat.summary is None
    assert instat.topics == []

    aspu = by_ror("https://ror.org/03zhk3020")
    assert aspu.name == "Armenian State Pedagogical University after Khachatur Abovian"
    assert aspu.acronym == "ASPU"
    assert aspu.category == "academic"
    assert aspu.name_in("hy") == "Հայկական պետական մանկավարժական համալսարան"

    bsu = by_ror("https://ror.org/021036w13")  # education + funder
    assert bsu.category == "academic"
    assert bsu.name_in("ru") == "Белорусский государственный университет"
    assert bsu.name_in("be") == "Беларускі дзяржаўны ўніверсітэт"

    assert by_ror("https://ror.org/01fh9nm31").category == "non-profit"
    assert by_ror("https://ror.org/02ahw0w11").category == "non-profit"  # + funder
    assert by_ror("https://ror.org/04mczx267").category == "government"  # + funder
    assert by_ror("https://ror.org/027m8zy97").category == "government"  # + facility
    assert by_ror("https://ror.org/03rvt2327").category == "other"  # company
    assert by_ror("https://ror.org/00x5wnx94").category == "other"  # other

    # Display name in Azerbaijani: the English label is the name, az kept.
    csrsi = by_ror("https://ror.org/036t4vm52")
    assert csrsi.name == "The Centre of Scientific Research and Statistical Innovations"
    assert csrsi.name_in("az") == "Elmi-Tədqiqat və Statistik İnnovasiyalar Mərkəzi"


def test_ror_reimport_changes_nothing(ctx, ror_sample):
    assert run(ror_sample, fmt="ror", max_bytes=40 * 1024 * 1024).created == 543
    versions = dict(
        db.session.execute(select(Institution.id, Institution.version)).all()
    )
    again = run(ror_sample, fmt="ror", max_bytes=40 * 1024 * 1024)
    assert again.ok, again.errors[:5]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 543)
    assert count() == 543
    db.session.expire_all()
    after = db.session.execute(select(Institution.id, Institution.version))
    assert dict(after.all()) == versions
    assert db.session.scalar(select(func.count(Revision.id))) == 543


def test_ror_import_after_seed_updates_seed_entries(seeded, ror_sample):
    with seeded.app_context():
        seed = {
            i.ror_id: (i.id, i.summary, i.topics, i.roles)
            for i in db.session.scalars(
                select(Institution).where(Institution.ror_id.is_not(None))
            )
        }
        before = count()
        assert len(seed) >= 20
        assert all(summary for _, summary, _, _ in seed.values())

        report = run(ror_sample, fmt="ror", max_bytes=40 * 1024 * 1024)

        assert report.ok, report.errors[:5]
        assert report.updated + report.unchanged >= len(seed)
        assert report.created + report.updated + report.unchanged == 543
        assert count() == before + report.created
        for ror_id, (ident, summary, topics, roles) in seed.items():
            rows = db.session.scalars(
                select(Institution).where(Institution.ror_id == ror_id)
            ).all()
            assert [i.id for i in rows] == [ident], ror_id
            assert rows[0].summary == summary
            assert rows[0].topics == topics
            assert rows[0].roles == roles
        names = db.session.scalars(
            select(Institution.name_key + "|" + Institution.country_code)
        ).all()
        assert len(names) == len(set(names))


def test_ror_via_cli(runner, ror_sample, app):
    app.config["IMPORT_MAX_BYTES"] = 40 * 1024 * 1024
    result = runner.invoke(
        args=["inventory", "import", "--format", "ror", str(ror_sample)]
    )
    assert result.exit_code == 0, result.output
    assert "543 rows read: 543 were created" in result.output
    assert "academic: 388" in result.output
    with app.app_context():
        assert count() == 543


def test_ror_file_that_is_not_ror(ctx, tmp_path):
    path = write(tmp_path, "ror.json", json.dumps([{"name": "x"}, "y"]))
    report = run(path, fmt="ror")
    assert [(e.row, e.message) for e in report.errors] == [
        (1, "Not a ROR v2 record."),
        (2, "Not a ROR v2 record."),
    ]
    assert_nothing_written(report)


# --- upsert --------------------------------------------------------------------


def test_reimporting_the_same_csv_changes_nothing(ctx, tmp_path):
    path = write(tmp_path, "in.csv", make_csv([BNS, MRC]))
    assert run(path).created == 2
    again = run(path)
    assert again.ok, again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert count() == 2
    assert db.session.scalar(select(func.count(Revision.id))) == 2
    assert named("Bureau of National Statistics").version == 1


def assert_updated_once(report, institution_name: str) -> Institution:
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert count() == 1
    institution = named(institution_name)
    assert institution.version == 2
    assert [r.number for r in institution.revisions] == [1, 2]
    assert institution.revisions[1].source == "import"
    assert institution.revisions[1].data["name"] == institution_name
    return institution


@pytest.mark.parametrize("ror_id", ["05dgmz168", "https://ror.org/05dgmz168"])
def test_row_matching_by_ror_id_updates(ctx, tmp_path, make_institution, ror_id):
    make_institution(
        name="Institute of Statistics",
        country="AL",
        website=None,
        ror_id="https://ror.org/05dgmz168",
    )
    text = (
        "name,category,country,ror_id,summary\n"
        f"INSTAT Albania,government,AL,{ror_id},Albania's statistical office.\n"
    )
    institution = assert_updated_once(
        run(write(tmp_path, "in.csv", text)), "INSTAT Albania"
    )
    assert institution.summary == "Albania's statistical office."
    assert institution.ror_id == "https://ror.org/05dgmz168"


@pytest.mark.parametrize(
    "website",
    [
        "https://stat.example.org",
        "http://www.stat.example.org/",
        "www.stat.example.org",
        "stat.example.org/",
        "HTTPS://WWW.Stat.Example.ORG",
    ],
)
def test_row_with_the_same_name_and_website_updates(
    ctx, tmp_path, make_institution, website
):
    make_institution(website="https://stat.example.org")
    text = (
        "name,category,country,website,summary\n"
        f"Agency for Migration Statistics,government,KZ,{website},Updated.\n"
    )
    report = run(write(tmp_path, "in.csv", text))
    assert_updated_once(report, "Agency for Migration Statistics")
    assert not report.possible_duplicates


@pytest.mark.parametrize(
    ("existing", "incoming"),
    [
        ("Agency for Migration Statistics", "AGENCY FOR MIGRATION STATISTICS"),
        ("Agency for Migration Statistics", "Agency for Migration-Statistics."),
        ("Agence générale de la statistique", "Agence Generale de la Statistique"),
        ("Institut für Migrationsforschung", "Institut fur Migrationsforschung!"),
    ],
)
def test_row_matching_by_name_and_country_updates(
    ctx, tmp_path, make_institution, existing, incoming
):
    make_institution(name=existing, website=None)
    text = f'name,category,country,summary\n"{incoming}",academic,KZ,Updated.\n'
    institution = assert_updated_once(run(write(tmp_path, "in.csv", text)), incoming)
    assert institution.category == "academic"
    assert institution.summary == "Updated."
    # The fields the row leaves out are kept.
    assert institution.topics == ["labour-migration", "migration-statistics"]
    assert institution.name_in("ru") == "Агентство миграционной статистики"


def test_same_name_in_another_country_is_a_new_institution(
    ctx, tmp_path, make_institution
):
    make_institution(website=None)
    text = "name,category,country\nAgency for Migration Statistics,government,KG\n"
    report = run(write(tmp_path, "in.csv", text))
    assert (report.created, report.updated) == (1, 0)
    assert count() == 2


HOME_OFFICE = "https://www.gov.uk/government/organisations/home-office"
ONS = "https://www.gov.uk/government/organisations/office-for-national-statistics"


def test_bodies_on_one_portal_are_not_merged(ctx, tmp_path, make_institution):
    make_institution(name="Home Office", country="GB", website=HOME_OFFICE)
    text = (
        "name,category,country,website\n"
        f"Office for National Statistics,government,GB,{ONS}\n"
    )
    report = run(write(tmp_path, "in.csv", text))
    assert report.ok, report.errors
    assert (report.created, report.updated) == (1, 0)
    assert count() == 2
    assert named("Home Office").website == HOME_OFFICE
    assert named("Home Office").version == 1
    assert named("Office for National Statistics").website == ONS


def test_bodies_on_one_portal_in_one_file_are_both_created(ctx, tmp_path):
    text = (
        "name,category,country,website\n"
        f"Home Office,government,GB,{HOME_OFFICE}\n"
        f"Office for National Statistics,government,GB,{ONS}\n"
    )
    report = run(write(tmp_path, "in.csv", text))
    assert report.ok, report.errors
    assert (report.created, report.skipped) == (2, 0)
    assert not report.warnings


def test_portal_path_with_trailing_slash_matches(ctx, tmp_path, make_institution):
    make_institution(name="Home Office", country="GB", website=HOME_OFFICE)
    text = f"name,category,country,website\nHome Office,government,GB,{HOME_OFFICE}/\n"
    assert_updated_once(run(write(tmp_path, "in.csv", text)), "Home Office")


# --- all or nothing ------------------------------------------------------------

GOOD = {"name": "Good Office", "category": "government", "country": "KZ"}
COLUMNS = [
    "name",
    "category",
    "country",
    "website",
    "email",
    "latitude",
    "longitude",
    "topics",
    "roles",
]


@pytest.mark.parametrize(
    ("bad", "field", "fragment"),
    [
        ({"country": "XX"}, "country", "Unknown country code 'XX'"),
        ({"category": "ngo"}, "category", "Must be one of"),
        ({"topics": "migration-statistics;knitting"}, "topics", "Must be one of"),
        ({"roles": "boss"}, "roles", "Must be one of"),
        ({"website": "not a url"}, "website", "Not a valid URL"),
        ({"website": "ftp://files.example.org"}, "website", "Not a valid URL"),
        ({"email": "not-an-email"}, "email", "Not a valid email"),
        ({"latitude": "91", "longitude": "10"}, "latitude", "90"),
        ({"latitude": "45", "longitude": "181"}, "longitude", "180"),
        ({"latitude": "45"}, "latitude", "both latitude and longitude"),
        ({"latitude": "north", "longitude": "10"}, "latitude", "Not a valid number"),
        ({"name": ""}, "name", "Missing data"),
        ({"name": "x" * 301}, "name", "300"),
    ],
)
def test_one_bad_csv_row_rejects_the_file(ctx, tmp_path, bad, field, fragment):
    rows = [
        {**GOOD, "name": "First Good Office"},
        {**GOOD, "name": "Bad Office", **bad},
        {**GOOD, "name": "Last Good Office"},
    ]
    report = run(write(tmp_path, "in.csv", make_csv(rows, header=COLUMNS)))
    assert report.errors, "the bad row was accepted"
    assert {e.row for e in report.errors} == {3}
    assert any(
        e.field.split(".")[0] == field and fragment in e.message for e in report.errors
    ), errors_of(report)
    assert f"row 3, {field}" in str(report.errors[0])
    assert report.rows == 3
    assert_nothing_written(report)


def test_csv_row_numbers_are_line_numbers(ctx, tmp_path):
    text = (
        "name,category,country,summary\n"
        'First Office,government,KZ,"Line one\nline two"\n'
        "\n"
        "Bad Office,government,XX,\n"
    )
    report = run(write(tmp_path, "in.csv", text))
    assert errors_of(report) == [(5, "country", "Unknown country code 'XX'.")]
    assert_nothing_written(report)


def test_more_cells_than_header_columns(ctx, tmp_path):
    text = (
        "name,category,country\n"
        "Good Office,government,KZ\n"
        "Bad Office,government,KZ,extra\n"
    )
    report = run(write(tmp_path, "in.csv", text))
    assert errors_of(report) == [(3, "", "More cells than header columns.")]
    assert_nothing_written(report)


def test_xlsx_cells_beyond_the_header_are_not_silently_dropped(ctx, tmp_path):
    rows = [
        ["name", "category", "country"],
        ["Good Office", "government", "KZ"],
        ["Bad Office", "government", "KZ", "extra"],
    ]
    report = run(write(tmp_path, "in.xlsx", make_xlsx(rows)))
    assert [(e.row, e.field) for e in report.errors] == [(3, "")], (
        "a cell with no header column was dropped without a word"
    )
    assert_nothing_written(report)


def test_one_bad_json_item_rejects_the_file(ctx, tmp_path):
    items = [
        {**GOOD, "name": "First"},
        {**GOOD, "name": "Second", "country": "XX", "email": "nope"},
        {**GOOD, "name": "Third"},
    ]
    report = run(write(tmp_path, "in.json", json.dumps(items)))
    assert sorted(errors_of(report)) == [
        (2, "country", "Unknown country code 'XX'."),
        (2, "email", "Not a valid email address."),
    ]
    assert_nothing_written(report)


def test_json_nested_errors_name_the_path(ctx, tmp_path):
    items = [{**GOOD, "names": [{"lang": "russian", "name": "Офис"}]}]
    report = run(write(tmp_path, "in.json", json.dumps(items)))
    assert errors_of(report) == [(1, "names.0.lang", "Not a language code.")]
    assert_nothing_written(report)


def test_malformed_json_names_line_and_column(ctx, tmp_path):
    text = '[\n {"name": "Office", "category": "government",\n  "country": KZ}\n]'
    report = run(write(tmp_path, "in.json", text))
    assert len(report.errors) == 1
    message = report.errors[0].message
    assert "not valid JSON" in message
    assert "line 3" in message
    assert "column 14" in message
    assert_nothing_written(report)


@pytest.mark.parametrize(
    "data", [{"name": "Office"}, "Office", 42, None, {"institutions": "x"}]
)
def test_json_that_is_not_an_array(ctx, tmp_path, data):
    report = run(write(tmp_path, "in.json", json.dumps(data)))
    assert [e.message for e in report.errors] == [
        "Expected a JSON array of institutions."
    ]
    assert_nothing_written(report)


@pytest.mark.parametrize("item", ["Office", 42, None, ["Office"]])
def test_json_item_that_is_not_an_object(ctx, tmp_path, item):
    report = run(write(tmp_path, "in.json", json.dumps([GOOD, item])))
    assert errors_of(report) == [(2, "", "Expected an object.")]
    assert_nothing_written(report)


@pytest.mark.parametrize(
    "text",
    [
        "title,category,country\nOffice,government,KZ\n",
        "Office,government,KZ\n",
        "",
        "\n\n",
    ],
    ids=["no-name-column", "no-header", "empty", "blank-lines"],
)
def test_header_without_name_column(ctx, tmp_path, text):
    report = run(write(tmp_path, "in.csv", text))
    assert len(report.errors) == 1
    assert "'name' column" in report.errors[0].message
    assert_nothing_written(report)


def test_xlsx_header_without_name_column(ctx, tmp_path):
    rows = [["title", "country"], ["Office", "KZ"]]
    report = run(write(tmp_path, "in.xlsx", make_xlsx(rows)))
    assert "'name' column" in report.errors[0].message
    assert_nothing_written(report)


@pytest.mark.parametrize(
    "content",
    [b"name,category,country\nOffice,government,KZ\n", b"PK\x03\x04broken", b""],
    ids=["csv-text", "broken-zip", "empty"],
)
def test_xlsx_that_is_not_a_workbook(ctx, tmp_path, content):
    report = run(write(tmp_path, "in.xlsx", content))
    assert [e.message for e in report.errors] == [
        "The file is not a readable XLSX workbook."
    ]
    assert_nothing_written(report)


def test_file_over_the_size_limit_is_refused_unread(ctx, tmp_path, monkeypatch):
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)

    def no_reading(self):
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(Path, "read_text", no_reading)
    report = run(path, max_bytes=40 * 1024 * 1024)
    assert len(report.errors) == 1
    message = report.errors[0].message
    assert "50.0 MB" in message
    assert "40 MB" in message
    assert report.rows == 0
    assert_nothing_written(report)


def test_file_at_the_size_limit_is_read(ctx, tmp_path):
    text = make_csv([BNS, MRC])
    path = write(tmp_path, "in.csv", text)
    size = path.stat().st_size
    assert_sample_imported(run(path, max_bytes=size))


def test_file_over_the_size_limit_via_cli(runner, app, tmp_path):
    app.config["IMPORT_MAX_BYTES"] = 40 * 1024 * 1024
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(50 * 1024 * 1024)
    result = runner.invoke(args=["inventory", "import", str(path)])
    assert result.exit_code == 1
    assert "50.0 MB" in result.output
    assert "Nothing was written" in result.output


def test_duplicate_rows_in_one_file(ctx, tmp_path):
    path = write(tmp_path, "in.csv", make_csv([BNS, MRC, BNS]))
    report = run(path)
    assert report.ok, report.errors
    assert (report.rows, report.created, report.skipped) == (3, 2, 1)
    assert [(w.row, w.message) for w in report.warnings] == [
        (4, "Duplicate of row 2 in this file; skipped.")
    ]
    assert count() == 2
    assert (
        db.session.scalar(select(func.count()).where(Institution.name == BNS["name"]))
        == 1
    )


def test_repeated_rows_with_website_variants_in_one_file(ctx, tmp_path):
    rows = [BNS, {**BNS, "website": "www.stat.gov.kz/"}]
    report = run(write(tmp_path, "in.csv", make_csv(rows)))
    assert (report.created, report.skipped) == (1, 1)
    assert [w.message for w in report.warnings] == [
        "Duplicate of row 2 in this file; skipped."
    ]
    assert count() == 1


def test_duplicate_rows_matching_an_existing_entry_are_still_skipped(ctx, tmp_path):
    path = write(tmp_path, "in.csv", make_csv([BNS, MRC, BNS]))
    assert run(path).created == 2
    again = run(path)
    assert again.ok, again.errors
    assert (again.created, again.unchanged, again.skipped) == (0, 2, 1), (
        "a duplicate row that matches an existing entry is applied, not skipped"
    )
    assert [w.message for w in again.warnings] == [
        "Duplicate of row 2 in this file; skipped."
    ]


# --- CLI -----------------------------------------------------------------------


def test_cli_import_succeeds(runner, app, tmp_path):
    path = write(tmp_path, "in.csv", make_csv([BNS, MRC]))
    result = runner.invoke(args=["inventory", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 rows read: 2 were created, 0 updated, 0 unchanged" in result.output
    assert "academic: 1, government: 1" in result.output
    assert "Nothing was written" not in result.output
    with app.app_context():
        assert count() == 2


def test_cli_rejected_file_exits_non_zero_and_writes_nothing(runner, app, tmp_path):
    rows = [GOOD, {**GOOD, "name": "Bad", "country": "XX"}]
    path = write(tmp_path, "in.csv", make_csv(rows, header=COLUMNS))
    result = runner.invoke(args=["inventory", "import", str(path)])
    assert result.exit_code == 1
    assert "rejected: row 3, country: Unknown country code 'XX'." in result.stderr
    assert "Nothing was written" in result.stderr
    with app.app_context():
        assert count() == 0


def test_cli_refused_file_exits_non_zero(runner, app, tmp_path):
    path = write(tmp_path, "in.csv", "Zürich,academic,CH\n".encode("utf-16-le"))
    result = runner.invoke(args=["inventory", "import", str(path)])
    assert result.exit_code == 1
    assert "rejected: file: The file looks binary" in result.stderr
    assert "Nothing was written" in result.stderr


def test_cli_missing_file(runner, tmp_path):
    result = runner.invoke(args=["inventory", "import", str(tmp_path / "none.csv")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


# --- dry run -------------------------------------------------------------------


def test_dry_run_writes_nothing(ctx, tmp_path):
    path = write(tmp_path, "in.csv", make_csv([BNS, MRC]))
    report = run(path, dry_run=True)
    assert report.ok, report.errors
    assert not report.written
    assert report.rows == 2
    assert report.categories == Counter({"government": 1, "academic": 1})
    assert count() == 0
    assert db.session.scalar(select(func.count(Revision.id))) == 0


def test_dry_run_reports_errors_like_a_real_run(ctx, tmp_path):
    rows = [GOOD, {**GOOD, "name": "Bad", "country": "XX"}]
    path = write(tmp_path, "in.csv", make_csv(rows, header=COLUMNS))
    dry = run(path, dry_run=True)
    assert errors_of(dry) == [(3, "country", "Unknown country code 'XX'.")]
    assert count() == 0


def test_dry_run_reports_the_counts_a_real_run_would(ctx, tmp_path, make_institution):
    make_institution(name=BNS["name"], website=None)  # will be updated
    make_institution(name="Unchanged Office", country="KG", website=None)
    path = write(tmp_path, "in.csv", make_csv([BNS, MRC]))
    dry = run(path, dry_run=True)
    assert count() == 2
    assert named(BNS["name"]).version == 1
    real = run(path)
    assert (real.created, real.updated, real.unchanged) == (1, 1, 0)
    assert (dry.created, dry.updated, dry.unchanged) == (1, 1, 0), (
        "dry run reports different counts from the real run"
    )


def test_cli_dry_run(runner, app, tmp_path):
    path = write(tmp_path, "in.csv", make_csv([BNS, MRC]))
    result = runner.invoke(args=["inventory", "import", "--dry-run", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert count() == 0
    assert "2 rows read: 2 would be created" in result.output


# --- content -------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def test_html_is_stored_as_text_verbatim(ctx, tmp_path):
    rows = [
        {
            **GOOD,
            "name": f"Office {SCRIPT}",
            "acronym": "<b>OF</b>",
            "summary": f'{SCRIPT} & <img src=x onerror="alert(2)">',
            "city": "<i>Almaty</i>",
        }
    ]
    header = ["name", "acronym", "category", "country", "summary", "city"]
    report = run(write(tmp_path, "in.csv", make_csv(rows, header=header)))
    assert report.ok, report.errors
    office = named(f"Office {SCRIPT}")
    assert office.acronym == "<b>OF</b>"
    assert office.summary == f'{SCRIPT} & <img src=x onerror="alert(2)">'
    assert office.city == "<i>Almaty</i>"


def test_control_characters_are_stripped(ctx, tmp_path):
    rows = [
        {
            **GOOD,
            "name": "Bureau\x07 of\x1b Statistics\x7f",
            "summary": "Line one\nline\x0b two\tend\x08",
            "name_ru": "Бюро\x01 статистики",
        }
    ]
    header = ["name", "name_ru", "category", "country", "summary"]
    report = run(write(tmp_path, "in.csv", make_csv(rows, header=header)))
    assert report.ok, report.errors
    office = named("Bureau of Statistics")
    assert office.summary == "Line one\nline two\tend"
    assert office.name_in("ru") == "Бюро статистики"


def test_nul_characters_in_json_are_stripped(ctx, tmp_path):
    items = [{**GOOD, "name": "Nul\u0000 Office", "summary": "a\u0000b"}]
    report = run(write(tmp_path, "in.json", json.dumps(items)))
    assert report.ok, report.errors
    assert named("Nul Office").summary == "ab"


def test_unknown_column_is_a_warning(ctx, tmp_path):
    text = "name,category,country,Fax,notes\nOffice,government,KZ,+7 727 000,hi\n"
    report = run(write(tmp_path, "in.csv", text))
    assert report.ok, report.errors
    assert report.created == 1
    assert [(w.row, w.message) for w in report.warnings] == [
        (0, "Ignored unknown columns: Fax, notes.")
    ]
    assert str(report.warnings[0]) == "file: Ignored unknown columns: Fax, notes."


def test_unknown_json_key_is_a_warning(ctx, tmp_path):
    report = run(write(tmp_path, "in.json", json.dumps([{**GOOD, "fax": "1"}])))
    assert report.ok, report.errors
    assert [w.message for w in report.warnings] == ["Ignored unknown columns: fax."]


def test_exported_columns_are_not_reported_as_unknown(ctx, tmp_path):
    text = (
        "slug,name,category,country,country_name,url\nx,Office,other,KZ,Kazakhstan,u\n"
    )
    report = run(write(tmp_path, "in.csv", text))
    assert report.ok, report.errors
    assert not report.warnings


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ('\'=HYPERLINK("http://evil.example")', '=HYPERLINK("http://evil.example")'),
        ("'=1+2", "=1+2"),
        ("'@SUM(A1)", "@SUM(A1)"),
        ("'+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0"),
        ("'-2+3+cmd", "-2+3+cmd"),
        ("'Tis the season", "'Tis the season"),
        ("O'Brien = Smith", "O'Brien = Smith"),
    ],
)
def test_defused_formula_cells_come_back_without_apostrophe(
    ctx, tmp_path, cell, stored
):
    rows = [{**GOOD, "summary": cell, "name_ru": cell}]
    header = ["name", "name_ru", "category", "country", "summary"]
    report = run(write(tmp_path, "in.csv", make_csv(rows, header=header)))
    assert report.ok, report.errors
    office = named("Good Office")
    assert office.summary == stored
    assert office.name_in("ru") == stored


def test_defused_formula_cells_in_xlsx(ctx, tmp_path):
    rows = [
        ["name", "category", "country", "summary"],
        ["Office", "other", "KZ", "'=1+2"],
    ]
    report = run(write(tmp_path, "in.xlsx", make_xlsx(rows)))
    assert report.ok, report.errors
    assert named("Office").summary == "=1+2"


def test_xlsx_date_cell_for_last_verified(ctx, tmp_path):
    rows = [
        ["name", "category", "country", "last_verified"],
        ["Office", "other", "KZ", datetime(2024, 5, 1, 10, 30)],
    ]
    report = run(write(tmp_path, "in.xlsx", make_xlsx(rows)))
    assert report.ok, (
        f"a spreadsheet date cell is refused: {[str(e) for e in report.errors]}"
    )
    assert named("Office").last_verified == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)


def test_csv_last_verified_with_offset(ctx, tmp_path):
    text = (
        "name,category,country,last_verified\n"
        "Office,other,KZ,2024-05-01T12:30:00+02:00\n"
    )
    report = run(write(tmp_path, "in.csv", text))
    assert report.ok, report.errors
    assert named("Office").last_verified == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)


def test_leading_and_trailing_spaces_are_trimmed(ctx, tmp_path):
    text = "name , Category ,country\n  Office  , government , kz \n"
    report = run(write(tmp_path, "in.csv", text))
    assert report.ok, report.errors
    office = named("Office")
    assert (office.category, office.country_code) == ("government", "KZ")
