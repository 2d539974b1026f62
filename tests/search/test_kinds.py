"""Document kinds: a second kind beside institutions, on every backend.

The test kind "dossier" is built from institutions' rows (no table of its
own): one dossier per published producer, with the same id as its
institution, other words in its title, and the producer's roles as a facet.
"""

import pytest
from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from migratory.core.changes import pop_changes
from migratory.extensions import db
from migratory.inventory.models import Institution
from migratory.inventory.services import create_institution, update_institution
from migratory.search.indexing import check_index, rebuild_index
from migratory.search.kind_search import search_all_kinds, search_kind
from migratory.search.registry import (
    DocumentKind,
    Watch,
    document_kinds,
    make_document,
    register_document_kind,
    unregister_document_kind,
)
from migratory.search.services import (
    get_backend,
    search_institutions,
    suggest_institutions,
)
from tests.conftest import institution_payload

ENTRIES = {
    "KSO": dict(
        name="Kazakh Statistics Office", city="Astana", country="KZ", roles=["producer"]
    ),
    "GMA": dict(
        name="Georgian Migration Agency",
        city="Tbilisi",
        country="GE",
        roles=["producer", "user"],
        names=[{"lang": "ru", "name": "Грузинское миграционное агентство"}],
    ),
    "URC": dict(name="Uzbek Research Centre", city="Tashkent", country="UZ", roles=[]),
}


def _is_dossier(institution: Institution) -> bool:
    return institution.status == "published" and "producer" in institution.roles


def load_dossiers(ids, session):
    """Dossiers of the published producers among `ids`; the other ids go."""
    query = (
        select(Institution)
        .where(Institution.id.in_(ids))
        .options(selectinload(Institution.names))
    )
    documents = [
        make_document(
            i.id,
            f"Dossier {i.city}",
            i.updated.timestamp(),
            names=" ".join(n.name for n in i.names),
            body=f"Census records kept by {i.name}.",
            country=i.country_code,
            facets={"role": i.roles},
        )
        for i in session.scalars(query)
        if _is_dossier(i)
    ]
    kept = {document["id"] for document in documents}
    return documents, [i for i in ids if i not in kept]


def visible_dossiers(session):
    return {
        i.id: i.updated.timestamp()
        for i in session.scalars(select(Institution))
        if _is_dossier(i)
    }


DOSSIERS = DocumentKind(
    name="dossier",
    label="Dossiers",
    load=load_dossiers,
    all_ids=visible_dossiers,
    watch=(Watch(Institution, lambda institution: [institution.id]),),
    url=lambda ident: f"/dossiers/{ident}",
)


@pytest.fixture
def dossiers():
    """The test kind, registered for this test only."""
    register_document_kind(DOSSIERS)
    yield DOSSIERS
    unregister_document_kind(DOSSIERS.name)


@pytest.fixture
def entries(search_ctx, dossiers):
    """Institutions created and then updated through the services: {acronym: id}.

    Creating is a set-based insert, which marks only the institution kind
    (kinds watch ORM flushes); the update, through the ORM, reaches dossiers.
    """
    ids = {}
    for acronym in ENTRIES:
        slug = create_institution(_payload(acronym, summary="Created.")).slug
        ids[acronym] = update_institution(slug, _payload(acronym)).id
    return ids


def _payload(acronym: str, **changes) -> dict:
    """The institution `acronym` of ENTRIES, with `changes`."""
    number = list(ENTRIES).index(acronym)
    return institution_payload(
        **{
            "names": [],
            "website": f"https://k{number}.example.org",
            "summary": "An entry of the document kinds test.",
            "topics": [],
            "acronym": acronym,
            **ENTRIES[acronym],
            **changes,
        }
    )


def _institution(ident: int) -> Institution:
    return db.session.get(Institution, ident)


def titles(results) -> list[str]:
    return [hit.title for hit in results.hits]


def test_two_kinds_with_one_id_do_not_collide(entries):
    backend = get_backend()
    assert backend.count("institution") == 3
    assert backend.count("dossier") == 2
    assert backend.count() == 5
    producers = {entries["KSO"], entries["GMA"]}
    assert set(backend.indexed_ids("dossier")) == producers
    assert set(backend.indexed_ids("institution")) == set(entries.values())
    # Removing a dossier leaves the institution of the same id, and back.
    backend.remove([entries["KSO"]], kind="dossier")
    assert set(backend.indexed_ids("institution")) == set(entries.values())
    assert search_institutions("kazakh", {}).total == 1
    backend.remove([entries["GMA"]], kind="institution")
    assert set(backend.indexed_ids("dossier")) == {entries["GMA"]}
    assert titles(search_kind("dossier", "tbilisi")) == ["Dossier Tbilisi"]


def test_searching_one_kind_never_returns_the_other(entries):
    assert search_institutions("dossier", {}).total == 0
    assert suggest_institutions("dossi") == []
    page = search_institutions("census", {})
    assert page.total == 0 and page.facets["country"] == []
    found = search_kind("dossier", "census")
    assert found.total == 2 and found.label == "Dossiers"
    assert {hit.id for hit in found.hits} == {entries["KSO"], entries["GMA"]}
    assert all("<mark>Census</mark>" in hit.snippet for hit in found.hits)
    assert {hit.url for hit in found.hits} == {
        f"/dossiers/{entries['KSO']}",
        f"/dossiers/{entries['GMA']}",
    }
    # A word of both kinds: each search keeps to its own.
    statistics = search_institutions("statistics", {})
    assert [hit.institution.name for hit in statistics.hits] == [
        "Kazakh Statistics Office"
    ]
    assert statistics.facets["country"] == [("KZ", "Kazakhstan", 1)]
    assert titles(search_kind("dossier", "statistics")) == ["Dossier Astana"]
    assert search_kind("institution", "dossier").total == 0


def test_other_kinds_use_the_same_analysis_and_filters(entries):
    # Russian, transliterated, misspelt, and a country's name.
    for query in ("миграционное агентство", "migratsionnoe", "Tbilsi", "Georgia"):
        assert titles(search_kind("dossier", query)) == ["Dossier Tbilisi"], query
    assert titles(search_kind("dossier", "census", country="KZ")) == ["Dossier Astana"]
    assert titles(search_kind("dossier", "census", facets={"role": "user"})) == [
        "Dossier Tbilisi"
    ]
    assert search_kind("dossier", "census", facets={"role": ["nobody"]}).total == 0
    assert search_kind("dossier", "  ").total == 0
    first = search_kind("dossier", "census", page=1, per_page=1)
    second = search_kind("dossier", "census", page=2, per_page=1)
    assert first.total == second.total == 2
    assert len(first.hits) == len(second.hits) == 1
    assert first.hits[0].id != second.hits[0].id


def test_search_all_kinds_lists_the_other_kinds_with_matches(entries):
    [results] = search_all_kinds("census astana")
    assert results.kind == "dossier" and titles(results) == ["Dossier Astana"]
    assert search_all_kinds("nothing matches this") == []


def test_changes_reach_the_new_kind_after_commit(entries):
    urc = _institution(entries["URC"]).slug
    update_institution(urc, _payload("URC", roles=["producer"], city="Samarkand"))
    assert titles(search_kind("dossier", "samarkand")) == ["Dossier Samarkand"]
    # No longer a producer: its dossier goes, the institution stays.
    update_institution(urc, _payload("URC", roles=["user"], city="Samarkand"))
    assert search_kind("dossier", "samarkand").total == 0
    assert search_institutions("uzbek", {}).total == 1
    assert check_index(repair=False).ok


def test_a_rollback_indexes_nothing_of_any_kind(entries):
    backend = get_backend()
    before = {kind.name: backend.indexed_ids(kind.name) for kind in document_kinds()}
    institution = _institution(entries["KSO"])
    institution.city = "Zhezkazgan"
    db.session.flush()
    db.session.rollback()
    assert pop_changes(db.session) == {}
    assert search_kind("dossier", "zhezkazgan").total == 0
    after = {kind.name: backend.indexed_ids(kind.name) for kind in document_kinds()}
    assert after == before
    assert check_index(repair=False).ok


def test_a_failed_update_is_queued_for_its_kind(search_ctx, monkeypatch):
    """The dossier kind fails once after commit; its job (run at once in
    tests) indexes it, and the institutions' own update is not disturbed."""
    calls = []

    def fails_once(ids, session):
        calls.append(ids)
        if len(calls) == 1:
            raise RuntimeError("dossier storage is unavailable")
        return load_dossiers(ids, session)

    flaky = DocumentKind(
        name="dossier",
        label="Dossiers",
        load=fails_once,
        all_ids=visible_dossiers,
        watch=DOSSIERS.watch,
    )
    register_document_kind(flaky)
    try:
        slug = create_institution(institution_payload(city="Almaty")).slug
        assert calls == []  # a set-based insert: only institutions follow
        update_institution(slug, institution_payload(city="Shymkent"))
        assert len(calls) == 2
        assert titles(search_kind("dossier", "shymkent")) == ["Dossier Shymkent"]
        assert search_institutions("agency", {}).total == 1
    finally:
        unregister_document_kind("dossier")


def test_check_and_rebuild_cover_every_kind(entries, search_app):
    backend = get_backend()
    backend.clear()
    check = check_index(repair=False)
    assert sorted(check.missing) == sorted(
        [("institution", i) for i in entries.values()]
        + [("dossier", entries["KSO"]), ("dossier", entries["GMA"])]
    )
    assert check_index().missing == check.missing
    assert check_index(repair=False).ok
    assert backend.count("dossier") == 2

    # Left behind by the index: a dossier gone, every document of one stale.
    search_app.config["SEARCH_INDEX_ON_COMMIT"] = False
    kso = _institution(entries["KSO"]).slug
    update_institution(kso, _payload("KSO", roles=["user"]))
    check = check_index(repair=False)
    assert ("dossier", entries["KSO"]) in check.extra
    assert ("institution", entries["KSO"]) in check.stale
    assert not check.missing

    assert rebuild_index() == 4
    assert backend.count("dossier") == 1
    assert check_index(repair=False).ok
    assert search_kind("dossier", "astana").total == 0


def test_cli_rebuild_and_check_name_every_kind(entries, search_app):
    runner = search_app.test_cli_runner()
    result = runner.invoke(args=["search", "rebuild", "--procs", "1"])
    assert result.exit_code == 0, result.output
    # Other registered kinds (links, data sources) have no documents here.
    assert "Indexed 5 documents (" in result.output
    assert "institution: 3" in result.output and "dossier: 2" in result.output
    get_backend().remove([entries["GMA"]], kind="dossier")
    result = runner.invoke(args=["search", "check", "--no-repair"])
    assert result.exit_code == 1
    assert f"missing: 1 (dossier:{entries['GMA']})" in result.output
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0 and "Repaired." in result.output
    assert get_backend().count("dossier") == 2


def test_a_kind_name_is_registered_once(dossiers):
    register_document_kind(DOSSIERS)  # the same kind again: another app
    assert [kind.name for kind in document_kinds()].count("dossier") == 1
    other = DocumentKind("dossier", "Other", load_dossiers, visible_dossiers)
    with pytest.raises(ValueError):
        register_document_kind(other)
    with pytest.raises(ValueError):
        register_document_kind(DocumentKind("a:b", "Bad", load_dossiers, dict))


def test_the_search_page_partial_lists_other_kinds(entries, search_app):
    with search_app.test_request_context():
        html = render_template(
            "search/_other_kinds.html", other_kinds=search_all_kinds("census")
        )
    assert 'id="kind-dossier-heading">Dossiers' in html
    assert f'href="/dossiers/{entries["KSO"]}">Dossier Astana</a>' in html
    assert "<mark>Census</mark> records kept by Kazakh Statistics Office" in html
