"""Authorization matrix of the account routes: sign-in, registration, links
sent by e-mail, the profile (tests/authz.py)."""

import pytest

from tests import authz
from tests.authz import world  # noqa: F401 (the fixture)

MATRIX = [
    authz.Row("GET", "/auth/login", authz.EVERYONE),
    authz.Row("GET", "/auth/register", authz.EVERYONE),
    authz.Row("GET", "/auth/forgot", authz.EVERYONE),
    authz.Row(
        "GET",
        "/auth/verify/<token>",
        authz.everyone("bad-link"),
        path="/auth/verify/forged",
    ),
    authz.Row(
        "GET",
        "/auth/reset/<token>",
        authz.everyone("bad-link"),
        path="/auth/reset/forged",
    ),
    authz.Row(
        "GET",
        "/auth/invitation/<token>",
        authz.everyone("bad-link"),
        path="/auth/invitation/forged",
    ),
    authz.Row("POST", "/auth/logout", authz.DONE_WHEN_SIGNED_IN),
    authz.Row("GET", "/me", authz.MEMBERS),
    authz.Row("POST", "/me/logout-everywhere", authz.DONE_WHEN_SIGNED_IN),
    authz.Row(
        "POST",
        "/auth/login",
        authz.everyone(401),
        data={"email": "nobody@example.org", "password": "wrong password"},
    ),
    authz.Row(
        "POST",
        "/auth/register",
        authz.everyone(400),
        data={
            "name": "Someone",
            "email": "someone@example.org",
            "password": "short",
            "confirm": "short",
        },
    ),
    authz.Row(
        "POST", "/auth/forgot", authz.EVERYONE, data={"email": "nobody@example.org"}
    ),
    authz.Row(
        "POST",
        "/auth/reset/<token>",
        authz.everyone("bad-link"),
        path="/auth/reset/forged",
    ),
    authz.Row(
        "POST",
        "/auth/verify/<token>",
        authz.everyone("bad-link"),
        path="/auth/verify/forged",
    ),
    authz.Row(
        "POST",
        "/auth/invitation/<token>",
        authz.everyone("bad-link"),
        path="/auth/invitation/forged",
    ),
    authz.Row("POST", "/me", authz.DONE_WHEN_SIGNED_IN, data={"name": "A New Name"}),
]


@pytest.mark.parametrize(("row", "visitor", "expected"), authz.cases(MATRIX))
def test_matrix(world, row, visitor, expected):  # noqa: F811 (the fixture)
    authz.check(world, row, visitor, expected)
