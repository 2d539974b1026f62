"""Fixtures most moderation tests share: an entry, a member, the secretariat."""

import pytest

from tests.moderation import MEMBER, SECRETARIAT, signed_in


@pytest.fixture
def slug(make_institution):
    """A published entry of Kazakhstan."""
    return make_institution()


@pytest.fixture
def member(app, make_user):
    """A client signed in as a member."""
    make_user(MEMBER)
    return signed_in(app, MEMBER)


@pytest.fixture
def secretariat(app, make_user):
    """A client signed in as a secretariat member."""
    make_user(SECRETARIAT, role="secretariat")
    return signed_in(app, SECRETARIAT)
