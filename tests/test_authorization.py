"""Authorization matrix of the inventory, map, API and secretariat routes:
every route × every kind of visitor, expected outcome (tests/authz.py).

Authorization does not depend on the database, so the matrix runs on SQLite
only. Every route of the app must appear in some domain's matrix: the test
below collects them all through the helper.
"""

import re

import pytest

from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.moderation.models import Proposal
from tests import authz
from tests.conftest import institution_payload

MATRIX = [
    authz.Row("GET", "/", authz.EVERYONE),
    authz.Row("GET", "/institutions", authz.EVERYONE, path="/institutions?q=agency"),
    authz.Row(
        "GET",
        "/institutions/export.<fmt>",
        authz.EVERYONE,
        path="/institutions/export.csv",
    ),
    authz.Row("GET", "/institutions/<slug>", authz.EVERYONE, path="/institutions/{kz}"),
    authz.Row(
        "GET", "/institutions/<slug>", authz.everyone(404), path="/institutions/{draft}"
    ),
    authz.Row(
        "GET",
        "/institutions/<slug>/history",
        authz.EVERYONE,
        path="/institutions/{kz}/history",
    ),
    authz.Row(
        "GET",
        "/institutions/<slug>/history",
        {
            "anonymous": 404,
            "member": 404,
            "focal_a": 404,
            "focal_b": 404,
            "secretariat": "ok",
        },
        path="/institutions/{draft}/history",
    ),
    authz.Row("GET", "/countries", authz.EVERYONE),
    authz.Row("GET", "/countries/<alpha2>", authz.EVERYONE, path="/countries/KZ"),
    authz.Row("GET", "/regions", authz.EVERYONE),
    authz.Row("GET", "/regions/<slug>", authz.EVERYONE, path="/regions/central-asia"),
    authz.Row("GET", "/map", authz.EVERYONE, path="/map?region=central-asia"),
    authz.Row(
        "GET",
        "/vendor/<package>/<path:filename>",
        authz.EVERYONE,
        path="/vendor/leaflet/leaflet.js",
    ),
    authz.Row(
        "GET", "/static/<path:filename>", authz.EVERYONE, path="/static/css/site.css"
    ),
    authz.Row(
        "GET",
        "/geo/countries-<version>.geojson",
        authz.EVERYONE,
        path="/geo/countries-{outlines}.geojson",
    ),
    authz.Row(
        "GET",
        "/bootstrap/static/<path:filename>",
        authz.EVERYONE,
        path="/bootstrap/static/css/bootstrap.min.css",
    ),
    authz.Row("GET", "/api/v1/institutions", authz.EVERYONE),
    authz.Row("GET", "/api/v1/institutions.geojson", authz.EVERYONE),
    authz.Row(
        "GET",
        "/api/v1/institutions/<slug>",
        authz.EVERYONE,
        path="/api/v1/institutions/{kz}",
    ),
    authz.Row(
        "GET",
        "/api/v1/institutions/<slug>",
        authz.everyone(404),
        path="/api/v1/institutions/{draft}",
    ),
    authz.Row("GET", "/api/v1/search", authz.EVERYONE, path="/api/v1/search?q=agency"),
    authz.Row(
        "GET",
        "/api/v1/search/suggest",
        authz.EVERYONE,
        path="/api/v1/search/suggest?q=age",
    ),
    authz.Row("GET", "/api/v1/openapi.json", authz.EVERYONE),
    authz.Row("GET", "/favicon.ico", authz.everyone("done")),
    authz.Row("POST", "/api/v1/institutions", authz.everyone(405)),
    authz.Row(
        "POST",
        "/api/v1/institutions/<slug>",
        authz.everyone(405),
        path="/api/v1/institutions/{kz}",
    ),
    authz.Row("GET", "/institutions/new", authz.MEMBERS),
    authz.Row(
        "GET",
        "/institutions/<slug>/edit",
        authz.MEMBERS,
        path="/institutions/{kz}/edit",
    ),
    authz.Row(
        "GET",
        "/institutions/<slug>/edit",
        {
            "anonymous": "login",
            "member": 404,
            "focal_a": 404,
            "focal_b": 404,
            "secretariat": "ok",
        },
        path="/institutions/{draft}/edit",
    ),
    authz.Row(
        "GET",
        "/institutions/<slug>/propose-archive",
        authz.MEMBERS,
        path="/institutions/{kz}/propose-archive",
    ),
    authz.Row(
        "POST",
        "/institutions/<slug>/propose-archive",
        authz.DONE_WHEN_SIGNED_IN,
        path="/institutions/{kz}/propose-archive",
        data={"comment": "closed"},
    ),
    authz.Row(
        "POST",
        "/institutions/<slug>/confirm",
        authz.EDITORS_OF_A,
        path="/institutions/{kz}/confirm",
    ),
    authz.Row(
        "GET",
        "/institutions/<slug>/confirm/<token>",
        authz.everyone("bad-link"),
        path="/institutions/{kz}/confirm/forged",
    ),
    authz.Row(
        "POST",
        "/institutions/<slug>/archive",
        authz.SECRETARIAT_POST,
        path="/institutions/{kz}/archive",
    ),
    authz.Row(
        "POST",
        "/institutions/<slug>/unarchive",
        authz.SECRETARIAT_POST,
        path="/institutions/{kz}/unarchive",
    ),
    authz.Row(
        "POST",
        "/institutions/<slug>/history/<int:number>/restore",
        authz.SECRETARIAT_POST,
        path="/institutions/{kz}/history/1/restore",
    ),
    authz.Row("GET", "/secretariat/", authz.SECRETARIAT),
    authz.Row("GET", "/secretariat/proposals", authz.SECRETARIAT),
    authz.Row(
        "GET",
        "/secretariat/proposals/<int:ident>",
        authz.SECRETARIAT,
        path="/secretariat/proposals/{proposal}",
    ),
    authz.Row(
        "POST",
        "/secretariat/proposals/<int:ident>/reject",
        authz.SECRETARIAT_POST,
        path="/secretariat/proposals/{proposal}/reject",
        data={"reason": "Out of scope"},
    ),
    authz.Row(
        "POST",
        "/secretariat/proposals/<int:ident>/approve",
        authz.SECRETARIAT_POST,
        path="/secretariat/proposals/{proposal}/approve",
    ),
    authz.Row("GET", "/secretariat/invitations", authz.SECRETARIAT),
    authz.Row(
        "POST",
        "/secretariat/invitations",
        authz.SECRETARIAT_POST,
        data={"email": "invited@example.org", "role": "focal_point", "country": "KZ"},
    ),
    authz.Row(
        "GET",
        "/secretariat/users/<int:ident>",
        authz.SECRETARIAT,
        path="/secretariat/users/{member_id}",
    ),
    authz.Row(
        "POST",
        "/secretariat/users/<int:ident>",
        authz.SECRETARIAT_POST,
        path="/secretariat/users/{member_id}",
        data={"role": "member"},
    ),
    authz.Row(
        "POST",
        "/secretariat/duplicates/merge",
        authz.SECRETARIAT_POST,
        data={"first": "{kz}", "second": "{kz2}"},
    ),
    authz.Row(
        "POST",
        "/secretariat/duplicates/dismiss",
        authz.SECRETARIAT_POST,
        data={"first": "{kz}", "second": "{ge}"},
    ),
    authz.Row("GET", "/secretariat/audit", authz.SECRETARIAT),
    authz.Row(
        "POST",
        "/institutions/<slug>/confirm/<token>",
        authz.everyone("bad-link"),
        path="/institutions/{kz}/confirm/forged",
    ),
    authz.Row(
        "POST",
        "/institutions/<slug>/edit",
        authz.DONE_WHEN_SIGNED_IN,
        path="/institutions/{kz}/edit",
        data={
            "name": "Kazakh Migration Office",
            "category": "government",
            "country": "KZ",
            "summary": "Edited in the authorization matrix.",
            "version": "{kz_version}",
        },
    ),
    authz.Row(
        "POST",
        "/institutions/new",
        authz.DONE_WHEN_SIGNED_IN,
        data={
            "name": "Proposed Research Network",
            "category": "academic",
            "country": "KZ",
        },
    ),
]


def _outlines(app, values) -> dict:
    """The map outlines' version, part of their URL."""
    from migratory.geo.outlines import current_outlines

    with app.app_context():
        return {"outlines": current_outlines().version}


world = authz.world_fixture(setup=_outlines)


def _new_proposal(app, values) -> dict:
    """A fresh pending proposal (each decision consumes one), and the KZ
    entry's version."""
    with app.app_context():
        institution = db.session.scalar(
            db.select(Institution).where(Institution.slug == values["kz"])
        )
        proposal = Proposal(
            action="change",
            record_kind="institution",
            record_id=institution.id,
            data=institution_payload(name="Renamed Kazakh Office"),
            base_version=institution.version,
        )
        db.session.add(proposal)
        db.session.commit()
        return {"proposal": proposal.id, "kz_version": institution.version}


@pytest.mark.parametrize(("row", "visitor", "expected"), authz.cases(MATRIX))
def test_matrix(world, row, visitor, expected):
    authz.check(world, row, visitor, expected, **_new_proposal(world.app, world.values))


def test_every_route_is_in_a_matrix(world):
    """Each route of the app (each method), in the matrix of some domain; API
    routes other than GET need not be listed (the API is read-only)."""
    covered = {(row.method, row.rule) for row in authz.all_rows()}
    routes = {
        (method, rule.rule)
        for rule in world.app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    missing = {
        route for route in routes - covered if not route[1].startswith("/api/v1/")
    } | {route for route in routes - covered if route[0] == "GET"}
    assert not missing, f"routes missing from the matrices: {sorted(missing)}"


def test_matrices_are_found_in_every_domain():
    """The helper finds the matrices of several domains, not only this one."""
    modules = authz.matrix_modules()
    assert "tests.test_authorization" in modules
    assert "tests.accounts.test_authz" in modules


def _edit(client, slug, **changes):
    page = client.get(f"/institutions/{slug}/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    version = re.search(r'name="version"[^>]*value="([^"]*)"', page)[1]
    form = {
        "csrf_token": token, "version": version, "name": "Renamed By Someone",
        "category": "government", "country": "KZ", "status": "published",
    }  # fmt: skip
    form.update(changes)
    return client.post(f"/institutions/{slug}/edit", data=form)


@pytest.mark.parametrize(
    "changes",
    [{}, {"status": "archived"}, {"country": "GE"}, {"version": "999"}],
    ids=["rename", "forged-status", "forged-country", "forged-version"],
)
def test_focal_point_of_another_country_never_changes_an_entry(world, changes):
    """Country B's focal point can only propose, whatever the form says."""
    app, values = world.app, world.values
    with app.app_context():
        before = db.session.scalar(
            db.select(Institution).where(Institution.slug == values["kz"])
        )
        state = (before.name, before.status, before.country_code, before.version)
        proposals = db.session.scalar(db.select(db.func.count(Proposal.id)))
    response = _edit(world.client("focal_b"), values["kz"], **changes)
    assert response.status_code in (302, 409, 422)
    with app.app_context():
        after = db.session.scalar(
            db.select(Institution).where(Institution.slug == values["kz"])
        )
        assert (after.name, after.status, after.country_code, after.version) == state
        if response.status_code == 302:
            assert db.session.scalar(db.select(db.func.count(Proposal.id))) == (
                proposals + 1
            )


def test_no_write_api_exists(world):
    """The API is read-only: no method but GET reaches an API route."""
    for rule in world.app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            assert rule.methods - {"HEAD", "OPTIONS"} == {"GET"}, rule.rule
