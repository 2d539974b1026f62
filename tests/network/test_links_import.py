"""`flask network import-links`: CSV or XLSX, all or nothing, a report per
row (unknown institution, unknown flow, producer = user, duplicate link in
the file or in the database), and --dry-run writes nothing."""

import pytest

from tests.network.link_helpers import add_link, build_network, counts

HEADER = "producer,user,flow,description,years\n"


@pytest.fixture
def slugs(app):
    return build_network(app)


def write_csv(tmp_path, text: str, name="links.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(runner, path, *options):
    return runner.invoke(args=["network", "import-links", str(path), *options])


def good_rows(slugs) -> str:
    return (
        HEADER
        + f"{slugs['kz-stat']},{slugs['kz-mia']},census,By citizenship,2009-2021\n"
        + f"{slugs['kz-mia']},{slugs['intl']},Permits,,2015-\n"
    )


def test_good_file_is_written_with_a_revision_each(app, runner, slugs, tmp_path):
    result = run(runner, write_csv(tmp_path, good_rows(slugs)))
    assert result.exit_code == 0, result.output
    assert "2 rows read: 2 links were created, 0 rows rejected." in result.output
    assert counts(app) == (2, 2)
    from migratory.core.history import Revision
    from migratory.extensions import db

    with app.app_context():
        sources = set(db.session.scalars(db.select(Revision.source)))
    assert "import" in sources


def test_dry_run_writes_nothing(app, runner, slugs, tmp_path):
    result = run(runner, write_csv(tmp_path, good_rows(slugs)), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2 links would be created" in result.output
    assert "Dry run: nothing was written." in result.output
    assert counts(app) == (0, 0)


def test_bad_rows_are_reported_and_nothing_is_written(app, runner, slugs, tmp_path):
    existing = add_link(app, slugs, "uz-stat", "intl")
    stat, mia, intl = slugs["kz-stat"], slugs["kz-mia"], slugs["intl"]
    text = (
        HEADER
        + f"{stat},{mia},census,good,2010\n"  # row 2: good
        + f"no-such-office,{mia},census,,\n"  # row 3: unknown institution
        + f"{stat},{mia},weather,,\n"  # row 4: unknown flow
        + f"{stat},{stat},census,,\n"  # row 5: producer = user
        + f"{stat},{mia},census,again,\n"  # row 6: duplicate within the file
        + f"{slugs['uz-stat']},{intl},census,,\n"  # row 7: duplicate in the database
        + f"{stat},{intl},census,,2020-2010\n"  # row 8: years out of order
        + f"{stat},{intl}\n"  # row 9: no flow
    )
    result = run(runner, write_csv(tmp_path, text))
    assert result.exit_code == 1
    output = result.output
    assert (
        "rejected: row 3, producer: No published institution has the slug or ROR id "
        "“no-such-office”." in output
    )
    assert "rejected: row 4, flow: Unknown flow “weather”" in output
    assert (
        "rejected: row 5, user: The user must be another institution than the "
        "producer." in output
    )
    assert "rejected: row 6, flow: Duplicate link: the same as row 2." in output
    assert "rejected: row 7, flow: " in output and f"(link {existing})" in output
    assert "rejected: row 8, years: The first year comes after the last." in output
    assert "rejected: row 9, flow: Missing data for required field." in output
    assert "rejected: row 2" not in output
    assert "8 rows read: 0 links were created, 7 rows rejected." in output
    assert "Nothing was written" in output
    assert counts(app) == (1, 1)  # only the link that was there


def test_bad_rows_on_a_dry_run_write_nothing_either(app, runner, slugs, tmp_path):
    text = HEADER + f"{slugs['kz-stat']},nobody,census,,\n"
    result = run(runner, write_csv(tmp_path, text), "--dry-run")
    assert result.exit_code == 1
    assert "row 2, user" in result.output
    assert counts(app) == (0, 0)


def test_xlsx_by_ror_id_with_numbers_as_years(app, runner, slugs, tmp_path):
    from openpyxl import Workbook

    from migratory.extensions import db
    from migratory.inventory.models import Institution

    with app.app_context():
        office = db.session.scalar(
            db.select(Institution).where(Institution.slug == slugs["kz-stat"])
        )
        office.ror_id = "https://ror.org/05x7v6y85"
        db.session.commit()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Producer", "User", "Flow", "Description", "Years", "Note"])
    sheet.append(["05x7v6y85", slugs["kz-labour"], "labour-force-survey", None, 2021])
    sheet.append([None, None, None, None, None])  # blank rows are skipped
    path = tmp_path / "links.xlsx"
    workbook.save(path)
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "warning: file: Ignored unknown columns: note." in result.output
    from migratory.network.models import ProducerUserLink

    with app.app_context():
        saved = db.session.scalar(db.select(ProducerUserLink))
        assert (saved.producer.slug, saved.flow, saved.year_from, saved.year_to) == (
            slugs["kz-stat"],
            "labour-force-survey",
            2021,
            2021,
        )


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("links.csv", "name,country\nx,KZ\n", "the columns producer, user and flow"),
        ("links.json", "[]", "CSV or XLSX"),
        ("links.xlsx", "not a workbook", "not a readable XLSX"),
        ("links.csv", HEADER + "a,b,census,,,extra\n", "More cells than header"),
    ],
)
def test_unreadable_files_write_nothing(
    app, runner, slugs, tmp_path, name, content, words
):
    result = run(runner, write_csv(tmp_path, content, name))
    assert result.exit_code == 1
    assert words in result.output
    assert counts(app) == (0, 0)


def test_an_export_imports_again(app, runner, client, slugs, tmp_path):
    add_link(app, slugs)
    exported = client.get("/network/links/export.csv").data
    from migratory.core.history import Revision
    from migratory.extensions import db
    from migratory.network.models import ProducerUserLink

    with app.app_context():  # a new database, as it were
        db.session.execute(db.delete(ProducerUserLink))
        db.session.execute(db.delete(Revision).where(Revision.record_kind == "link"))
        db.session.commit()
    path = tmp_path / "again.csv"
    path.write_bytes(exported)
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "1 link was created" in result.output
