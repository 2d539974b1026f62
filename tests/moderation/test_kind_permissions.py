"""Proposing asks the record's kind (RecordKind.may_propose), as seeing,
editing, creating and archiving do: a kind may close proposals to some."""

from dataclasses import replace

import pytest

from tests.conftest import institution_payload
from tests.moderation import MEMBER


def test_a_kind_that_refuses_proposals_from_a_user_gets_none(ctx, make_user, slug):
    from migratory.accounts.services import get_user_by_email
    from migratory.core.errors import PermissionDenied
    from migratory.core.records import record_kind
    from migratory.extensions import db
    from migratory.inventory.services import get_institution
    from migratory.moderation.models import Proposal
    from migratory.moderation.proposals import add_proposal

    make_user(MEMBER)
    member = get_user_by_email(MEMBER)
    closed = replace(record_kind("institution"), may_propose=lambda user: False)
    with pytest.raises(PermissionDenied):
        add_proposal(
            member, closed, "change", get_institution(slug), institution_payload()
        )
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Proposal.id))) == 0

    opened = record_kind("institution")
    add_proposal(member, opened, "change", get_institution(slug), institution_payload())
    assert db.session.scalar(db.select(db.func.count(Proposal.id))) == 1


def test_every_kind_names_who_may_propose(app):
    from migratory.inventory.permissions import may_propose
    from migratory.network.permissions import (
        may_propose_data_source,
        may_propose_link,
    )

    wanted = {
        "institution": may_propose,
        "data_source": may_propose_data_source,
        "link": may_propose_link,
    }
    from migratory.core.records import record_kind

    for name, rule in wanted.items():
        assert record_kind(name).may_propose is rule, name
