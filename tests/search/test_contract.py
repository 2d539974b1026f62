"""One contract for every search backend: what any backend must do the same way."""

import pytest
from sqlalchemy import select

from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.inventory.services import create_institution, update_institution
from migratory.search.services import (
    check_index,
    get_backend,
    rebuild_index,
    search_institutions,
    suggest_institutions,
)
from tests.conftest import institution_payload

ENTRIES = [
    {
        "name": "Bureau of Labour Migration",
        "acronym": "BLM",
        "country": "KZ",
        "category": "government",
        "topics": ["labour-migration"],
        "roles": ["producer"],
        "summary": "Counts workers who move abroad and the remittances they send.",
    },
    {
        "name": "Centre for Refugee Studies",
        "acronym": "CRS",
        "country": "DE",
        "category": "academic",
        "topics": ["asylum-refugees"],
        "roles": ["user"],
        "summary": "Research on asylum procedures and integration of refugees.",
    },
    {
        "name": "Diaspora Network of Georgia",
        "acronym": "DNG",
        "country": "GE",
        "category": "non-profit",
        "topics": ["diaspora", "remittances"],
        "roles": [],
        "names": [{"lang": "ru", "name": "Сеть диаспоры Грузии"}],
        "summary": "Connects Georgians abroad.",
    },
    {
        "name": "Statistics Office of Migration",
        "acronym": "SOM",
        "country": "KZ",
        "category": "government",
        "topics": ["migration-statistics"],
        "roles": ["producer"],
        "summary": "Publishes migration statistics.",
    },
]


@pytest.fixture
def entries(search_ctx):
    """The contract's institutions, created through the service (and indexed)."""
    slugs = {}
    for number, entry in enumerate(ENTRIES):
        payload = institution_payload(
            **{"names": [], "website": f"https://e{number}.example.org", **entry}
        )
        slugs[entry["acronym"]] = create_institution(payload).slug
    return slugs


def names(page) -> list[str]:
    return [hit.institution.name for hit in page.hits]


def test_created_institutions_are_indexed_after_commit(entries):
    assert get_backend().count() == len(ENTRIES)
    assert names(search_institutions("refugee", {})) == ["Centre for Refugee Studies"]


def test_update_reindexes_and_old_words_are_gone(entries):
    update_institution(
        entries["CRS"],
        institution_payload(
            name="Centre for Asylum Studies",
            acronym="CRS",
            country="DE",
            category="academic",
            website="https://e1.example.org",
            names=[],
            summary="Research on asylum.",
        ),
    )
    assert names(search_institutions("refugee", {})) == []
    assert names(search_institutions("asylum studies", {})) == [
        "Centre for Asylum Studies"
    ]


def test_archived_institutions_leave_the_index(entries):
    payload = institution_payload(**{**ENTRIES[0], "website": "https://e0.example.org"})
    update_institution(entries["BLM"], {**payload, "names": [], "status": "archived"})
    assert get_backend().count() == len(ENTRIES) - 1
    assert names(search_institutions("labour", {})) == []


def test_rolled_back_changes_never_reach_the_index(entries):
    institution = db.session.scalar(
        select(Institution).where(Institution.slug == entries["DNG"])
    )
    institution.name = "Renamed Network"
    db.session.flush()
    db.session.rollback()
    assert names(search_institutions("renamed", {})) == []
    assert names(search_institutions("diaspora", {})) == ["Diaspora Network of Georgia"]


def test_filters_combine_with_words(entries):
    assert set(names(search_institutions("migration", {"country": "KZ"}))) == {
        "Bureau of Labour Migration",
        "Statistics Office of Migration",
    }
    found = search_institutions(
        "migration", {"country": "KZ", "topic": "labour-migration"}
    )
    assert names(found) == ["Bureau of Labour Migration"]
    assert names(search_institutions("diaspora", {"region": "south-caucasus"})) == [
        "Diaspora Network of Georgia"
    ]
    assert names(search_institutions("diaspora", {"region": "central-asia"})) == []
    assert names(search_institutions("refugees", {"role": "user"})) == [
        "Centre for Refugee Studies"
    ]
    assert names(search_institutions("refugees", {"category": "government"})) == []


def test_facets_count_the_whole_match(entries):
    page = search_institutions("remittances", {})
    assert page.total == 2
    facets = {name: {v: n for v, _, n in items} for name, items in page.facets.items()}
    assert facets["category"] == {"government": 1, "non-profit": 1}
    assert facets["country"] == {"KZ": 1, "GE": 1}
    assert facets["topic"] == {"labour-migration": 1, "diaspora": 1, "remittances": 1}
    assert facets["region"]["eecca"] == 2
    assert facets["region"]["central-asia"] == 1
    assert facets["region"]["south-caucasus"] == 1


def test_pagination_and_sorting(entries):
    first = search_institutions("migration", {"per_page": 1, "page": 1, "sort": "name"})
    second = search_institutions(
        "migration", {"per_page": 1, "page": 2, "sort": "name"}
    )
    assert first.total == second.total == 2
    assert names(first) + names(second) == [
        "Bureau of Labour Migration",
        "Statistics Office of Migration",
    ]
    beyond = search_institutions("migration", {"per_page": 1, "page": 9})
    assert beyond.hits == [] and beyond.total == 2


def test_name_and_acronym_rank_above_summary(entries):
    # "Migration" is in the names of two entries and in one other's summary only.
    assert names(search_institutions("workers", {})) == ["Bureau of Labour Migration"]
    assert names(search_institutions("SOM", {}))[0] == "Statistics Office of Migration"


def test_russian_and_transliterated_queries(entries):
    for query in ("Сеть диаспоры", "диаспора", "set diaspory"):
        assert names(search_institutions(query, {})) == ["Diaspora Network of Georgia"]


def test_typos_find_results_below_exact_matches(entries):
    assert names(search_institutions("refugess", {})) == ["Centre for Refugee Studies"]
    page = search_institutions("diaspra", {})
    assert names(page) == ["Diaspora Network of Georgia"]


def test_did_you_mean_when_nothing_matches(entries):
    page = search_institutions("diaspra zzzqqq", {})
    assert page.total == 1  # partial: the corrected word matched
    empty = search_institutions("refugess labourr", {"country": "GE"})
    assert empty.total == 0
    assert empty.suggestion == "refugees labour"


def test_suggest_by_word_prefix_of_names_and_acronyms(entries):
    assert [i.name for i in suggest_institutions("diasp")] == [
        "Diaspora Network of Georgia"
    ]
    assert [i.name for i in suggest_institutions("blm")] == [
        "Bureau of Labour Migration"
    ]
    assert {i.name for i in suggest_institutions("mig")} == {
        "Bureau of Labour Migration",
        "Statistics Office of Migration",
    }
    assert [i.name for i in suggest_institutions("сеть")] == [
        "Diaspora Network of Georgia"
    ]
    assert suggest_institutions("") == []


def test_check_reports_and_repairs_differences(entries):
    backend = get_backend()
    ids = sorted(backend.indexed_ids())
    backend.remove([ids[0]])
    assert check_index(repair=False).missing == [("institution", ids[0])]
    check = check_index()
    assert check.missing == [("institution", ids[0])]
    assert check_index(repair=False).ok
    assert backend.count() == len(ENTRIES)


def test_rebuild_from_the_database(entries):
    backend = get_backend()
    backend.clear()
    assert backend.count() == 0
    assert rebuild_index() == len(ENTRIES)
    assert names(search_institutions("refugee", {})) == ["Centre for Refugee Studies"]
