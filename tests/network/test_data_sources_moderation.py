"""Data sources through the pages: who changes them directly and who only
proposes, the secretariat's one queue, messages of refused input, history
labels, restore, archive and propose archiving."""

import re

import pytest
from sqlalchemy import select

from tests.moderation import proposals, signed_in, submit
from tests.network.data_source_helpers import (
    FOCAL_KZ,
    FOCAL_UZ,
    MEMBER,
    SECRETARIAT,
    add_data_source,
    build_network,
    counts,
    data_source,
)


@pytest.fixture
def slugs(app):
    return build_network(app)


@pytest.fixture
def kz_census(app, slugs):
    return add_data_source(app, slugs)


@pytest.fixture
def uz_census(app, slugs):
    return add_data_source(
        app, slugs, name="Population census of Uzbekistan", institution="uz-stat"
    )


def edit(client, slug, **changes):
    return submit(client, f"/data-sources/{slug}/edit", "data-source-form", **changes)


def propose_new(client, **fields):
    return submit(client, "/data-sources/new", "data-source-form", **fields)


def revision_sources(app, slug) -> list[str]:
    from migratory.core.history import revisions_of

    ident = data_source(app, slug).id
    with app.app_context():
        return [r.source for r in revisions_of("data_source", ident)]


def test_focal_point_of_kz_edits_a_kz_data_source_directly(app, kz_census):
    response = edit(signed_in(app, FOCAL_KZ), kz_census, latest_year="2022")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/data-sources/{kz_census}")
    saved = data_source(app, kz_census)
    assert (saved.latest_year, saved.version) == (2022, 2)
    assert proposals(app) == []


def test_focal_point_of_kz_only_proposes_for_a_uz_data_source(app, uz_census):
    client = signed_in(app, FOCAL_KZ)
    page = client.get(f"/data-sources/{uz_census}/edit").get_data(as_text=True)
    assert "as a proposal" in page
    response = edit(client, uz_census, latest_year="2022")
    assert response.status_code == 302
    assert (data_source(app, uz_census).latest_year, counts(app)) == (2021, (1, 1))
    [proposal] = proposals(app)
    assert (proposal.record_kind, proposal.action) == ("data_source", "change")
    assert proposal.status == "pending"


def test_focal_point_adds_in_their_country_and_proposes_elsewhere(app, slugs):
    client = signed_in(app, FOCAL_UZ)
    fields = {"name": "Labour force survey", "type": "labour-force-survey"}
    assert propose_new(client, institution=slugs["uz-stat"], **fields).status_code == (
        302
    )
    assert counts(app) == (1, 1)
    assert propose_new(client, institution=slugs["kz-stat"], **fields).status_code == (
        302
    )
    assert counts(app) == (1, 1)
    [proposal] = proposals(app)
    assert (proposal.action, proposal.record_id) == ("new", None)


def test_focal_point_cannot_move_a_data_source_to_another_country(app, slugs):
    slug = add_data_source(app, slugs, institution="intl-org", country="KZ")
    response = edit(signed_in(app, FOCAL_KZ), slug, country="UZ")
    assert response.status_code == 422
    assert "cannot move a data source to another country" in response.get_data(
        as_text=True
    )
    assert data_source(app, slug).country_code == "KZ"
    assert data_source(app, slug).version == 1


def test_refused_input_is_explained_on_the_form_and_nothing_is_written(app, slugs):
    client = signed_in(app, SECRETARIAT)
    response = propose_new(
        client,
        name="Border records",
        type="border-crossings",
        institution="no-such-office",
        access="online",
        access_url="http//stat.example.kz",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was saved" in page
    assert "Unknown institution &#39;no-such-office&#39;." in page
    assert "Not a valid URL" in page
    assert counts(app) == (0, 0)
    assert proposals(app) == []


def test_the_secretariat_approves_a_new_data_source_from_the_one_queue(app, slugs):
    member = signed_in(app, MEMBER)
    response = propose_new(
        member,
        name="Residence permits register",
        type="permits",
        institution=slugs["kz-interior"],
        coverage=["flows", "labour-migration"],
    )
    assert response.status_code == 302
    [proposal] = proposals(app)
    secretariat = signed_in(app, SECRETARIAT)
    queue = secretariat.get("/secretariat/proposals").get_data(as_text=True)
    assert '<td data-kind="data_source">Data source</td>' in queue
    assert "Residence permits register" in queue
    page = secretariat.get(f"/secretariat/proposals/{proposal.id}").get_data(
        as_text=True
    )
    assert "Residence and work permits" in page  # the type's name, not "permits"
    assert "KZ Ministry of Internal Affairs" in page
    response = submit(
        secretariat, f"/secretariat/proposals/{proposal.id}", "approve-form"
    )
    assert response.status_code == 302
    [decided] = proposals(app)
    assert decided.status == "approved"
    slug = "residence-permits-register"
    saved = data_source(app, slug)
    assert (saved.source_type, saved.country_code) == ("permits", "KZ")
    assert saved.coverage == ["flows", "labour-migration"]
    assert revision_sources(app, slug) == [f"proposal:{proposal.id}"]


def test_a_proposed_change_is_approved_as_proposed(app, kz_census):
    edit(signed_in(app, FOCAL_UZ), kz_census, latest_year="2023")
    [proposal] = proposals(app)
    secretariat = signed_in(app, SECRETARIAT)
    page = secretariat.get(f"/secretariat/proposals/{proposal.id}")
    assert "Latest reference year" in page.get_data(as_text=True)
    submit(secretariat, f"/secretariat/proposals/{proposal.id}", "approve-form")
    saved = data_source(app, kz_census)
    assert (saved.latest_year, saved.version) == (2023, 2)
    assert revision_sources(app, kz_census)[-1] == f"proposal:{proposal.id}"


def test_history_shows_labels_and_names_and_the_secretariat_restores(app, kz_census):
    edit(
        signed_in(app, FOCAL_KZ),
        kz_census,
        type="population-register",
        periodicity="continuous",
    )
    client = signed_in(app, SECRETARIAT)
    page = client.get(f"/data-sources/{kz_census}/history").get_data(as_text=True)
    rows = dict(re.findall(r'data-field="([^"]+)">([^<]+)</th>', page))
    assert rows["type"] == "Type"
    assert rows["periodicity"] == "Periodicity"
    assert "population-register" not in page and "decennial" not in page
    assert "<ins>Population register</ins>" in page
    assert "<del>About every ten years</del>" in page
    response = submit(
        client,
        f"/data-sources/{kz_census}/history",
        action=f"/data-sources/{kz_census}/history/1/restore",
    )
    assert response.status_code == 302
    saved = data_source(app, kz_census)
    assert (saved.source_type, saved.periodicity, saved.version) == (
        "census",
        "decennial",
        3,
    )
    assert revision_sources(app, kz_census)[-1] == "restore"


def test_only_the_secretariat_restores(app, kz_census):
    edit(signed_in(app, FOCAL_KZ), kz_census, latest_year="2022")
    page = signed_in(app, FOCAL_KZ).get(f"/data-sources/{kz_census}/history")
    assert "Restore this revision" not in page.get_data(as_text=True)


def test_archiving_hides_it_from_list_api_and_search_until_published_again(
    app, kz_census
):
    from migratory.search.kind_search import search_kind

    def visible() -> dict:
        anonymous = app.test_client()
        with app.test_request_context():
            found = [hit.id for hit in search_kind("data_source", "census").hits]
        return {
            "list": kz_census in anonymous.get("/data-sources").get_data(as_text=True),
            "page": anonymous.get(f"/data-sources/{kz_census}").status_code,
            "api": anonymous.get("/api/v1/data-sources").get_json()["total"],
            "api_one": anonymous.get(f"/api/v1/data-sources/{kz_census}").status_code,
            "search": len(found),
        }

    shown = {"list": True, "page": 200, "api": 1, "api_one": 200, "search": 1}
    assert visible() == shown
    client = signed_in(app, SECRETARIAT)
    history = f"/data-sources/{kz_census}/history"
    submit(client, history, action=f"/data-sources/{kz_census}/archive")
    assert data_source(app, kz_census).status == "archived"
    assert visible() == {"list": False, "page": 404, "api": 0, "api_one": 404,
                         "search": 0}  # fmt: skip
    archived_page = client.get(f"/data-sources/{kz_census}").get_data(as_text=True)
    assert 'id="archived-note"' in archived_page
    submit(client, history, action=f"/data-sources/{kz_census}/unarchive")
    assert visible() == shown


def test_a_proposal_to_archive_is_approved_from_the_queue(app, kz_census):
    member = signed_in(app, MEMBER)
    response = submit(
        member,
        f"/data-sources/{kz_census}/propose-archive",
        comment="Replaced by the register.",
    )
    assert response.status_code == 302
    [proposal] = proposals(app)
    assert (proposal.action, proposal.record_kind) == ("archive", "data_source")
    secretariat = signed_in(app, SECRETARIAT)
    queue = secretariat.get("/secretariat/proposals").get_data(as_text=True)
    assert "archiving" in queue
    submit(secretariat, f"/secretariat/proposals/{proposal.id}", "approve-form")
    assert data_source(app, kz_census).status == "archived"


def test_focal_point_sees_an_archived_data_source_of_their_country(app, kz_census):
    from migratory.accounts.models import User
    from migratory.extensions import db
    from migratory.moderation.upkeep import set_archived

    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == SECRETARIAT))
        set_archived(actor, "data_source", kz_census, True)
    assert signed_in(app, FOCAL_KZ).get(f"/data-sources/{kz_census}").status_code == (
        200
    )
    assert signed_in(app, FOCAL_UZ).get(f"/data-sources/{kz_census}").status_code == (
        404
    )


def test_the_secretariat_edits_a_proposal_before_approving_it(app, slugs):
    propose_new(
        signed_in(app, MEMBER),
        name="Consular register",
        type="consular-registers",
        institution=slugs["kz-stat"],
        latest_year="2020",
    )
    [proposal] = proposals(app)
    response = submit(
        signed_in(app, SECRETARIAT),
        f"/secretariat/proposals/{proposal.id}",
        "approve-form",
        name="Register of citizens abroad",
        latest_year="2021",
        edited="1",
    )
    assert response.status_code == 302
    saved = data_source(app, "register-of-citizens-abroad")
    assert (saved.source_type, saved.latest_year) == ("consular-registers", 2021)
