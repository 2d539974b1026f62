"""Public pages under load: statements per page, ETag/304, caches that follow
the database, and never a shared page for a signed-in person."""

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from migratory.extensions import db
from migratory.inventory.services import create_institution, update_institution
from tests.conftest import institution_payload, make_test_app

PUBLIC_PAGES = (
    "/",
    "/institutions",
    "/institutions?country=KZ&category=government",
    "/institutions?q=migration",
    "/institutions/agency-for-migration-statistics",
    "/map",
    "/countries",
    "/countries/KZ",
    "/regions",
    "/regions/central-asia",
    "/api/v1/institutions.geojson",
    "/api/v1/search?q=migration",
)


@contextmanager
def counted_statements(app):
    """A list that receives every SQL statement the app runs meanwhile."""
    statements = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def many(app, make_institution):
    """40 institutions with names in two languages, topics and a contact."""
    from migratory.inventory.models import Contact, Institution

    for number in range(40):
        make_institution(
            name=f"Migration Office {number:02d}",
            acronym=f"MO{number:02d}",
            website=f"https://mo{number}.example.kz",
            names=[
                {"lang": "ru", "name": f"Миграционное бюро {number}"},
                {"lang": "fr", "name": f"Bureau des migrations {number}"},
            ],
        )
    with app.app_context():
        for institution in db.session.scalars(db.select(Institution)):
            db.session.add(
                Contact(institution=institution, name="Desk", is_public=True)
            )
        db.session.commit()
    return app


def test_list_statements_are_bounded_and_independent_of_page_size(app, client, many):
    client.get("/institutions?per_page=1")  # reference data (countries, regions)
    counts = {}
    for size in (5, 40):
        with counted_statements(app) as statements:
            assert client.get(f"/institutions?per_page={size}").status_code == 200
        counts[size] = len(statements)
    assert counts[5] == counts[40] <= 12, counts  # 5 of them: facet counts


def test_detail_statements_do_not_grow_with_names_and_contacts(
    app, client, many, make_institution
):
    bare = make_institution(name="Bare Office", names=[], topics=[], website=None)
    client.get("/institutions")  # reference data (countries, regions)
    counts = []
    for slug in (bare, "migration-office-07"):
        with counted_statements(app) as statements:
            assert client.get(f"/institutions/{slug}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 8, counts


def test_a_page_served_again_costs_one_statement(app, client, many):
    client.get("/institutions")
    with counted_statements(app) as statements:
        again = client.get("/institutions")
    assert again.status_code == 200 and "Migration Office 00" in again.text
    assert len(statements) == 1  # the data stamp


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_anonymous_pages_carry_an_etag_and_answer_304(client, make_institution, path):
    make_institution()
    first = client.get(path)
    assert first.status_code == 200
    assert first.headers["ETag"].startswith('W/"')
    assert "no-cache" in first.headers["Cache-Control"]
    assert "private" not in first.headers["Cache-Control"]
    assert "Cookie" in first.headers["Vary"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_each_language_has_its_own_page_and_etag(client, make_institution):
    make_institution()
    english = client.get("/institutions")
    russian = client.get("/institutions?lang=ru")
    assert "Учреждения" in russian.text
    assert english.headers["ETag"] != russian.headers["ETag"]
    back = client.get("/institutions?lang=en")
    assert back.text.count("Institutions") >= 1


def test_signed_in_pages_are_private_and_never_the_shared_copy(
    client, app, make_institution, make_user, auth
):
    make_institution()
    shared = app.test_client().get("/institutions")
    assert shared.headers["ETag"]
    email = make_user("reader@example.org")
    auth.login(email)
    mine = client.get("/institutions")
    assert email in mine.text and email not in shared.text
    assert "ETag" not in mine.headers
    assert "private" in mine.headers["Cache-Control"]
    held = client.get(
        "/institutions", headers={"If-None-Match": shared.headers["ETag"]}
    )
    assert held.status_code == 200 and email in held.text
    assert email not in app.test_client().get("/institutions").text


def test_changes_through_another_app_instance_are_seen(
    app, client, database_url, tmp_path, make_institution
):
    slug = make_institution()
    before = client.get("/institutions")
    detail = client.get(f"/institutions/{slug}")
    other = make_test_app(database_url, tmp_path / "index")
    try:
        with other.app_context():
            create_institution(institution_payload(name="Newly Added Bureau"))
            update_institution(
                slug, institution_payload(summary="Renamed summary text.")
            )
            db.session.commit()
    finally:
        other.extensions["search"].close()
        with other.app_context():
            db.engine.dispose()
    after = client.get("/institutions")
    assert "Newly Added Bureau" in after.text
    assert after.headers["ETag"] != before.headers["ETag"]
    stale = client.get(
        f"/institutions/{slug}", headers={"If-None-Match": detail.headers["ETag"]}
    )
    assert stale.status_code == 200 and "Renamed summary text." in stale.text


def test_cached_map_pages_get_a_fresh_nonce_each_time(client):
    nonces = []
    for _ in range(2):
        response = client.get("/map")
        header = re.search(
            r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]
        )
        assert header, response.headers["Content-Security-Policy"]
        assert f'nonce="{header[1]}"' in response.text
        nonces.append(header[1])
    assert nonces[0] != nonces[1]
