"""How many queries the network's pages and search documents cost: ids
only for word matches, institutions' names loaded with data sources, links
reindexed only when what their documents say changes, labels looked up once
a request."""

from contextlib import contextmanager

from sqlalchemy import event, select

from migratory.extensions import db
from tests.conftest import institution_payload
from tests.network import link_helpers
from tests.network.data_source_helpers import add_data_source, build_network


@contextmanager
def counted():
    """A list that collects the SQL statements run inside the block."""
    statements = []

    def collect(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", collect)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", collect)


def test_matching_kind_ids_needs_no_request(app):
    from migratory.search.kind_search import matching_kind_ids

    slugs = build_network(app)
    add_data_source(app, slugs)
    with app.app_context():  # no request: no address is built
        found = matching_kind_ids("data_source", "census Kazakhstan", 10)
        assert len(found.ids) == 1 and not found.partial
        assert matching_kind_ids("data_source", "", 10).ids == []


def _sources_of_new_institutions(app, slugs, count: int, start: int) -> None:
    from migratory.inventory.services import create_institution

    for n in range(start, start + count):
        with app.app_context():
            slugs[f"i{n}"] = create_institution(
                institution_payload(
                    name=f"Statistics office {n}",
                    acronym=f"SO{n}",
                    names=[{"lang": "ru", "name": f"Статистическое бюро {n}"}],
                )
            ).slug
        add_data_source(app, slugs, name=f"Register {n}", institution=f"i{n}")


def _page_queries(app, path: str) -> int:
    client = app.test_client()
    with app.app_context(), counted() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_data_source_pages_cost_the_same_for_more_rows_in_russian(app):
    slugs = build_network(app)
    _sources_of_new_institutions(app, slugs, 2, 0)
    paths = ("/data-sources?lang=ru", "/countries/KZ?lang=ru")
    few = [_page_queries(app, path) for path in paths]
    _sources_of_new_institutions(app, slugs, 4, 2)
    many = [_page_queries(app, path) for path in paths]
    assert many == few
    page = app.test_client().get("/data-sources?lang=ru").get_data(as_text=True)
    assert "Статистическое бюро 5" in page


def test_links_follow_only_changes_their_documents_show(app):
    from migratory.inventory.models import Institution
    from migratory.network.link_search import _links_of_institution

    slugs = link_helpers.build_network(app)
    ident = link_helpers.add_link(app, slugs)
    with app.app_context():
        institution = db.session.scalar(
            select(Institution).where(Institution.slug == slugs["kz-stat"])
        )
        institution.summary = "A new summary."
        assert _links_of_institution(institution) == []
        for attribute, value in (
            ("name", "Bureau of Statistics"),
            ("acronym", "BS"),
            ("status", "archived"),
            ("country_code", "UZ"),
        ):
            db.session.refresh(institution)
            setattr(institution, attribute, value)
            assert _links_of_institution(institution) == [ident], attribute
        db.session.rollback()


def test_value_labels_are_looked_up_once_a_request(app):
    from migratory.network.data_source_labels import value_label as source_label
    from migratory.network.links import value_label as link_label

    slugs = link_helpers.build_network(app)
    with app.test_request_context("/?lang=ru"):
        first = link_label("producer", slugs["kz-stat"])
        with counted() as statements:
            again = [link_label("producer", slugs["kz-stat"]) for _ in range(3)]
            again += [source_label("institution", slugs["kz-stat"]) for _ in range(2)]
            again += [source_label("institution", slugs["kz-stat"])]
        db.session.remove()
    assert first == "Бюро национальной статистики"
    assert set(again) == {first}
    assert len(statements) <= 1  # the data source labels' one look-up
