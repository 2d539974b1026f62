"""Authorization matrix of the data source pages and API (tests/authz.py):
every route × every kind of visitor. Country A (KZ) has the data sources;
its focal point changes them directly, others propose."""

import pytest

from tests import authz

# Those who see an archived KZ data source: who may change it.
KZ_EDITORS_SEE = {
    "anonymous": 404,
    "member": 404,
    "focal_a": "ok",
    "focal_b": 404,
    "secretariat": "ok",
}
KZ_EDITORS_OPEN = {**KZ_EDITORS_SEE, "anonymous": "login"}
NEW_DATA_SOURCE = {
    "name": "Labour force survey",
    "type": "labour-force-survey",
    "institution": "{kz}",
    "coverage": "labour-migration",
}

MATRIX = [
    authz.Row("GET", "/data-sources", authz.EVERYONE, path="/data-sources?q=census"),
    authz.Row(
        "GET",
        "/data-sources/export.<fmt>",
        authz.EVERYONE,
        path="/data-sources/export.csv?country=KZ",
    ),
    authz.Row("GET", "/data-sources/<slug>", authz.EVERYONE, path="/data-sources/{ds}"),
    authz.Row(
        "GET", "/data-sources/<slug>", KZ_EDITORS_SEE, path="/data-sources/{archived}"
    ),
    authz.Row("GET", "/data-sources/new", authz.MEMBERS),
    authz.Row(
        "POST", "/data-sources/new", authz.DONE_WHEN_SIGNED_IN, data=NEW_DATA_SOURCE
    ),
    authz.Row(
        "GET",
        "/data-sources/<slug>/edit",
        authz.MEMBERS,
        path="/data-sources/{ds}/edit",
    ),
    authz.Row(
        "GET",
        "/data-sources/<slug>/edit",
        KZ_EDITORS_OPEN,
        path="/data-sources/{archived}/edit",
    ),
    authz.Row(
        "POST",
        "/data-sources/<slug>/edit",
        authz.DONE_WHEN_SIGNED_IN,
        path="/data-sources/{ds}/edit",
        data={
            "name": "Population census",
            "type": "census",
            "institution": "{kz}",
            "latest_year": "{year}",
            "version": "{ds_version}",
        },
    ),
    authz.Row(
        "GET",
        "/data-sources/<slug>/history",
        authz.EVERYONE,
        path="/data-sources/{ds}/history",
    ),
    authz.Row(
        "GET",
        "/data-sources/<slug>/history",
        KZ_EDITORS_SEE,
        path="/data-sources/{archived}/history",
    ),
    authz.Row(
        "POST",
        "/data-sources/<slug>/history/<int:number>/restore",
        authz.SECRETARIAT_POST,
        path="/data-sources/{ds}/history/1/restore",
    ),
    authz.Row(
        "POST",
        "/data-sources/<slug>/archive",
        authz.SECRETARIAT_POST,
        path="/data-sources/{spare}/archive",
    ),
    authz.Row(
        "POST",
        "/data-sources/<slug>/unarchive",
        authz.SECRETARIAT_POST,
        path="/data-sources/{spare}/unarchive",
    ),
    authz.Row(
        "GET",
        "/data-sources/<slug>/propose-archive",
        authz.MEMBERS,
        path="/data-sources/{ds}/propose-archive",
    ),
    authz.Row(
        "POST",
        "/data-sources/<slug>/propose-archive",
        authz.DONE_WHEN_SIGNED_IN,
        path="/data-sources/{ds}/propose-archive",
        data={"comment": "discontinued"},
    ),
    authz.Row("GET", "/api/v1/data-sources", authz.EVERYONE),
    authz.Row(
        "GET",
        "/api/v1/data-sources/<slug>",
        authz.EVERYONE,
        path="/api/v1/data-sources/{ds}",
    ),
    authz.Row(
        "GET",
        "/api/v1/data-sources/<slug>",
        authz.everyone(404),
        path="/api/v1/data-sources/{archived}",
    ),
    authz.Row("POST", "/api/v1/data-sources", authz.everyone(405)),
]


def _data_sources(app, values) -> dict:
    """A published KZ census, an archived KZ register, a spare one to archive."""
    from migratory.extensions import db
    from migratory.network.data_sources import add_data_source, validate_data_source

    def add(name, type_, status="published"):
        payload = {"name": name, "type": type_, "institution": values["kz"]}
        data = validate_data_source({**payload, "status": status})
        return add_data_source(data, source="seed").slug

    with app.app_context():
        slugs = {
            "ds": add("Population census", "census"),
            "archived": add("Old register", "population-register", "archived"),
            "spare": add("Border records", "border-crossings"),
        }
        db.session.commit()
    return slugs


world = authz.world_fixture(setup=_data_sources)


def _fresh(world) -> dict:
    """The census's version now (a direct edit moves it) and a new year, so
    that every edit in the matrix changes something."""
    from migratory.network.data_sources import get_data_source

    with world.app.app_context():
        version = get_data_source(world.values["ds"]).version
    return {"ds_version": version, "year": 2000 + version % 20}


@pytest.mark.parametrize(("row", "visitor", "expected"), authz.cases(MATRIX))
def test_matrix(world, row, visitor, expected):
    authz.check(world, row, visitor, expected, **_fresh(world))
