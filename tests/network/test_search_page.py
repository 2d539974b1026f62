"""The search page finds more than institutions: "census Kazakhstan" lists the
institutions, the data sources and the producer-user links, each apart."""

import re

import pytest

from tests.network import data_source_helpers as sources
from tests.network import link_helpers as links


@pytest.fixture
def network(app):
    """The census office of Kazakhstan, its census, and a census link."""
    slugs = sources.build_network(app)
    sources.add_data_source(app, slugs)
    links.add_link(
        app,
        {"kz-stat": slugs["kz-stat"], "kz-mia": slugs["kz-interior"]},
        flow="census",
    )
    return slugs


def sections(page: str) -> dict[str, str]:
    """The other kinds' sections of the results page, by kind."""
    pattern = r'<section class="mb-3 other-kind" id="kind-([a-z_]+)"(.*?)</section>'
    return dict(re.findall(pattern, page, re.S))


def test_census_kazakhstan_finds_institutions_sources_and_links(client, network):
    page = client.get("/institutions?q=census+Kazakhstan").get_data(as_text=True)

    found = sections(page)
    assert set(found) == {"data_source", "link"}
    assert "Population census of Kazakhstan" in found["data_source"]
    assert "KZ Statistics Office" in found["link"]
    assert "KZ Ministry of Internal Affairs" in found["link"]


def test_in_russian_too(client, network):
    page = client.get("/institutions?q=перепись+Казахстан").get_data(as_text=True)

    assert "data_source" in sections(page)


def test_a_list_without_words_shows_only_institutions(client, network):
    page = client.get("/institutions?country=KZ").get_data(as_text=True)

    assert 'id="other-kinds"' not in page


def test_an_archived_data_source_is_not_found(app, client, network):
    from migratory.accounts.services import get_user_by_email
    from migratory.moderation.upkeep import set_archived
    from migratory.network.models import DataSource

    with app.app_context():
        from migratory.extensions import db

        slug = db.session.scalar(db.select(DataSource.slug))
        set_archived(get_user_by_email(sources.SECRETARIAT), "data_source", slug, True)
    page = client.get("/institutions?q=census+Kazakhstan").get_data(as_text=True)

    assert "data_source" not in sections(page)
