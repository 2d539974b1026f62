"""A country's gaps: no producer focal point, no user focal point, no focal
point active (signed in, or changed or confirmed an entry) in the last 12
months. Each flag appears and disappears with the data, in the service and
on the country's page."""

import re
from datetime import timedelta

from sqlalchemy import update

from tests.conftest import Auth
from tests.network.focal_point_helpers import days_ago, make_focal_point, set_user

ALL_GAPS = {"no_producer", "no_user", "no_active"}


def gaps(app, country="KZ") -> set[str]:
    """The gaps the service finds for `country`."""
    from migratory.network.focal_points import country_network

    with app.test_request_context():
        found = country_network(country).gaps.as_dict()
    return {key for key, on in found.items() if on}


def page_gaps(client, country="KZ") -> set[str]:
    """The gaps the country's page flags."""
    page = client.get(f"/countries/{country}").get_data(as_text=True)
    return set(re.findall(r'data-gap="([a-z_]+)"', page))


def test_a_country_without_focal_points_has_every_gap(app, client):
    assert gaps(app) == ALL_GAPS
    assert page_gaps(client) == ALL_GAPS
    page = client.get("/countries/KZ").get_data(as_text=True)
    assert "No focal point is designated for this country yet." in page


def test_the_producer_gap_closes_with_a_producer_focal_point(app, client):
    make_focal_point(app, "user@example.org", network_role="user", days_since_login=1)
    assert gaps(app) == {"no_producer"}
    assert page_gaps(client) == {"no_producer"}

    make_focal_point(app, "producer@example.org", network_role="producer")

    assert gaps(app) == set()
    assert page_gaps(client) == set()


def test_the_user_gap_closes_with_a_user_focal_point(app, client):
    make_focal_point(app, "p@example.org", network_role="producer", days_since_login=1)
    make_focal_point(app, "m@example.org", network_role="ministry")
    assert gaps(app) == {"no_user"}
    assert page_gaps(client) == {"no_user"}

    make_focal_point(app, "u@example.org", network_role="user")

    assert gaps(app) == set()
    assert page_gaps(client) == set()


def test_other_countries_focal_points_close_no_gap(app, client):
    make_focal_point(app, "ge.p@example.org", "GE", "producer", days_since_login=1)
    make_focal_point(app, "ge.u@example.org", "GE", "user", days_since_login=1)

    assert gaps(app, "KZ") == ALL_GAPS
    assert gaps(app, "GE") == set()


def test_a_sign_in_within_12_months_is_activity(app, client):
    producer = make_focal_point(app, "p@example.org", days_since_login=400)
    make_focal_point(app, "u@example.org", network_role="user", days_since_login=366)
    assert gaps(app) == {"no_active"}
    assert page_gaps(client) == {"no_active"}

    set_user(app, producer, last_login=days_ago(364))
    assert gaps(app) == set()
    assert page_gaps(client) == set()

    set_user(app, producer, last_login=days_ago(370))
    assert gaps(app) == {"no_active"}
    assert page_gaps(client) == {"no_active"}


def test_confirming_an_entry_is_activity(app, client, make_institution):
    slug = make_institution()
    ident = make_focal_point(app, "p@example.org", institutions=[slug])
    make_focal_point(app, "u@example.org", network_role="user")
    assert gaps(app) == {"no_active"}

    focal_point = app.test_client()
    Auth(focal_point).login("p@example.org")
    confirmed = Auth(focal_point).post(f"/institutions/{slug}/confirm")
    assert confirmed.status_code == 302
    # Not the sign-in: the confirmation (a revision by them) is what counts.
    set_user(app, ident, last_login=days_ago(500))

    assert gaps(app) == set()
    assert page_gaps(client) == set()


def test_an_old_revision_is_no_activity(app, make_institution):
    from migratory.core.history import Revision
    from migratory.extensions import db

    slug = make_institution()
    ident = make_focal_point(app, "p@example.org", institutions=[slug])
    make_focal_point(app, "u@example.org", network_role="user")
    with app.app_context():
        db.session.execute(update(Revision).values(author_id=ident))
        db.session.commit()
    assert gaps(app) == set()

    with app.app_context():
        db.session.execute(update(Revision).values(created=days_ago(400)))
        db.session.commit()
    assert gaps(app) == {"no_active"}


def test_an_audited_action_is_activity(app):
    from migratory.core.audit import AuditEntry, record_action
    from migratory.extensions import db

    ident = make_focal_point(app, "p@example.org")
    make_focal_point(app, "u@example.org", network_role="user")
    with app.app_context():
        from migratory.accounts.models import User

        record_action(db.session.get(User, ident), "propose", "institution:x")
        db.session.commit()
    assert gaps(app) == set()

    with app.app_context():
        db.session.execute(
            update(AuditEntry).values(created=days_ago(365) - timedelta(days=1))
        )
        db.session.commit()
    assert gaps(app) == {"no_active"}


def test_revoked_and_closed_accounts_close_no_gap(app, client):
    producer = make_focal_point(app, "p@example.org", days_since_login=1)
    user = make_focal_point(
        app, "u@example.org", network_role="user", days_since_login=1
    )
    assert gaps(app) == set()

    set_user(app, producer, role=None, country_code=None, network_role=None)
    assert gaps(app) == {"no_producer"}

    set_user(app, user, active=False)
    assert gaps(app) == ALL_GAPS
    assert page_gaps(client) == ALL_GAPS
