"""A data source is public only while it and its producing institution are
published: archiving the institution hides it everywhere (list, page, API,
search, panels), publishing it again shows it; links show a data source only
while it is public."""

from sqlalchemy import select

from migratory.extensions import db
from tests.network import link_helpers
from tests.network.data_source_helpers import (
    SECRETARIAT,
    add_data_source,
    build_network,
)


def _set_institution_archived(app, slug: str, archived: bool) -> None:
    from migratory.accounts.models import User
    from migratory.moderation.upkeep import set_archived

    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == SECRETARIAT))
        set_archived(actor, "institution", slug, archived)
        db.session.remove()


def _seen(app, slugs: dict, source: str) -> dict:
    """Where the data source `source` shows for an anonymous reader."""
    from migratory.inventory.models import Institution
    from migratory.network.data_source_panels import institution_panel
    from migratory.search.kind_search import search_kind

    client = app.test_client()
    listed = client.get("/data-sources").get_data(as_text=True)
    api_list = client.get("/api/v1/data-sources").get_json()["results"]
    country = client.get("/countries/KZ").get_data(as_text=True)
    with app.test_request_context():
        hits = search_kind("data_source", "census Kazakhstan").hits
        institution = db.session.scalar(
            select(Institution).where(Institution.slug == slugs["kz-stat"])
        )
        panel = institution_panel(institution)[1]["data_sources"]
        db.session.remove()
    return {
        "list": f'data-slug="{source}"' in listed,
        "page": client.get(f"/data-sources/{source}").status_code,
        "api": client.get(f"/api/v1/data-sources/{source}").status_code,
        "api list": source in [r["slug"] for r in api_list],
        "search": bool(hits),
        "country panel": source in country.split('id="data-sources-panel"')[1],
        "institution panel": source in [s.slug for s in panel],
    }


SHOWN = {
    "list": True,
    "page": 200,
    "api": 200,
    "api list": True,
    "search": True,
    "country panel": True,
    "institution panel": True,
}
HIDDEN = {
    "list": False,
    "page": 404,
    "api": 404,
    "api list": False,
    "search": False,
    "country panel": False,
    "institution panel": False,
}


def test_archiving_the_institution_hides_its_data_sources(app):
    slugs = build_network(app)
    source = add_data_source(app, slugs)
    assert _seen(app, slugs, source) == SHOWN
    _set_institution_archived(app, slugs["kz-stat"], True)
    assert _seen(app, slugs, source) == HIDDEN
    _set_institution_archived(app, slugs["kz-stat"], False)
    assert _seen(app, slugs, source) == SHOWN


def _archive_data_source(app, slug: str) -> None:
    from migratory.accounts.models import User
    from migratory.moderation.upkeep import set_archived

    with app.app_context():
        actor = db.session.scalar(
            select(User).where(User.email == link_helpers.SECRETARIAT)
        )
        set_archived(actor, "data_source", slug, True)
        db.session.remove()


def test_a_link_shows_its_data_source_only_while_it_is_public(app):
    from migratory.network.data_sources import add_data_source as add_source
    from migratory.network.data_sources import validate_data_source
    from tests.network.data_source_helpers import payload_for

    slugs = link_helpers.build_network(app)
    with app.app_context():
        data = validate_data_source(payload_for({"kz-stat": slugs["kz-stat"]}))
        source = add_source(data, source="seed")
        name, source_slug = source.name, source.slug
        db.session.commit()
    ident = link_helpers.add_link(app, slugs, data_source=source_slug)
    client = app.test_client()

    def shown() -> dict:
        export = client.get("/network/links/export.csv").data.decode("utf-8-sig")
        return {
            "page": name in client.get(f"/network/links/{ident}").get_data(True),
            "list": name in client.get("/network/links").get_data(True),
            "api": client.get(f"/api/v1/links/{ident}").get_json()["data_source"],
            "export": source_slug in export,
        }

    assert shown() == {"page": True, "list": True, "api": source_slug, "export": True}
    _archive_data_source(app, source_slug)
    assert shown() == {"page": False, "list": False, "api": None, "export": False}
