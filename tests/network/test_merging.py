"""Merging a duplicate institution moves its network: links at either end
and data sources follow to the entry kept, each move a revision by the
secretariat; a link that would repeat one or link the entry to itself is
archived instead."""

from sqlalchemy import select

from migratory.extensions import db
from tests.conftest import institution_payload
from tests.network import link_helpers
from tests.network.data_source_helpers import payload_for


def _setup(app):
    from migratory.inventory.services import create_institution
    from migratory.network.data_sources import add_data_source, validate_data_source

    slugs = link_helpers.build_network(app)
    with app.app_context():
        slugs["dup"] = create_institution(
            institution_payload(name="Bureau of National Statistics (copy)", names=[])
        ).slug
        data = validate_data_source(payload_for({"kz-stat": slugs["dup"]}))
        source = add_data_source(data, source="seed").slug
        db.session.commit()
    add = link_helpers.add_link
    ids = {
        "kept": add(app, slugs, "kz-stat", "kz-mia"),
        "repeat": add(app, slugs, "dup", "kz-mia"),
        "producer": add(app, slugs, "dup", "kz-labour", flow="permits"),
        "user": add(app, slugs, "uz-stat", "dup"),
        "itself": add(app, slugs, "dup", "kz-stat", flow="asylum"),
    }
    return slugs, ids, source


def test_merging_moves_links_and_data_sources(app):
    from migratory.accounts.models import User
    from migratory.core.history import Revision
    from migratory.moderation.upkeep import merge_institutions
    from migratory.network.models import DataSource, ProducerUserLink

    slugs, ids, source = _setup(app)
    with app.app_context():
        actor = db.session.scalar(
            select(User).where(User.email == link_helpers.SECRETARIAT)
        )
        actor_id = actor.id
        merge_institutions(actor, slugs["kz-stat"], slugs["dup"])
        db.session.remove()
    with app.app_context():
        links = {k: db.session.get(ProducerUserLink, i) for k, i in ids.items()}
        ends = {
            k: (link.producer.slug, link.consumer.slug, link.status)
            for k, link in links.items()
        }
        moved = db.session.scalar(select(DataSource).where(DataSource.slug == source))
        kept, mia, labour = slugs["kz-stat"], slugs["kz-mia"], slugs["kz-labour"]
        assert ends == {
            "kept": (kept, mia, "published"),
            "repeat": (slugs["dup"], mia, "archived"),
            "producer": (kept, labour, "published"),
            "user": (slugs["uz-stat"], kept, "published"),
            "itself": (slugs["dup"], kept, "archived"),
        }
        assert moved.institution.slug == kept
        merged = db.session.scalars(
            select(Revision).where(Revision.source == "merge")
        ).all()
        by_record = {(r.record_kind, r.record_id) for r in merged}
        moved_records = {("link", ids[k]) for k in ids if k != "kept"}
        assert moved_records | {("data_source", moved.id)} <= by_record
        assert {r.author_id for r in merged} == {actor_id}
        assert ("link", ids["kept"]) not in by_record
