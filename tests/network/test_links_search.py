"""Links as search documents, on every backend: "census Kazakhstan" finds
them (in English and Russian), they follow renames and archiving of either
end, and the index agrees with the database."""

import pytest

from migratory.extensions import db
from tests.conftest import make_test_app, wipe_inventory
from tests.network.link_helpers import add_link, build_network
from tests.search.conftest import BACKENDS


@pytest.fixture(params=list(BACKENDS))
def app(request, tmp_path):
    """An application on each search backend (replaces the default `app`)."""
    url_fixture, backend = BACKENDS[request.param]
    app = make_test_app(
        request.getfixturevalue(url_fixture), tmp_path / "index", SEARCH_BACKEND=backend
    )
    yield app
    wipe_inventory(app)


@pytest.fixture
def network(app):
    slugs = build_network(app)
    ids = {
        "census": add_link(app, slugs, "kz-stat", "kz-mia"),
        "permits": add_link(
            app,
            slugs,
            "kz-mia",
            "intl",
            flow="permits",
            description="Quarterly permit counts",
        ),
        "uz": add_link(app, slugs, "uz-stat", "intl", description=None),
    }
    return slugs, ids


def found(app, words: str, **filters) -> list[int]:
    from migratory.search.kind_search import search_kind

    with app.test_request_context():  # a hit's url is built in a request
        results = search_kind("link", words, **filters)
        db.session.remove()
    return [hit.id for hit in results.hits]


@pytest.mark.parametrize(
    "words", ["census Kazakhstan", "перепись Казахстан", "population census BNS"]
)
def test_census_kazakhstan_finds_the_link(app, network, words):
    slugs, ids = network
    assert found(app, words) == [ids["census"]]


def test_title_snippet_and_url(app, network):
    from migratory.search.kind_search import search_kind

    slugs, ids = network
    with app.test_request_context():
        results = search_kind("link", "permits Geneva")
        [hit] = results.hits
        assert hit.id == ids["permits"]
        assert hit.title == (
            "Ministry of Internal Affairs → International Migration Data Organisation"
        )
        assert hit.url == f"/network/links/{ids['permits']}"
        assert "<mark>" in str(hit.snippet)
        db.session.remove()


def test_filters_by_flow_and_either_country(app, network):
    slugs, ids = network
    assert set(found(app, "census", facets={"flow": "census"})) == {
        ids["census"],
        ids["uz"],
    }
    assert found(app, "census", facets={"country": "CH"}) == [ids["uz"]]


def test_renaming_an_institution_changes_its_links(app, network):
    from migratory.inventory.services import update_institution
    from tests.network.link_helpers import INSTITUTIONS

    slugs, ids = network
    with app.app_context():
        update_institution(
            slugs["intl"],
            {**INSTITUTIONS["intl"], "name": "Global Mobility Observatory"},
        )
    assert set(found(app, "Global Mobility Observatory")) == {
        ids["permits"],
        ids["uz"],
    }
    assert found(app, "Organisation") == []  # only the old name had the word


def test_archived_links_and_links_of_archived_institutions_are_not_found(app, network):
    from migratory.inventory.services import get_institution
    from migratory.moderation.upkeep import set_archived
    from migratory.network.links import change_link, get_link

    slugs, ids = network
    with app.app_context():
        change_link(get_link(ids["census"]), {"status": "archived"}, source="web")
        db.session.commit()
    # Other links match some of the words (a partial result), not this one.
    assert ids["census"] not in found(app, "census Kazakhstan")
    with app.app_context():
        from migratory.accounts.models import User

        secretariat = db.session.scalar(
            db.select(User).where(User.role == "secretariat")
        )
        set_archived(
            secretariat, "institution", get_institution(slugs["uz-stat"]), True
        )
    assert ids["uz"] not in found(app, "Uzbekistan census")
    assert found(app, "Uzbekistan") == []
    assert found(app, "permits") == [ids["permits"]]


def test_the_index_agrees_with_the_database(app, network):
    from migratory.search.indexing import check_index, rebuild_index

    with app.app_context():
        assert check_index(repair=False).ok
        rebuild_index()
        assert check_index(repair=False).ok
        db.session.remove()
    slugs, ids = network
    assert found(app, "census Kazakhstan") == [ids["census"]]
