"""One table of words per flow (English and Russian) serves the search
documents of links and data sources; one vocabulary validator serves both
schemas."""

import re

import pytest

from migratory.network.vocab import FLOW_WORDS, FLOWS
from tests.network.data_source_helpers import add_data_source, build_network


def test_every_flow_has_english_and_russian_words():
    assert set(FLOW_WORDS) == set(FLOWS)
    for flow, words in FLOW_WORDS.items():
        assert re.search(r"[a-z]", words), flow
        assert re.search(r"[а-яё]", words), flow


def test_links_and_data_sources_share_the_table():
    from migratory.network import data_source_search, link_schemas, link_search, schemas

    assert data_source_search.FLOW_WORDS is link_search.FLOW_WORDS is FLOW_WORDS
    assert link_schemas.one_of is schemas.one_of


@pytest.mark.parametrize("words", ["другие данные", "other data"])
def test_a_data_source_of_other_data_is_found_by_its_type(app, words):
    from migratory.extensions import db
    from migratory.search.kind_search import search_kind

    slugs = build_network(app)
    add_data_source(app, slugs, name="Misc tables", names=[], type="other")
    with app.test_request_context():
        hits = search_kind("data_source", words).hits
        db.session.remove()
    assert [hit.title for hit in hits] == ["Misc tables"]
