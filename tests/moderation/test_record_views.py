"""The pages every kind of record shares (moderation.record_views): one set
of views serves institutions, data sources and links at their own URLs, and
each kind's visibility rule (RecordKind.may_see) decides who may open them."""

import pytest
from sqlalchemy import func, select

from migratory.core.errors import NotFound
from migratory.extensions import db
from tests.conftest import csrf_token
from tests.moderation import signed_in
from tests.network import data_source_helpers, link_helpers

SHARED = {
    "new": ("{new}", {"GET", "POST"}),
    "edit": ("{one}/edit", {"GET", "POST"}),
    "history": ("{one}/history", {"GET"}),
    "restore": ("{one}/history/<int:number>/restore", {"POST"}),
    "archive": ("{one}/archive", {"POST"}),
    "unarchive": ("{one}/unarchive", {"POST"}),
    "propose_archive": ("{one}/propose-archive", {"GET", "POST"}),
}
KINDS = {
    "editing": ("/institutions/<slug>", "/institutions/new"),
    "data_sources": ("/data-sources/<slug>", "/data-sources/new"),
    "links": ("/network/links/<int:ident>", "/network/links/new"),
}


@pytest.mark.parametrize("blueprint", KINDS)
def test_every_kind_serves_the_shared_pages_at_its_own_urls(app, blueprint):
    one, new = KINDS[blueprint]
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for name, (pattern, methods) in SHARED.items():
        rule = rules[f"{blueprint}.{name}"]
        assert rule.rule == pattern.format(one=one, new=new)
        assert methods <= rule.methods


def person(email: str):
    from migratory.accounts.models import User

    return db.session.scalar(select(User).where(User.email == email))


def archive_institution(app, slug: str) -> None:
    from migratory.moderation.upkeep import set_archived

    with app.test_request_context():
        set_archived(person(link_helpers.SECRETARIAT), "institution", slug, True)


def proposals_count(app) -> int:
    from migratory.moderation.models import Proposal

    with app.app_context():
        return db.session.scalar(select(func.count(Proposal.id)))


# Links


@pytest.fixture
def slugs(app):
    return link_helpers.build_network(app)


@pytest.fixture
def ident(app, slugs):
    """A published link kz-stat -> kz-mia (the KZ focal point is linked to
    kz-stat)."""
    return link_helpers.add_link(app, slugs)


@pytest.mark.parametrize("page", ["edit", "propose-archive", "history"])
def test_a_member_opens_the_pages_of_a_visible_link(app, ident, page):
    member = signed_in(app, link_helpers.MEMBER)

    assert member.get(f"/network/links/{ident}/{page}").status_code == 200


@pytest.mark.parametrize("page", ["edit", "propose-archive", "history", ""])
def test_a_link_whose_producer_was_archived_does_not_exist_for_a_member(
    app, slugs, ident, page
):
    archive_institution(app, slugs["kz-stat"])
    member = signed_in(app, link_helpers.MEMBER)

    assert member.get(f"/network/links/{ident}/{page}".rstrip("/")).status_code == 404


def test_no_proposal_on_a_link_the_member_may_not_see(app, slugs, ident):
    from migratory.moderation.proposals import propose

    archive_institution(app, slugs["kz-stat"])
    member = signed_in(app, link_helpers.MEMBER)
    before = proposals_count(app)

    path = f"/network/links/{ident}/propose-archive"
    posted = member.post(
        path, data={"csrf_token": csrf_token(member, "/me"), "comment": "ended"}
    )
    assert posted.status_code == 404
    with app.test_request_context(), pytest.raises(NotFound):
        propose(person(link_helpers.MEMBER), "link", "archive", ident, {}, "ended")
    assert proposals_count(app) == before


def test_who_may_change_a_hidden_link_still_opens_it(app, slugs, ident):
    archive_institution(app, slugs["kz-stat"])

    for email in (link_helpers.FOCAL_KZ, link_helpers.SECRETARIAT):
        client = signed_in(app, email)
        assert client.get(f"/network/links/{ident}/edit").status_code == 200
        assert client.get(f"/network/links/{ident}/history").status_code == 200


# Data sources


@pytest.fixture
def source(app):
    slugs = data_source_helpers.build_network(app)
    return slugs, data_source_helpers.add_data_source(app, slugs)


@pytest.mark.parametrize("page", ["edit", "propose-archive", "history", ""])
def test_a_data_source_of_an_archived_institution_does_not_exist_for_a_member(
    app, source, page
):
    slugs, slug = source
    member = signed_in(app, data_source_helpers.MEMBER)
    path = f"/data-sources/{slug}/{page}".rstrip("/")
    assert member.get(path).status_code == 200

    archive_institution(app, slugs["kz-stat"])

    assert member.get(path).status_code == 404
    secretariat = signed_in(app, data_source_helpers.SECRETARIAT)
    assert secretariat.get(path).status_code == 200


def test_history_offers_archiving_to_whom_the_view_allows(app, source):
    _, slug = source
    path = f"/data-sources/{slug}/history"
    member = signed_in(app, data_source_helpers.MEMBER)
    secretariat = signed_in(app, data_source_helpers.SECRETARIAT)

    assert f"/data-sources/{slug}/archive" not in member.get(path).get_data(
        as_text=True
    )
    assert f"/data-sources/{slug}/archive" in secretariat.get(path).get_data(
        as_text=True
    )
