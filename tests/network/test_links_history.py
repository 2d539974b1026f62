"""A link's history: every change a revision (labelled with names, never
slugs or codes), restore, archive and publish again; and the one moderation
queue deciding an institution proposal and a link proposal side by side."""

import re

import pytest

from tests.conftest import csrf_token
from tests.moderation import signed_in, submit, table
from tests.network.link_helpers import (
    FOCAL_KZ,
    MEMBER,
    SECRETARIAT,
    add_link,
    build_network,
    counts,
    link,
    link_payload,
)


@pytest.fixture
def slugs(app):
    return build_network(app)


@pytest.fixture
def ident(app, slugs):
    return add_link(app, slugs)


def revisions(app, ident):
    from migratory.core.history import revisions_of
    from migratory.extensions import db

    with app.app_context():
        found = revisions_of("link", ident)
        db.session.expunge_all()
        return found


def test_every_change_is_a_revision_with_readable_differences(app, slugs, ident):
    secretariat = signed_in(app, SECRETARIAT)
    response = submit(
        secretariat,
        f"/network/links/{ident}/edit",
        form_id="link-form",
        user=slugs["kz-labour"],
        years="2015-",
        comment="The ministry took it over",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert [r.number for r in revisions(app, ident)] == [1, 2]
    saved = link(app, ident)
    assert (saved.consumer.slug, saved.year_from, saved.year_to) == (
        slugs["kz-labour"],
        2015,
        None,
    )
    page = secretariat.get(f"/network/links/{ident}/history").get_data(as_text=True)
    card = re.search(r'id="revision-2">(.*?)</li>', page, re.S)[1]
    assert "Ministry of Internal Affairs" in card  # names, not slugs
    assert "Ministry of Labour and Social Protection" in card
    assert slugs["kz-labour"] not in card
    assert "Last year covered" in card and "2021" in card
    assert "The ministry took it over" in card


def test_nothing_changed_writes_no_revision(app, slugs, ident):
    secretariat = signed_in(app, SECRETARIAT)
    response = submit(secretariat, f"/network/links/{ident}/edit", form_id="link-form")
    assert response.status_code == 302
    assert len(revisions(app, ident)) == 1


def test_restore_an_earlier_revision(app, slugs, ident):
    from migratory.extensions import db
    from migratory.moderation.upkeep import restore_revision
    from migratory.network.links import change_link, get_link, validate_link

    with app.app_context():
        data = validate_link(
            link_payload(slugs, flow="permits", description="Changed", id=ident)
        )
        change_link(get_link(ident), data, source="web")
        db.session.commit()
    secretariat = signed_in(app, SECRETARIAT)
    response = secretariat.post(
        f"/network/links/{ident}/history/1/restore",
        data={"csrf_token": csrf_token(secretariat, f"/network/links/{ident}/history")},
    )
    assert response.status_code == 302
    restored = link(app, ident)
    assert (restored.flow, restored.description) == (
        "census",
        "Census tables on the foreign-born population.",
    )
    numbers = [(r.number, r.source) for r in revisions(app, ident)]
    assert numbers == [(1, "seed"), (2, "web"), (3, "restore")]
    # Only the secretariat restores.
    with app.app_context():
        from migratory.accounts.models import User
        from migratory.core.errors import PermissionDenied

        focal = db.session.scalar(db.select(User).where(User.email == FOCAL_KZ))
        with pytest.raises(PermissionDenied):
            restore_revision(focal, "link", ident, 1)


def test_archive_hides_and_publish_again_shows(app, slugs, ident):
    focal = signed_in(app, FOCAL_KZ)  # linked to the producer
    token = csrf_token(focal, f"/network/links/{ident}")
    assert focal.post(f"/network/links/{ident}/archive", data={"csrf_token": token})
    archived = link(app, ident)
    assert archived.status == "archived"
    assert counts(app) == (1, 2)  # nothing deleted; a revision more
    anonymous = app.test_client()
    assert anonymous.get(f"/network/links/{ident}").status_code == 404
    assert anonymous.get(f"/api/v1/links/{ident}").status_code == 404
    listed = anonymous.get("/network/links").get_data(as_text=True)
    assert f'data-link="{ident}"' not in listed
    # Archived, it stays visible to those who may change it, with its history.
    assert focal.get(f"/network/links/{ident}/history").status_code == 200
    focal.post(f"/network/links/{ident}/unarchive", data={"csrf_token": token})
    assert link(app, ident).status == "published"
    assert anonymous.get(f"/network/links/{ident}").status_code == 200
    assert [r.comment for r in revisions(app, ident)][1:] == [
        "Archived",
        "Restored from the archive",
    ]


def test_a_member_proposes_archiving(app, slugs, ident):
    from tests.moderation import proposals

    member = signed_in(app, MEMBER)
    page = member.get(f"/network/links/{ident}").get_data(as_text=True)
    assert "Propose archiving" in page and '/archive"' not in page
    response = member.post(
        f"/network/links/{ident}/propose-archive",
        data={
            "csrf_token": csrf_token(member, f"/network/links/{ident}/propose-archive"),
            "comment": "The ministry no longer receives census tables.",
        },
    )
    assert response.status_code == 302
    assert link(app, ident).status == "published"
    [proposal] = proposals(app, record_kind="link", action="archive")
    assert proposal.record_id == ident
    secretariat = signed_in(app, SECRETARIAT)
    approved = secretariat.post(
        f"/secretariat/proposals/{proposal.id}/approve",
        data={"csrf_token": csrf_token(secretariat, "/secretariat/proposals")},
    )
    assert approved.status_code == 302
    assert link(app, ident).status == "archived"


def test_one_queue_decides_an_institution_and_a_link_proposal(app, slugs):
    from tests.moderation import proposals

    member = signed_in(app, MEMBER)
    new_institution = submit(
        member,
        "/institutions/new",
        form_id="institution-form",
        name="Migration Research Centre",
        category="academic",
        country="KZ",
    )
    assert new_institution.status_code == 302
    new_link = submit(
        member,
        "/network/links/new",
        form_id="link-form",
        producer=slugs["kz-mia"],
        user=slugs["intl"],
        flow="border-crossings",
        years="2018-2023",
    )
    assert new_link.status_code == 302
    assert counts(app) == (0, 0)  # proposed, not saved
    secretariat = signed_in(app, SECRETARIAT)
    queue = secretariat.get("/secretariat/proposals").get_data(as_text=True)
    rows = table(queue, "queue")
    assert [row[1] for row in rows] == ["Institution", "Producer–user link"]
    assert rows[1][3] == (
        "Ministry of Internal Affairs → International Migration Data Organisation"
    )
    assert 'data-kind="link"' in queue and 'data-kind="institution"' in queue
    for proposal in proposals(app, status="pending"):
        page = secretariat.get(f"/secretariat/proposals/{proposal.id}")
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        if proposal.record_kind == "link":
            diff = table(text, "proposal-diff")
            assert ["What flows", "", "Border crossing records"] in diff
            assert ["Producer", "", "Ministry of Internal Affairs"] in diff
        response = secretariat.post(
            f"/secretariat/proposals/{proposal.id}/approve",
            data={"csrf_token": csrf_token(secretariat, "/secretariat/proposals")},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    assert counts(app) == (1, 1)
    assert {p.record_kind for p in proposals(app, status="approved")} == {
        "institution",
        "link",
    }
    queue = secretariat.get("/secretariat/proposals").get_data(as_text=True)
    assert "Nothing waiting." in queue


def test_secretariat_edits_a_link_proposal_before_approving(app, slugs):
    from migratory.moderation.proposals import create_or_propose
    from tests.moderation import form_data, proposals

    with app.app_context():
        from migratory.accounts.models import User
        from migratory.extensions import db

        member = db.session.scalar(db.select(User).where(User.email == MEMBER))
        create_or_propose(member, "link", link_payload(slugs, years="2009"))
    [proposal] = proposals(app, status="pending")
    secretariat = signed_in(app, SECRETARIAT)
    page = secretariat.get(f"/secretariat/proposals/{proposal.id}")
    data, action = form_data(page.get_data(as_text=True), form_id="approve-form")
    data.update(edited=["1"], years=["2009-2021"], flow=["population-register"])
    assert secretariat.post(action, data=data).status_code == 302
    with app.app_context():
        from migratory.extensions import db
        from migratory.network.models import ProducerUserLink

        saved = db.session.scalar(db.select(ProducerUserLink))
        assert (saved.flow, saved.year_from, saved.year_to) == (
            "population-register",
            2009,
            2021,
        )


def test_an_edit_of_a_link_changed_meanwhile_is_a_conflict(app, slugs, ident):
    from migratory.extensions import db
    from migratory.network.links import change_link, get_link
    from tests.moderation import form_data

    secretariat = signed_in(app, SECRETARIAT)
    page = secretariat.get(f"/network/links/{ident}/edit").get_data(as_text=True)
    data, _ = form_data(page, form_id="link-form")
    with app.app_context():
        change_link(get_link(ident), {"description": "Meanwhile"}, source="web")
        db.session.commit()
    data["description"] = ["Mine"]
    response = secretariat.post(f"/network/links/{ident}/edit", data=data)
    assert response.status_code == 409
    assert "changed by someone else" in response.get_data(as_text=True)
    assert link(app, ident).description == "Meanwhile"
    assert len(revisions(app, ident)) == 2
