"""The authorization matrix every domain's tests use.

Visitors, set up once per test module in a `World`: anonymous, member, focal
point of country A (KZ, linked to the KZ entry), focal point of country B
(GE, linked to the GE entry), secretariat. Entries: `kz` and `kz2`
(published, KZ), `ge` (published, GE), `draft` (a KZ draft).

Outcomes: "ok" (2xx), "login" (redirect to sign-in), "done" (redirect after a
successful action), "bad-link" (422 page for an invalid signed link), or a
status code (401, 403, 404, 405, ...).

A domain writes its matrix as a module-level `MATRIX` list of `Row` in a test
module named `test_authz*.py` (or `tests/test_authorization.py`), and runs it
with `cases(MATRIX)` and `check(world, row, visitor, expected)`;
`all_rows()` collects every domain's matrix, so that one test checks that
every route of the app appears in some matrix.

    from tests import authz
    from tests.authz import world  # noqa: F401 (the fixture)

    MATRIX = [authz.Row("GET", "/network", authz.EVERYONE)]

    @pytest.mark.parametrize(("row", "visitor", "expected"), authz.cases(MATRIX))
    def test_matrix(world, row, visitor, expected):
        authz.check(world, row, visitor, expected)
"""

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import (
    PASSWORD,
    csrf_token,
    institution_payload,
    make_test_app,
    wipe_inventory,
)

TESTS = Path(__file__).resolve().parent
VISITORS = ("anonymous", "member", "focal_a", "focal_b", "secretariat")
SIGNED_IN_VISITORS = VISITORS[1:]
EMAILS = {
    "member": "member@example.org",
    "focal_a": "focal.kz@example.org",
    "focal_b": "focal.ge@example.org",
    "secretariat": "secretariat@example.org",
}
COUNTRY_A, COUNTRY_B = "KZ", "GE"


def everyone(outcome) -> dict:
    """The same outcome for every visitor."""
    return dict.fromkeys(VISITORS, outcome)


SIGNED_IN = dict.fromkeys(SIGNED_IN_VISITORS, "ok")
EVERYONE = everyone("ok")
MEMBERS = {"anonymous": "login", **SIGNED_IN}
SECRETARIAT = {
    "anonymous": "login",
    "member": 403,
    "focal_a": 403,
    "focal_b": 403,
    "secretariat": "ok",
}
SECRETARIAT_POST = {**SECRETARIAT, "secretariat": "done"}
DONE_WHEN_SIGNED_IN = {
    "anonymous": "login",
    **dict.fromkeys(SIGNED_IN_VISITORS, "done"),
}
# Those who may change the KZ entry directly: its focal point and the
# secretariat.
EDITORS_OF_A = {
    "anonymous": "login",
    "member": 403,
    "focal_a": "done",
    "focal_b": 403,
    "secretariat": "done",
}


@dataclass(frozen=True)
class Row:
    """One request of the matrix and its expected outcome per visitor.

    `rule` is the route as the app declares it; `path` the concrete URL
    (default: the rule) and `data` the form a POST sends beside its CSRF
    token, both with `{placeholders}` filled from the world's values.
    """

    method: str
    rule: str
    outcomes: Mapping[str, object]
    path: str | None = None
    data: Mapping[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.path or self.rule


def cases(matrix: list[Row]) -> list:
    """pytest parameters (row, visitor, expected) of every row × visitor."""
    return [
        pytest.param(
            row,
            visitor,
            row.outcomes[visitor],
            id=f"{row.method} {row.url} as {visitor}",
        )
        for row in matrix
        for visitor in VISITORS
    ]


def outcome(response) -> object:
    """The outcome of a response, in the matrix's words."""
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303):
        return "login" if "/auth/login?next=" in location else "done"
    if response.status_code == 422 and "This link" in response.get_data(as_text=True):
        return "bad-link"
    if 200 <= response.status_code < 300:
        return "ok"
    return response.status_code


def expect(client, method: str, path: str, expected, data: Mapping | None = None):
    """Send the request (a POST with a valid CSRF token, so that authorization
    and not CSRF decides) and assert its outcome; the response."""
    if method == "GET":
        response = client.get(path)
    else:
        form = dict(data or {})
        form["csrf_token"] = csrf_token(client, "/auth/login")
        response = client.open(path, method=method, data=form)
    assert outcome(response) == expected, (
        f"{method} {path}: {response.status_code} "
        f"{response.get_data(as_text=True)[:500]}"
    )
    return response


class World:
    """One application with the entries and the visitors' accounts."""

    def __init__(self, app, values: dict) -> None:
        self.app = app
        self.values = values
        self._clients: dict = {}

    def client(self, visitor: str):
        """A test client of `visitor`, signed in (reused while its session is
        alive: signing in costs a password check, and some rows end sessions
        on purpose)."""
        if visitor == "anonymous":
            return self.app.test_client()
        client = self._clients.get(visitor)
        if client is None or client.get("/me").status_code != 200:
            client = self.app.test_client()
            response = client.post(
                "/auth/login",
                data={
                    "email": EMAILS[visitor],
                    "password": PASSWORD,
                    "csrf_token": csrf_token(client, "/auth/login"),
                },
            )
            assert response.status_code == 302, f"{visitor} could not sign in"
            self._clients[visitor] = client
        return client


def check(world: World, row: Row, visitor: str, expected, **values):
    """Send `row`'s request as `visitor` and assert `expected`; `values` add to
    (or override) the world's placeholders."""
    filled = {**world.values, **values}
    data = {key: value.format(**filled) for key, value in row.data.items()}
    client = world.client(visitor)
    return expect(client, row.method, row.url.format(**filled), expected, data)


def _populate(app) -> dict:
    """The entries and accounts of the matrix; their slugs and ids."""
    from migratory.accounts.services import create_user
    from migratory.inventory.services import create_institution

    entries = {
        "kz": institution_payload(name="Kazakh Migration Office", acronym="KMO"),
        "kz2": institution_payload(name="Kazakh Labour Observatory", acronym="KLO"),
        "ge": institution_payload(
            name="Georgian Migration Office",
            acronym="GMO",
            country=COUNTRY_B,
            city="Tbilisi",
            latitude=41.7,
            longitude=44.8,
        ),
        "draft": institution_payload(
            name="Unpublished Draft Office", acronym="UDO", status="draft"
        ),
    }
    with app.app_context():
        slugs = {key: create_institution(p).slug for key, p in entries.items()}
        users = {
            "member": create_user(EMAILS["member"], "member", PASSWORD),
            "focal_a": create_user(
                EMAILS["focal_a"],
                "focal_point",
                PASSWORD,
                country_code=COUNTRY_A,
                institution_slugs=(slugs["kz"],),
            ),
            "focal_b": create_user(
                EMAILS["focal_b"],
                "focal_point",
                PASSWORD,
                country_code=COUNTRY_B,
                institution_slugs=(slugs["ge"],),
            ),
            "secretariat": create_user(EMAILS["secretariat"], "secretariat", PASSWORD),
        }
        ids = {f"{visitor}_id": user.id for visitor, user in users.items()}
    return {**slugs, **ids}


def world_fixture(
    database: str = "sqlite_url", setup: Callable[[object, dict], dict] | None = None
):
    """A module-scoped `world` fixture on the database fixture `database`:
    "sqlite_url", or "database_url" for each database in turn; `setup(app,
    values)` adds a domain's own records and returns more placeholders."""

    def build(url, tmp_path_factory):
        app = make_test_app(url, tmp_path_factory.mktemp("authz-index"))
        values = _populate(app)
        if setup is not None:
            values.update(setup(app, values) or {})
        yield World(app, values)
        wipe_inventory(app)

    if database == "database_url":

        @pytest.fixture(scope="module")
        def world(database_url, tmp_path_factory):
            yield from build(database_url, tmp_path_factory)

    elif database == "sqlite_url":

        @pytest.fixture(scope="module")
        def world(sqlite_url, tmp_path_factory):
            yield from build(sqlite_url, tmp_path_factory)

    else:
        raise ValueError(f"no database fixture {database!r}")
    return world


world = world_fixture()


def matrix_modules() -> list[str]:
    """The test modules that hold a domain's authorization matrix."""
    paths = sorted(TESTS.rglob("test_authz*.py")) + [TESTS / "test_authorization.py"]
    return [
        ".".join(path.relative_to(TESTS.parent).with_suffix("").parts) for path in paths
    ]


def all_rows() -> list[Row]:
    """Every domain's matrix, as one list of rows."""
    rows: list[Row] = []
    for name in matrix_modules():
        rows += importlib.import_module(name).MATRIX
    return rows
