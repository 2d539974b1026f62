"""Authorization of the focal-point network (tests/authz.py): the overview and
its API are public, only the secretariat designates, and focal points'
e-mail addresses are for signed-in members only. On both databases."""

import pytest

from tests import authz

DESIGNATE = {"role": "focal_point", "country": "KZ", "network_role": "producer"}

MATRIX = [
    authz.Row("GET", "/network", authz.EVERYONE, path="/network?sort=-gaps"),
    authz.Row("GET", "/network", authz.EVERYONE, path="/network?region=eecca"),
    authz.Row("GET", "/network", authz.everyone(422), path="/network?region=nowhere"),
    authz.Row(
        "GET",
        "/network/export.<fmt>",
        authz.EVERYONE,
        path="/network/export.csv?region=speca",
    ),
    authz.Row(
        "GET", "/network/export.<fmt>", authz.EVERYONE, path="/network/export.xlsx"
    ),
    authz.Row("GET", "/api/v1/network", authz.EVERYONE),
    authz.Row(
        "GET", "/api/v1/network", authz.everyone(422), path="/api/v1/network?sort=x"
    ),
    authz.Row("POST", "/api/v1/network", authz.everyone(405)),
    authz.Row("GET", "/countries/<alpha2>", authz.EVERYONE, path="/countries/KZ"),
    # Only the secretariat designates focal points (with a network role).
    authz.Row(
        "POST",
        "/secretariat/users/<int:ident>",
        authz.SECRETARIAT_POST,
        path="/secretariat/users/{member_id}",
        data=DESIGNATE,
    ),
    authz.Row(
        "POST",
        "/secretariat/invitations",
        authz.SECRETARIAT_POST,
        data={"email": "new.focal@example.org", **DESIGNATE},
    ),
]


def _network_roles(app, values) -> dict:
    """Country A's focal point is its producer, with a position."""
    from migratory.accounts.models import User
    from migratory.extensions import db

    with app.app_context():
        user = db.session.get(User, values["focal_a_id"])
        user.network_role, user.position = "producer", "Head of division"
        db.session.commit()
    return {}


world = authz.world_fixture(database="database_url", setup=_network_roles)


@pytest.mark.parametrize(("row", "visitor", "expected"), authz.cases(MATRIX))
def test_matrix(world, row, visitor, expected):
    authz.check(world, row, visitor, expected)


@pytest.mark.parametrize("visitor", authz.VISITORS)
def test_focal_point_emails_only_for_signed_in_members(world, visitor):
    page = world.client(visitor).get("/countries/KZ").get_data(as_text=True)

    assert "Head of division" in page
    assert "Statistics producer (national statistical office)" in page
    assert (authz.EMAILS["focal_a"] in page) == (visitor != "anonymous")


@pytest.mark.parametrize("visitor", authz.VISITORS)
def test_the_overview_and_api_show_no_email_to_anyone(world, visitor):
    """No one's address but the visitor's own (in the navigation bar)."""
    client = world.client(visitor)
    others = [email for who, email in authz.EMAILS.items() if who != visitor]
    for path in ("/network", "/api/v1/network", "/network/export.csv"):
        body = client.get(path).get_data(as_text=True)
        assert not [email for email in others if email in body], path
