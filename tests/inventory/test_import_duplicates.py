"""The import's duplicate rule: distinct bodies are never merged or skipped.

Records are built like the ones the ROR dump of the region holds: NSF's
directorates whose websites differ in the query string, Merck subsidiaries
in three countries sharing one website, two offices of one ministry sharing
a page.
"""

from sqlalchemy import func, select

from migratory.extensions import db
from migratory.inventory.import_matching import site_identity
from migratory.inventory.importing import import_institutions
from migratory.inventory.models import Institution
from migratory.moderation.dashboard import likely_duplicates
from tests.inventory.ror_factory import ror_record, write_dump

NSF = "https://www.nsf.gov/dir/index.jsp"
MERCK = "https://www.merck.com"
MINISTRY = "https://www.bmi.bund.de/EN/ministry/offices.html"
BAMF = "Federal Office for Migration and Refugees"
BVA = "Federal Office of Administration"


def run(path, **options):
    return import_institutions(path, max_bytes=2 * 1024 * 1024, **options)


def ror_import(tmp_path, records, name="dump.json"):
    return run(write_dump(tmp_path / name, records), fmt="ror")


def csv_import(tmp_path, text, name="rows.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run(path)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Institution))


def names() -> list[str]:
    return sorted(db.session.scalars(select(Institution.name)))


def duplicate_pairs() -> set[frozenset]:
    """Names of the likely duplicate pairs the dashboard lists."""
    return {
        frozenset((pair.first.name, pair.second.name)) for pair in likely_duplicates()
    }


def test_website_identity_keeps_the_query_string():
    assert site_identity(f"{NSF}?org=ENG") != site_identity(f"{NSF}?org=BIO")
    assert site_identity("http://www.merck.com/") == site_identity(MERCK)
    assert site_identity("https://example.org/a#part") == "example.org/a"
    assert site_identity(None) is None


def test_nsf_directorates_differing_in_the_query_string_are_all_imported(ctx, tmp_path):
    records = [
        ror_record(ror_id, name, "US", website=f"{NSF}?org={org}")
        for ror_id, name, org in (
            ("0nsfeng01", "Directorate for Engineering", "ENG"),
            ("0nsfbio02", "Directorate for Biological Sciences", "BIO"),
            ("0nsfgeo03", "Directorate for Geosciences", "GEO"),
        )
    ]
    report = ror_import(tmp_path, records)
    assert report.ok, report.errors
    assert (report.created, report.skipped) == (3, 0)
    assert not report.warnings
    assert count() == 3
    websites = set(db.session.scalars(select(Institution.website)))
    assert websites == {f"{NSF}?org=ENG", f"{NSF}?org=BIO", f"{NSF}?org=GEO"}


def test_merck_subsidiaries_in_three_countries_sharing_a_website(ctx, tmp_path):
    records = [
        ror_record(ror_id, name, country, website=MERCK, types=("company",))
        for ror_id, name, country in (
            ("0merckf01", "Merck (France)", "FR"),
            ("0merckg02", "Merck Sharp & Dohme (United Kingdom)", "GB"),
            ("0merckn03", "Merck (Netherlands)", "NL"),
        )
    ]
    report = ror_import(tmp_path, records)
    assert report.ok, report.errors
    assert (report.created, report.skipped) == (3, 0)
    countries = sorted(db.session.scalars(select(Institution.country_code)))
    assert countries == ["FR", "GB", "NL"]
    # Shared websites are for the secretariat to look at, not for the import
    # to decide: the dashboard lists every pair.
    assert duplicate_pairs() >= {
        frozenset(("Merck (France)", "Merck (Netherlands)")),
        frozenset(("Merck (France)", "Merck Sharp & Dohme (United Kingdom)")),
    }


def test_two_offices_of_one_ministry_sharing_a_page(ctx, tmp_path):
    records = [
        ror_record("0bmiber01", BAMF, "DE", website=MINISTRY),
        ror_record("0bmiber02", BVA, "DE", website=MINISTRY),
    ]
    report = ror_import(tmp_path, records)
    assert report.ok, report.errors
    assert (report.created, report.skipped) == (2, 0)
    assert [p.row for p in report.possible_duplicates] == [2]
    assert "row 1" in report.possible_duplicates[0].message
    assert duplicate_pairs() == {frozenset((BAMF, BVA))}


def test_same_name_with_different_ror_ids_gives_two_entries(ctx, tmp_path):
    records = [
        ror_record("0instph01", "Institute of Physics", "KZ"),
        ror_record("0instph02", "Institute of Physics", "KZ"),
    ]
    report = ror_import(tmp_path, records)
    assert (report.created, report.skipped) == (2, 0)
    assert len(report.possible_duplicates) == 1
    assert count() == 2


def test_the_same_ror_id_twice_in_a_file_is_skipped_with_a_warning(ctx, tmp_path):
    record = ror_record("0instph01", "Institute of Physics", "KZ")
    report = ror_import(tmp_path, [record, {**record, "status": "active"}])
    assert (report.created, report.skipped) == (1, 1)
    assert [w.message for w in report.warnings] == [
        "Duplicate of row 1 in this file; skipped."
    ]


def test_an_existing_entry_with_another_ror_id_is_not_updated(
    ctx, tmp_path, make_institution
):
    make_institution(name="Institute of Physics", ror_id="0instph01", website=None)
    report = ror_import(
        tmp_path, [ror_record("0instph02", "Institute of Physics", "KZ")]
    )
    assert (report.created, report.updated) == (1, 0)
    assert count() == 2


def test_an_entry_without_ror_id_gets_the_records_id(ctx, tmp_path, make_institution):
    """Nothing but a missing ROR id tells them apart: the same institution."""
    make_institution(name="Institute of Physics", website="https://phys.example.kz")
    record = ror_record(
        "0instph01", "Institute of Physics", "KZ", website="http://phys.example.kz/"
    )
    report = ror_import(tmp_path, [record])
    assert (report.created, report.updated) == (0, 1)
    assert db.session.scalar(select(Institution.ror_id)) == "https://ror.org/0instph01"


def test_csv_rows_sharing_a_website_with_different_names_are_both_created(
    ctx, tmp_path
):
    report = csv_import(
        tmp_path,
        "name,category,country,website\n"
        f"{BAMF},government,DE,{MINISTRY}\n"
        f"{BVA},government,DE,{MINISTRY}\n",
    )
    assert report.ok, report.errors
    assert (report.created, report.skipped) == (2, 0)
    assert len(report.possible_duplicates) == 1


def test_a_website_match_in_the_database_is_not_renamed(
    ctx, tmp_path, make_institution
):
    make_institution(
        name="Federal Office of Administration", country="DE", website=MINISTRY
    )
    report = csv_import(
        tmp_path,
        f"name,category,country,website\n{BAMF},government,DE,{MINISTRY}\n",
    )
    assert (report.created, report.updated) == (1, 0)
    assert names() == [BAMF, BVA]
    assert "entry #" in report.possible_duplicates[0].message


def test_same_name_with_different_websites_gives_two_entries(ctx, tmp_path):
    report = csv_import(
        tmp_path,
        "name,category,country,website\n"
        "Statistics Office,government,KZ,https://stat.example.kz/almaty\n"
        "Statistics Office,government,KZ,https://stat.example.kz/astana\n",
    )
    assert (report.created, report.skipped) == (2, 0)


def test_a_website_in_another_country_is_another_institution(
    ctx, tmp_path, make_institution
):
    make_institution(name="Merck", country="FR", website=MERCK)
    report = csv_import(
        tmp_path, f"name,category,country,website\nMerck,other,NL,{MERCK}\n"
    )
    assert (report.created, report.updated) == (1, 0)
    assert not report.possible_duplicates  # other country: not the same key
