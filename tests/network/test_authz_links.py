"""Authorization matrix of the producer-user link routes (tests/authz.py):
every route × every kind of visitor. The world's focal point of country A
is linked to the `kz` entry, one end of both links; country B's is not."""

import pytest
from sqlalchemy import delete, select, update

from tests import authz

SIGNED_IN_404 = {
    "anonymous": 404,
    "member": 404,
    "focal_a": "ok",
    "focal_b": 404,
    "secretariat": "ok",
}
EDIT_ARCHIVED = {**SIGNED_IN_404, "anonymous": "login"}

MATRIX = [
    authz.Row(
        "GET",
        "/network/links",
        authz.EVERYONE,
        path="/network/links?flow=census&country=KZ",
    ),
    authz.Row(
        "GET",
        "/network/links/export.<fmt>",
        authz.EVERYONE,
        path="/network/links/export.csv?country=KZ",
    ),
    authz.Row(
        "GET",
        "/network/links/<int:ident>",
        authz.EVERYONE,
        path="/network/links/{link}",
    ),
    authz.Row(
        "GET",
        "/network/links/<int:ident>",
        SIGNED_IN_404,
        path="/network/links/{archived_link}",
    ),
    authz.Row(
        "GET",
        "/network/links/<int:ident>/history",
        authz.EVERYONE,
        path="/network/links/{link}/history",
    ),
    authz.Row(
        "GET",
        "/network/links/<int:ident>/history",
        SIGNED_IN_404,
        path="/network/links/{archived_link}/history",
    ),
    authz.Row("GET", "/network/links/new", authz.MEMBERS),
    authz.Row(
        "POST",
        "/network/links/new",
        authz.DONE_WHEN_SIGNED_IN,
        data={"producer": "{kz2}", "user": "{kz3}", "flow": "asylum", "years": "2020"},
    ),
    authz.Row(
        "GET",
        "/network/links/<int:ident>/edit",
        authz.MEMBERS,
        path="/network/links/{link}/edit",
    ),
    authz.Row(
        "GET",
        "/network/links/<int:ident>/edit",
        EDIT_ARCHIVED,
        path="/network/links/{archived_link}/edit",
    ),
    authz.Row(
        "POST",
        "/network/links/<int:ident>/edit",
        authz.DONE_WHEN_SIGNED_IN,
        path="/network/links/{link}/edit",
        data={
            "producer": "{kz}",
            "user": "{kz2}",
            "flow": "census",
            "description": "Edited in the authorization matrix.",
            "version": "{link_version}",
        },
    ),
    authz.Row(
        "POST",
        "/network/links/<int:ident>/archive",
        authz.EDITORS_OF_A,
        path="/network/links/{link}/archive",
    ),
    authz.Row(
        "POST",
        "/network/links/<int:ident>/unarchive",
        authz.EDITORS_OF_A,
        path="/network/links/{archived_link}/unarchive",
    ),
    authz.Row(
        "POST",
        "/network/links/<int:ident>/history/<int:number>/restore",
        authz.SECRETARIAT_POST,
        path="/network/links/{link}/history/1/restore",
    ),
    authz.Row(
        "GET",
        "/network/links/<int:ident>/propose-archive",
        authz.MEMBERS,
        path="/network/links/{link}/propose-archive",
    ),
    authz.Row(
        "POST",
        "/network/links/<int:ident>/propose-archive",
        authz.DONE_WHEN_SIGNED_IN,
        path="/network/links/{link}/propose-archive",
        data={"comment": "ended"},
    ),
    authz.Row(
        "GET",
        "/api/v1/links",
        authz.EVERYONE,
        path="/api/v1/links?flow=census&country=KZ",
    ),
    authz.Row(
        "GET", "/api/v1/links/<int:ident>", authz.EVERYONE, path="/api/v1/links/{link}"
    ),
    authz.Row(
        "GET",
        "/api/v1/links/<int:ident>",
        authz.everyone(404),
        path="/api/v1/links/{archived_link}",
    ),
]


def _links(app, values) -> dict:
    """A published link kz → kz2 and an archived one between the same two;
    a third KZ entry, no focal point's."""
    from migratory.extensions import db
    from migratory.inventory.services import create_institution
    from migratory.network.links import change_link, create_link, validate_link
    from tests.conftest import institution_payload

    with app.app_context():
        made = {}
        third = create_institution(institution_payload(name="Kazakh Border Service"))
        for key, flow in (("link", "census"), ("archived_link", "permits")):
            data = validate_link(
                {"producer": values["kz"], "user": values["kz2"], "flow": flow}
            )
            made[key] = create_link(data, source="seed")
        change_link(made["archived_link"], {"status": "archived"}, source="seed")
        db.session.commit()
        return {"kz3": third.slug, **{key: link.id for key, link in made.items()}}


world = authz.world_fixture(setup=_links)


def _fresh(app, values) -> dict:
    """Each case starts alike: the first link published, the second archived,
    no link proposed by the matrix saved yet; the first link's version."""
    from migratory.core.history import Revision
    from migratory.extensions import db
    from migratory.network.models import ProducerUserLink

    with app.app_context():
        for key, status in (("link", "published"), ("archived_link", "archived")):
            db.session.execute(
                update(ProducerUserLink)
                .where(ProducerUserLink.id == values[key])
                .values(status=status)
            )
        db.session.execute(
            delete(ProducerUserLink).where(ProducerUserLink.flow == "asylum")
        )
        # SQLite gives a deleted link's id again: its revisions go too.
        db.session.execute(
            delete(Revision).where(
                Revision.record_kind == "link",
                Revision.record_id.not_in(select(ProducerUserLink.id)),
            )
        )
        db.session.commit()
        version = db.session.get(ProducerUserLink, values["link"]).version
        return {"link_version": version}


@pytest.mark.parametrize(("row", "visitor", "expected"), authz.cases(MATRIX))
def test_matrix(world, row, visitor, expected):
    authz.check(world, row, visitor, expected, **_fresh(world.app, world.values))
