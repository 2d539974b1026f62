"""/network: every country's figures, recomputed here from the data and
compared with the page and the API; the region filter, sorting, refused
arguments, and a fixed number of queries whatever the number of countries.

The data is built once per database and only read by the tests.
"""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from migratory.core.models import utcnow
from tests.conftest import institution_payload, make_test_app, wipe_inventory
from tests.moderation import table
from tests.network.focal_point_helpers import make_focal_point

# key -> (country, days since last verified or None, status)
ENTRIES = {
    "kz1": ("KZ", 10, "published"),
    "kz2": ("KZ", 400, "published"),
    "kz3": ("KZ", None, "published"),
    "kz-draft": ("KZ", 5, "draft"),
    "uz1": ("UZ", 100, "published"),
    "ge1": ("GE", None, "published"),
    "de1": ("DE", 1, "published"),
}
PLACES = {
    "KZ": ("Almaty", 43.24, 76.89),
    "UZ": ("Tashkent", 41.3, 69.24),
    "GE": ("Tbilisi", 41.7, 44.8),
    "DE": ("Berlin", 52.52, 13.4),
}
# (producer, user, status) of producer-user links.
LINKS = [
    ("kz1", "kz2", "published"),
    ("kz1", "uz1", "published"),
    ("uz1", "ge1", "archived"),
    ("kz3", "kz-draft", "published"),
]


def _entries(app) -> dict[str, int]:
    from migratory.extensions import db
    from migratory.inventory.models import Institution
    from migratory.inventory.services import create_institution

    ids = {}
    with app.app_context():
        for key, (country, days, status) in ENTRIES.items():
            city, latitude, longitude = PLACES[country]
            payload = institution_payload(
                name=f"Office {key}", acronym=key.upper(), names=[], country=country,
                city=city, latitude=latitude, longitude=longitude, status=status,
                website=None,
            )  # fmt: skip
            institution = create_institution(payload)
            ids[key] = institution.id
            verified = utcnow() - timedelta(days=days) if days is not None else None
            db.session.execute(
                update(Institution)
                .where(Institution.id == institution.id)
                .values(last_verified=verified)
            )
        db.session.commit()
    return ids


def _links(app, ids) -> None:
    from migratory.extensions import db
    from migratory.network.models import ProducerUserLink

    with app.app_context():
        for producer, user, status in LINKS:
            db.session.add(
                ProducerUserLink(
                    producer_id=ids[producer],
                    consumer_id=ids[user],
                    flow="census",
                    status=status,
                )
            )
        db.session.commit()


def _people(app) -> None:
    from migratory.accounts.models import User
    from migratory.core.audit import record_action
    from migratory.extensions import db

    make_focal_point(app, "kz.p@example.org", "KZ", "producer", name="Aigerim",
                     days_since_login=5)  # fmt: skip
    make_focal_point(app, "kz.u@example.org", "KZ", "user", name="Bolat")
    make_focal_point(app, "kz.m@example.org", "KZ", "ministry")
    make_focal_point(app, "uz.u@example.org", "UZ", "user", days_since_login=500)
    ge = make_focal_point(app, "ge.p@example.org", "GE", "producer", name="Nino")
    make_focal_point(app, "ge.x@example.org", "GE", None, days_since_login=800)
    with app.app_context():
        entry = record_action(db.session.get(User, ge), "propose", "institution:x")
        entry.created = utcnow() - timedelta(days=30)
        db.session.commit()


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    """The entries, links and focal points above, on each database."""
    app = make_test_app(database_url, tmp_path_factory.mktemp("network-index"))
    ids = _entries(app)
    _links(app, ids)
    _people(app)
    yield app
    wipe_inventory(app)


def expected_figures(app) -> dict[str, dict]:
    """Each country's figures, computed here from the rows themselves."""
    from migratory.accounts.models import User
    from migratory.core.audit import AuditEntry
    from migratory.core.history import Revision
    from migratory.extensions import db
    from migratory.inventory.models import Country, Institution
    from migratory.network.models import ProducerUserLink

    now = utcnow()
    recent = now - timedelta(days=365)
    with app.app_context():
        figures = {
            code: {"institutions": 0, "verified": 0, "links": 0, "roles": []}
            for code in db.session.scalars(select(Country.iso2))
        }
        institutions = {i.id: i for i in db.session.scalars(select(Institution))}
        for i in institutions.values():
            if i.status == "published":
                figures[i.country_code]["institutions"] += 1
                if i.last_verified is not None and i.last_verified >= recent:
                    figures[i.country_code]["verified"] += 1
        for link in db.session.scalars(select(ProducerUserLink)):
            ends = [institutions[link.producer_id], institutions[link.consumer_id]]
            if link.status == "published" and all(
                e.status == "published" for e in ends
            ):
                for country in {e.country_code for e in ends}:
                    figures[country]["links"] += 1
        active = set()
        for entry in db.session.scalars(select(AuditEntry)):
            if entry.created >= recent:
                active.add(entry.actor_id)
        for revision in db.session.scalars(select(Revision)):
            if revision.created >= recent:
                active.add(revision.author_id)
        for user in db.session.scalars(select(User)):
            if user.role != "focal_point" or not user.active:
                continue
            figures[user.country_code]["roles"].append(user.network_role)
            if user.last_login is not None and user.last_login >= recent:
                active.add(user.id)
            figures[user.country_code].setdefault("active", False)
            if user.id in active:
                figures[user.country_code]["active"] = True
    for data in figures.values():
        data["gaps"] = {
            "no_producer": "producer" not in data["roles"],
            "no_user": "user" not in data["roles"],
            "no_active": not data.get("active", False),
        }
    return figures


def test_every_country_is_listed(world):
    from migratory.extensions import db
    from migratory.inventory.models import Country

    with world.app_context():
        codes = set(db.session.scalars(select(Country.iso2)))
    data = world.test_client().get("/api/v1/network").get_json()

    assert len(codes) == 57
    assert data["total"] == 57
    assert {c["country"] for c in data["countries"]} == codes


def test_the_api_figures_are_the_datas(world):
    expected = expected_figures(world)
    data = world.test_client().get("/api/v1/network").get_json()

    for country in data["countries"]:
        want = expected[country["country"]]
        roles = want["roles"]
        assert country["institutions"] == want["institutions"], country["country"]
        assert country["verified_last_12_months"] == want["verified"]
        published = want["institutions"]
        share = want["verified"] / published if published else None
        assert country["verified_share"] == share
        assert country["links"] == want["links"], country["country"]
        assert country["focal_point_count"] == len(roles)
        assert country["focal_points_by_role"]["producer"] == roles.count("producer")
        assert country["focal_points_by_role"]["user"] == roles.count("user")
        assert country["focal_points_by_role"]["not_stated"] == roles.count(None)
        assert country["gaps"] == want["gaps"], country["country"]
    # The data makes every figure non-trivial somewhere.
    kz = next(c for c in data["countries"] if c["country"] == "KZ")
    assert (kz["institutions"], kz["verified_last_12_months"], kz["links"]) == (
        3,
        1,
        2,
    )
    assert kz["gaps"] == {"no_producer": False, "no_user": False, "no_active": False}
    uz = next(c for c in data["countries"] if c["country"] == "UZ")
    assert uz["gaps"] == {"no_producer": True, "no_user": False, "no_active": True}
    ge = next(c for c in data["countries"] if c["country"] == "GE")
    assert ge["gaps"] == {"no_producer": False, "no_user": True, "no_active": False}


def page_rows(html: str) -> dict[str, list[str]]:
    """Country code -> the cells of its row of the overview table."""
    codes = re.findall(r'<tr data-country="([A-Z]{2})">', html)
    return dict(zip(codes, table(html, "network-overview"), strict=True))


def test_the_page_figures_are_the_datas(world):
    expected = expected_figures(world)
    html = world.test_client().get("/network").get_data(as_text=True)
    rows = page_rows(html)

    assert set(rows) == set(expected)
    for code, cells in rows.items():
        want = expected[code]
        assert cells[1] == str(len(want["roles"])), code
        assert cells[2] == str(want["roles"].count("producer"))
        assert cells[3] == str(want["roles"].count("user"))
        assert cells[5] == str(want["institutions"])
        if want["institutions"]:
            share = round(100 * want["verified"] / want["institutions"])
            assert cells[6] == f"{share} % ({want['verified']})", code
        else:
            assert cells[6] == "—"
        assert cells[7] == str(want["links"])
        flagged = [key for key, on in want["gaps"].items() if on]
        assert (cells[8] == "None") == (not flagged), code
    assert "Producers: Aigerim" in rows["KZ"][4]
    assert "Users: Bolat" in rows["KZ"][4]


def test_the_api_names_focal_points_with_public_fields_only(world):
    data = world.test_client().get("/api/v1/network").get_json()
    kz = next(c for c in data["countries"] if c["country"] == "KZ")

    assert [p["name"] for p in kz["focal_points"]][:2] == ["Aigerim", "Bolat"]
    for point in kz["focal_points"]:
        assert set(point) == {"name", "network_role", "institutions"}


def csv_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_download_figures_are_the_datas(world):
    expected = expected_figures(world)
    response = world.test_client().get("/network/export.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "network.csv" in response.headers["Content-Disposition"]
    rows = csv_rows(response.data)
    assert len(rows) == 57
    for row in rows:
        want = expected[row["country"]]
        roles = want["roles"]
        assert int(row["institutions"]) == want["institutions"], row["country"]
        assert int(row["verified_last_12_months"]) == want["verified"]
        if want["institutions"]:
            share = round(want["verified"] / want["institutions"], 4)
            assert float(row["verified_share"]) == share
        else:
            assert row["verified_share"] == ""
        assert int(row["links"]) == want["links"]
        assert int(row["focal_points"]) == len(roles)
        assert int(row["focal_points_producer"]) == roles.count("producer")
        assert int(row["focal_points_user"]) == roles.count("user")
        assert int(row["focal_points_not_stated"]) == roles.count(None)
        for gap, on in want["gaps"].items():
            assert row[gap] == ("yes" if on else "no"), (row["country"], gap)
    kz = next(row for row in rows if row["country"] == "KZ")
    assert "Aigerim (producer)" in kz["focal_point_names"]


def test_the_xlsx_download_holds_the_csvs_table(world):
    from openpyxl import load_workbook

    client = world.test_client()
    query = "?region=eecca&sort=-institutions"
    table_rows = csv_rows(client.get(f"/network/export.csv{query}").data)
    response = client.get(f"/network/export.xlsx{query}")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    header, *cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == list(table_rows[0])
    assert [row[0] for row in cells] == [row["country"] for row in table_rows]
    assert [row[header.index("institutions")] for row in cells] == [
        int(row["institutions"]) for row in table_rows
    ]


def test_the_download_follows_the_region_and_the_order(world):
    client = world.test_client()
    query = "?region=eecca&sort=-institutions"
    shown = client.get(f"/api/v1/network{query}").get_json()["countries"]
    rows = csv_rows(client.get(f"/network/export.csv{query}").data)

    assert [row["country"] for row in rows] == [c["country"] for c in shown]
    page = client.get(f"/network{query}").get_data(as_text=True)
    assert "/network/export.csv?region=eecca&amp;sort=-institutions" in page


def test_unknown_download_formats_are_not_found(world):
    assert world.test_client().get("/network/export.pdf").status_code == 404
    assert world.test_client().get("/network/export.csv?sort=x").status_code == 422


def test_no_email_address_is_published(world):
    anonymous = world.test_client()
    for path in (
        "/network",
        "/api/v1/network",
        "/network?region=eecca",
        "/network/export.csv",
    ):
        body = anonymous.get(path).get_data(as_text=True)
        assert "@example.org" not in body, path


def test_the_region_filter_keeps_the_regions_countries(world):
    from migratory.extensions import db
    from migratory.inventory.models import Region

    with world.app_context():
        members = {
            slug: {c.iso2 for c in db.session.scalar(
                select(Region).where(Region.slug == slug)).countries}
            for slug in ("speca", "eecca", "south-caucasus")
        }  # fmt: skip
    client = world.test_client()
    for slug, codes in members.items():
        data = client.get(f"/api/v1/network?region={slug}").get_json()
        assert {c["country"] for c in data["countries"]} == codes, slug
        html = client.get(f"/network?region={slug}").get_data(as_text=True)
        assert set(page_rows(html)) == codes, slug


def _share(country) -> float:
    """The verified share, countries without an institution last."""
    return -1 if country["verified_share"] is None else country["verified_share"]


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("-institutions", lambda c: c["institutions"]),
        ("-links", lambda c: c["links"]),
        ("-focal_points", lambda c: c["focal_point_count"]),
        ("producers", lambda c: c["focal_points_by_role"]["producer"]),
        ("gaps", lambda c: sum(c["gaps"].values())),
        ("-verified", lambda c: _share(c)),
    ],
)  # fmt: skip
def test_sorting_by_a_column(world, sort, key):
    client = world.test_client()
    by_name = client.get("/api/v1/network").get_json()["countries"]
    data = client.get(f"/api/v1/network?sort={sort}").get_json()["countries"]
    html = client.get(f"/network?sort={sort}").get_data(as_text=True)

    expected = sorted(by_name, key=key, reverse=sort.startswith("-"))
    assert [c["country"] for c in data] == [c["country"] for c in expected]
    assert list(page_rows(html)) == [c["country"] for c in expected]
    assert 'aria-sort="' in html


def test_countries_are_sorted_by_name_by_default(world):
    data = world.test_client().get("/api/v1/network").get_json()["countries"]
    names = [c["name"] for c in data]
    assert names.index("Georgia") < names.index("Germany") < names.index("Kazakhstan")


@pytest.mark.parametrize(
    "query", ["region=atlantis", "sort=colour", "sort=-", "sort=--links"]
)
def test_refused_arguments_say_why_and_never_fail(world, query):
    client = world.test_client()
    page = client.get(f"/network?{query}")
    api = client.get(f"/api/v1/network?{query}")

    assert page.status_code == 422
    assert api.status_code == 422
    assert set(api.get_json()["errors"]) <= {"region", "sort"}


def test_the_overview_takes_a_fixed_number_of_queries(world):
    """The same few queries for 3 countries or 57: never one per country."""
    from migratory.extensions import db
    from migratory.network.overview import network_overview

    counts = {}
    with world.test_request_context():
        engine = db.engine
        network_overview("eecca")  # the request's data stamp, cached regions
        for region in ("south-caucasus", "eecca", None):
            statements = []

            def count(*args, statements=statements):
                statements.append(args[2])

            event.listen(engine, "before_cursor_execute", count)
            try:
                rows = network_overview(region)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            counts[region] = (len(rows), len(statements))
    assert counts["south-caucasus"][0] == 3
    assert counts[None][0] == 57
    sizes = {queries for _rows, queries in counts.values()}
    assert len(sizes) == 1 and sizes.pop() <= 10, counts
