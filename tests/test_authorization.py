"""Authorization matrix: every route × every kind of visitor, expected outcome.

Visitors: anonymous, member, focal point of country A (KZ, linked to the KZ
entry), focal point of country B (GE, linked to the GE entry), secretariat.
Outcomes: "ok" (2xx), "login" (redirect to sign-in), "done" (redirect after a
successful action), 403, 404, 405, or "bad-link" (4xx page for an invalid
signed link). Authorization does not depend on the database, so the matrix
runs on SQLite only; every route of the app must appear here.
"""

import re

import pytest

from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.moderation.models import Proposal
from tests.conftest import (
    PASSWORD,
    csrf_token,
    institution_payload,
    make_test_app,
    wipe_inventory,
)

VISITORS = ("anonymous", "member", "focal_a", "focal_b", "secretariat")
EMAILS = {
    "member": "member@example.org",
    "focal_a": "focal.kz@example.org",
    "focal_b": "focal.ge@example.org",
    "secretariat": "secretariat@example.org",
}
SIGNED_IN = dict.fromkeys(("member", "focal_a", "focal_b", "secretariat"), "ok")
EVERYONE = {"anonymous": "ok", **SIGNED_IN}
MEMBERS = {"anonymous": "login", **SIGNED_IN}
SECRETARIAT = {
    "anonymous": "login",
    "member": 403,
    "focal_a": 403,
    "focal_b": 403,
    "secretariat": "ok",
}
SECRETARIAT_POST = {**SECRETARIAT, "secretariat": "done"}
DONE_WHEN_SIGNED_IN = {"anonymous": "login", **dict.fromkeys(SIGNED_IN, "done")}

# (method, rule, concrete path, expected outcome per visitor)
MATRIX = [
    ("GET", "/", "/", EVERYONE),
    ("GET", "/institutions", "/institutions?q=agency", EVERYONE),
    ("GET", "/institutions/export.<fmt>", "/institutions/export.csv", EVERYONE),
    ("GET", "/institutions/<slug>", "/institutions/{kz}", EVERYONE),
    (
        "GET",
        "/institutions/<slug>",
        "/institutions/{draft}",
        {**dict.fromkeys(VISITORS, 404)},
    ),  # fmt: skip
    ("GET", "/institutions/<slug>/history", "/institutions/{kz}/history", EVERYONE),
    (
        "GET",
        "/institutions/<slug>/history",
        "/institutions/{draft}/history",
        {**dict.fromkeys(VISITORS, 404), "secretariat": "ok"},
    ),  # fmt: skip
    ("GET", "/countries", "/countries", EVERYONE),
    ("GET", "/countries/<alpha2>", "/countries/KZ", EVERYONE),
    ("GET", "/regions", "/regions", EVERYONE),
    ("GET", "/regions/<slug>", "/regions/central-asia", EVERYONE),
    ("GET", "/map", "/map?region=central-asia", EVERYONE),
    (
        "GET",
        "/vendor/<package>/<path:filename>",
        "/vendor/leaflet/leaflet.js",
        EVERYONE,
    ),  # fmt: skip
    ("GET", "/static/<path:filename>", "/static/css/site.css", EVERYONE),
    (
        "GET",
        "/geo/countries-<version>.geojson",
        "/geo/countries-{outlines}.geojson",
        EVERYONE,
    ),  # fmt: skip
    (
        "GET",
        "/bootstrap/static/<path:filename>",
        "/bootstrap/static/css/bootstrap.min.css",
        EVERYONE,
    ),  # fmt: skip
    ("GET", "/api/v1/institutions", "/api/v1/institutions", EVERYONE),
    ("GET", "/api/v1/institutions.geojson", "/api/v1/institutions.geojson", EVERYONE),
    ("GET", "/api/v1/institutions/<slug>", "/api/v1/institutions/{kz}", EVERYONE),
    (
        "GET",
        "/api/v1/institutions/<slug>",
        "/api/v1/institutions/{draft}",
        dict.fromkeys(VISITORS, 404),
    ),  # fmt: skip
    ("GET", "/api/v1/search", "/api/v1/search?q=agency", EVERYONE),
    ("GET", "/api/v1/search/suggest", "/api/v1/search/suggest?q=age", EVERYONE),
    ("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", EVERYONE),
    ("GET", "/favicon.ico", "/favicon.ico", dict.fromkeys(VISITORS, "done")),
    (
        "POST",
        "/api/v1/institutions",
        "/api/v1/institutions",
        dict.fromkeys(VISITORS, 405),
    ),  # fmt: skip
    (
        "POST",
        "/api/v1/institutions/<slug>",
        "/api/v1/institutions/{kz}",
        dict.fromkeys(VISITORS, 405),
    ),  # fmt: skip
    ("GET", "/auth/login", "/auth/login", EVERYONE),
    ("GET", "/auth/register", "/auth/register", EVERYONE),
    ("GET", "/auth/forgot", "/auth/forgot", EVERYONE),
    (
        "GET",
        "/auth/verify/<token>",
        "/auth/verify/forged",
        dict.fromkeys(VISITORS, "bad-link"),
    ),  # fmt: skip
    (
        "GET",
        "/auth/reset/<token>",
        "/auth/reset/forged",
        dict.fromkeys(VISITORS, "bad-link"),
    ),  # fmt: skip
    (
        "GET",
        "/auth/invitation/<token>",
        "/auth/invitation/forged",
        dict.fromkeys(VISITORS, "bad-link"),
    ),  # fmt: skip
    ("POST", "/auth/logout", "/auth/logout", DONE_WHEN_SIGNED_IN),
    ("GET", "/me", "/me", MEMBERS),
    ("POST", "/me/logout-everywhere", "/me/logout-everywhere", DONE_WHEN_SIGNED_IN),
    ("GET", "/institutions/new", "/institutions/new", MEMBERS),
    ("GET", "/institutions/<slug>/edit", "/institutions/{kz}/edit", MEMBERS),
    (
        "GET",
        "/institutions/<slug>/edit",
        "/institutions/{draft}/edit",
        {**dict.fromkeys(VISITORS, 404), "anonymous": "login", "secretariat": "ok"},
    ),  # fmt: skip
    (
        "GET",
        "/institutions/<slug>/propose-archive",
        "/institutions/{kz}/propose-archive",
        MEMBERS,
    ),  # fmt: skip
    (
        "POST",
        "/institutions/<slug>/propose-archive",
        "/institutions/{kz}/propose-archive",
        DONE_WHEN_SIGNED_IN,
    ),  # fmt: skip
    (
        "POST",
        "/institutions/<slug>/confirm",
        "/institutions/{kz}/confirm",
        {
            "anonymous": "login",
            "member": 403,
            "focal_a": "done",
            "focal_b": 403,
            "secretariat": "done",
        },
    ),  # fmt: skip
    (
        "GET",
        "/institutions/<slug>/confirm/<token>",
        "/institutions/{kz}/confirm/forged",
        dict.fromkeys(VISITORS, "bad-link"),
    ),  # fmt: skip
    (
        "POST",
        "/institutions/<slug>/archive",
        "/institutions/{kz}/archive",
        SECRETARIAT_POST,
    ),  # fmt: skip
    (
        "POST",
        "/institutions/<slug>/unarchive",
        "/institutions/{kz}/unarchive",
        SECRETARIAT_POST,
    ),  # fmt: skip
    (
        "POST",
        "/institutions/<slug>/history/<int:number>/restore",
        "/institutions/{kz}/history/1/restore",
        SECRETARIAT_POST,
    ),  # fmt: skip
    ("GET", "/secretariat/", "/secretariat/", SECRETARIAT),
    ("GET", "/secretariat/proposals", "/secretariat/proposals", SECRETARIAT),
    (
        "GET",
        "/secretariat/proposals/<int:ident>",
        "/secretariat/proposals/{proposal}",
        SECRETARIAT,
    ),  # fmt: skip
    (
        "POST",
        "/secretariat/proposals/<int:ident>/reject",
        "/secretariat/proposals/{proposal}/reject",
        SECRETARIAT_POST,
    ),  # fmt: skip
    (
        "POST",
        "/secretariat/proposals/<int:ident>/approve",
        "/secretariat/proposals/{proposal}/approve",
        SECRETARIAT_POST,
    ),  # fmt: skip
    ("GET", "/secretariat/invitations", "/secretariat/invitations", SECRETARIAT),
    (
        "POST",
        "/secretariat/invitations",
        "/secretariat/invitations",
        SECRETARIAT_POST,
    ),  # fmt: skip
    (
        "GET",
        "/secretariat/users/<int:ident>",
        "/secretariat/users/{member_id}",
        SECRETARIAT,
    ),  # fmt: skip
    (
        "POST",
        "/secretariat/users/<int:ident>",
        "/secretariat/users/{member_id}",
        SECRETARIAT_POST,
    ),  # fmt: skip
    (
        "POST",
        "/secretariat/duplicates/merge",
        "/secretariat/duplicates/merge",
        SECRETARIAT_POST,
    ),  # fmt: skip
    (
        "POST",
        "/secretariat/duplicates/dismiss",
        "/secretariat/duplicates/dismiss",
        SECRETARIAT_POST,
    ),  # fmt: skip
    ("GET", "/secretariat/audit", "/secretariat/audit", SECRETARIAT),
    ("POST", "/auth/login", "/auth/login", dict.fromkeys(VISITORS, 401)),
    ("POST", "/auth/register", "/auth/register", dict.fromkeys(VISITORS, 400)),
    ("POST", "/auth/forgot", "/auth/forgot", EVERYONE),
    (
        "POST",
        "/auth/reset/<token>",
        "/auth/reset/forged",
        dict.fromkeys(VISITORS, "bad-link"),
    ),  # fmt: skip
    (
        "POST",
        "/auth/verify/<token>",
        "/auth/verify/forged",
        dict.fromkeys(VISITORS, "bad-link"),
    ),  # fmt: skip
    (
        "POST",
        "/auth/invitation/<token>",
        "/auth/invitation/forged",
        dict.fromkeys(VISITORS, "bad-link"),
    ),  # fmt: skip
    (
        "POST",
        "/institutions/<slug>/confirm/<token>",
        "/institutions/{kz}/confirm/forged",
        dict.fromkeys(VISITORS, "bad-link"),
    ),  # fmt: skip
    (
        "POST",
        "/institutions/<slug>/edit",
        "/institutions/{kz}/edit",
        DONE_WHEN_SIGNED_IN,
    ),  # fmt: skip
    ("POST", "/institutions/new", "/institutions/new", DONE_WHEN_SIGNED_IN),
    ("POST", "/me", "/me", DONE_WHEN_SIGNED_IN),
]
# The form data each POST sends (beyond its CSRF token).
POST_DATA = {
    "/secretariat/proposals/<int:ident>/reject": {"reason": "Out of scope"},
    "/secretariat/invitations": {
        "email": "invited@example.org",
        "role": "focal_point",
        "country": "KZ",
    },  # fmt: skip
    "/secretariat/users/<int:ident>": {"role": "member"},
    "/secretariat/duplicates/merge": {"first": "{kz}", "second": "{kz2}"},
    "/secretariat/duplicates/dismiss": {"first": "{kz}", "second": "{ge}"},
    "/institutions/<slug>/propose-archive": {"comment": "closed"},
    "/auth/login": {"email": "nobody@example.org", "password": "wrong password"},
    "/auth/register": {
        "name": "Someone",
        "email": "someone@example.org",
        "password": "short",
        "confirm": "short",
    },
    "/auth/forgot": {"email": "nobody@example.org"},
    "/institutions/<slug>/edit": {
        "name": "Kazakh Migration Office",
        "category": "government",
        "country": "KZ",
        "summary": "Edited in the authorization matrix.",
        "version": "{kz_version}",
    },
    "/institutions/new": {
        "name": "Proposed Research Network",
        "category": "academic",
        "country": "KZ",
    },
    "/me": {"name": "A New Name"},
}


@pytest.fixture(scope="module")
def world(sqlite_url, tmp_path_factory):
    """One application with the entries and accounts every row needs."""
    from migratory.accounts.services import create_user
    from migratory.inventory.services import create_institution

    app = make_test_app(sqlite_url, tmp_path_factory.mktemp("index"))
    with app.app_context():
        names = {
            "kz": institution_payload(name="Kazakh Migration Office", acronym="KMO"),
            "kz2": institution_payload(name="Kazakh Labour Observatory", acronym="KLO"),
            "ge": institution_payload(
                name="Georgian Migration Office",
                acronym="GMO",
                country="GE",
                city="Tbilisi",
                latitude=41.7,
                longitude=44.8,
            ),  # fmt: skip
            "draft": institution_payload(
                name="Unpublished Draft Office", acronym="UDO", status="draft"
            ),
        }
        slugs = {key: create_institution(p).slug for key, p in names.items()}
        users = {
            "member": create_user(EMAILS["member"], "member", PASSWORD),
            "focal_a": create_user(
                EMAILS["focal_a"],
                "focal_point",
                PASSWORD,
                country_code="KZ",
                institution_slugs=(slugs["kz"],),
            ),  # fmt: skip
            "focal_b": create_user(
                EMAILS["focal_b"],
                "focal_point",
                PASSWORD,
                country_code="GE",
                institution_slugs=(slugs["ge"],),
            ),  # fmt: skip
            "secretariat": create_user(EMAILS["secretariat"], "secretariat", PASSWORD),
        }
        from migratory.geo.outlines import current_outlines

        values = {
            **slugs,
            "member_id": users["member"].id,
            "outlines": current_outlines().version,
        }
    yield app, values
    wipe_inventory(app)


def _new_proposal(app, values) -> int:
    """A fresh pending proposal (each decision consumes one)."""
    with app.app_context():
        institution = db.session.scalar(
            db.select(Institution).where(Institution.slug == values["kz"])
        )
        proposal = Proposal(
            kind="change",
            institution_id=institution.id,
            data=institution_payload(name="Renamed Kazakh Office"),
            base_version=institution.version,
        )
        db.session.add(proposal)
        db.session.commit()
        return proposal.id, institution.version


_SESSIONS: dict = {}


def _client(app, visitor):
    """A client signed in as `visitor`, reused while its session is alive
    (signing in costs an argon2 check; some rows end sessions on purpose)."""
    if visitor == "anonymous":
        return app.test_client()
    client = _SESSIONS.get((id(app), visitor))
    if client is None or client.get("/me").status_code != 200:
        client = app.test_client()
        token = csrf_token(client, "/auth/login")
        response = client.post(
            "/auth/login",
            data={"email": EMAILS[visitor], "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302, f"{visitor} could not sign in"
        _SESSIONS[(id(app), visitor)] = client
    return client


def _outcome(response) -> object:
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303):
        return "login" if "/auth/login?next=" in location else "done"
    if response.status_code == 422 and "This link" in response.get_data(as_text=True):
        return "bad-link"
    if 200 <= response.status_code < 300:
        return "ok"
    return response.status_code


CASES = [
    pytest.param(
        method,
        rule,
        path,
        visitor,
        expected[visitor],
        id=f"{method} {path} as {visitor}",
    )  # fmt: skip
    for method, rule, path, expected in MATRIX
    for visitor in VISITORS
]


@pytest.mark.parametrize(("method", "rule", "path", "visitor", "expected"), CASES)
def test_matrix(world, method, rule, path, visitor, expected):
    app, values = world
    proposal, version = _new_proposal(app, values)
    values = {**values, "proposal": proposal, "kz_version": version}
    client = _client(app, visitor)
    url = path.format(**values)
    if method == "GET":
        response = client.get(url)
    else:
        data = {k: v.format(**values) for k, v in POST_DATA.get(rule, {}).items()}
        # A real form's token, so that authorization (not CSRF) decides.
        data["csrf_token"] = csrf_token(client, "/auth/login")
        response = client.post(url, data=data)
    assert _outcome(response) == expected, response.get_data(as_text=True)[:500]


def test_every_route_is_in_the_matrix(world):
    app, _ = world
    covered = {(method, rule) for method, rule, _, _ in MATRIX}
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    missing = {
        route for route in routes - covered if not route[1].startswith("/api/v1/")
    } | {route for route in routes - covered if route[0] == "GET"}
    assert not missing, f"routes missing from the matrix: {sorted(missing)}"


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
    app, values = world
    with app.app_context():
        before = db.session.scalar(
            db.select(Institution).where(Institution.slug == values["kz"])
        )
        state = (before.name, before.status, before.country_code, before.version)
        proposals = db.session.scalar(db.select(db.func.count(Proposal.id)))
    response = _edit(_client(app, "focal_b"), values["kz"], **changes)
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
    app, _ = world
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            assert rule.methods - {"HEAD", "OPTIONS"} == {"GET"}, rule.rule
