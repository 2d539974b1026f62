"""The secretariat designates focal points with a network role, changes it and
revokes them, by the services and by the web forms; invitations carry the
network role to the accepted account; every step is in the audit log."""

import pytest
from sqlalchemy import select

from migratory.core.errors import PermissionDenied, ValidationFailed
from tests.conftest import csrf_token
from tests.moderation import signed_in, submit, table
from tests.network.focal_point_helpers import user_id

SECRETARIAT = "secretariat@example.org"
ADA = "ada@example.org"


@pytest.fixture
def people(app, make_user, make_institution):
    """The secretariat, a verified member (Ada), a KZ entry: their keys."""
    make_user(SECRETARIAT, role="secretariat")
    make_user(ADA)
    slug = make_institution()
    return {"entry": slug}


def _user(email):
    from migratory.accounts.models import User
    from migratory.extensions import db

    return db.session.scalar(select(User).where(User.email == email))


def _audit(action=None):
    """(action, target, detail) of the audit log, oldest first."""
    from migratory.core.audit import AuditEntry
    from migratory.extensions import db

    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return [(e.action, e.target, e.detail) for e in db.session.scalars(query)]


def _designate(app, role="focal_point", network_role="producer", country="KZ"):
    from migratory.accounts.designation import designate

    with app.app_context():
        designate(_user(SECRETARIAT), _user(ADA), role, country, [], network_role)


def _state(app, email=ADA):
    with app.app_context():
        user = _user(email)
        return user.role, user.country_code, user.network_role


# The services.


def test_designation_stores_the_network_role_and_audits_it(app, people):
    _designate(app, network_role="user")

    assert _state(app) == ("focal_point", "KZ", "user")
    with app.app_context():
        [(action, target, detail)] = _audit("designate")
        assert (action, target) == ("designate", f"user:{_user(ADA).id}")
        assert detail["network_role"] == "user"
        assert detail["country"] == "KZ"


def test_changing_only_the_network_role_is_audited_as_such(app, people):
    _designate(app, network_role="producer")
    _designate(app, network_role="international")

    assert _state(app) == ("focal_point", "KZ", "international")
    with app.app_context():
        [(_action, _target, detail)] = _audit("change network role")
        assert detail["network_role"] == "international"
        assert detail["previous_network_role"] == "producer"


def test_revoking_a_focal_point_clears_the_role_and_is_audited(app, people):
    _designate(app, network_role="producer")
    _designate(app, role="member", network_role=None, country=None)

    assert _state(app) == (None, None, None)
    with app.app_context():
        [(_action, target, detail)] = _audit("revoke focal point")
        assert target == f"user:{_user(ADA).id}"
        assert detail["country"] == "KZ"
        assert detail["previous_network_role"] == "producer"


def test_other_roles_have_no_network_role(app, people):
    _designate(app, role="secretariat", network_role="producer", country=None)

    assert _state(app) == ("secretariat", None, None)


def test_a_focal_point_may_leave_the_network_role_unstated(app, people):
    _designate(app, network_role=None)

    assert _state(app) == ("focal_point", "KZ", None)


def test_an_unknown_network_role_is_refused_and_nothing_changes(app, people):
    with pytest.raises(ValidationFailed) as refused:
        _designate(app, network_role="astronaut")

    assert "network_role" in refused.value.errors
    assert _state(app) == (None, None, None)
    with app.app_context():
        assert _audit() == []


def test_a_member_cannot_designate(app, people):
    from migratory.accounts.designation import designate

    with app.app_context(), pytest.raises(PermissionDenied):
        designate(_user(ADA), _user(ADA), "focal_point", "KZ", [], "producer")
    assert _state(app) == (None, None, None)


def test_an_accepted_invitation_carries_the_network_role(app, people, mailbox):
    from migratory.accounts.invitations import accept_invitation, invite
    from migratory.accounts.tokens import make_token

    with app.test_request_context():
        invitation = invite(
            _user(SECRETARIAT), "new@example.org", "focal_point", "KZ", [], "user"
        )
        assert invitation.network_role == "user"
        token = make_token("invite", {"i": invitation.id, "e": "new@example.org"})
        accept_invitation(token, "New Person", "violet kettle drums at noon")
        assert _audit("invite")[0][2]["network_role"] == "user"
        assert _audit("accept invitation")[0][2]["network_role"] == "user"

    assert _state(app, "new@example.org") == ("focal_point", "KZ", "user")


def test_an_invitation_with_an_unknown_network_role_is_refused(app, people):
    from migratory.accounts.invitations import invite
    from migratory.accounts.models import Invitation
    from migratory.extensions import db

    with app.test_request_context(), pytest.raises(ValidationFailed):
        invite(_user(SECRETARIAT), "new@example.org", "focal_point", "KZ", [], "x")
    with app.app_context():
        assert db.session.scalar(select(Invitation)) is None


# The web forms.


def test_the_user_page_designates_with_a_network_role(app, people):
    secretariat = signed_in(app, SECRETARIAT)
    path = f"/secretariat/users/{user_id(app, ADA)}"

    response = submit(
        secretariat,
        path,
        form_id="designate-form",
        role="focal_point",
        country="KZ",
        network_role="ministry",
    )

    assert response.status_code == 302
    assert _state(app) == ("focal_point", "KZ", "ministry")
    page = secretariat.get(path).get_data(as_text=True)
    assert '<option selected value="ministry">' in page
    assert "Other ministry or agency" in page


def test_the_user_page_refuses_a_forged_network_role(app, people):
    secretariat = signed_in(app, SECRETARIAT)
    path = f"/secretariat/users/{user_id(app, ADA)}"

    response = submit(
        secretariat,
        path,
        form_id="designate-form",
        role="focal_point",
        country="KZ",
        network_role="astronaut",
    )

    assert response.status_code == 200
    assert "Unknown network role" in response.get_data(as_text=True)
    assert _state(app) == (None, None, None)


def test_the_invitation_form_sends_the_network_role(app, people, mailbox):
    secretariat = signed_in(app, SECRETARIAT)

    response = submit(
        secretariat,
        "/secretariat/invitations",
        form_id="invite-form",
        email="new@example.org",
        role="focal_point",
        country="KZ",
        network_role="producer",
    )

    assert response.status_code == 302
    page = secretariat.get("/secretariat/invitations").get_data(as_text=True)
    [row] = table(page, "pending-invitations")
    assert row[:4] == [
        "new@example.org",
        "Focal point",
        "KZ",
        "Statistics producer (national statistical office)",
    ]


def test_a_member_cannot_use_the_designation_form(app, people):
    member = signed_in(app, ADA)
    path = f"/secretariat/users/{user_id(app, ADA)}"

    response = member.post(
        path,
        data={
            "csrf_token": csrf_token(member, "/me"),
            "role": "focal_point",
            "country": "KZ",
            "network_role": "user",
        },
    )

    assert response.status_code == 403
    assert _state(app) == (None, None, None)
