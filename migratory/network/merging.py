"""Merging a duplicate institution into the one kept: its producer-user
links (either end) and its data sources follow, each move a revision
(registered in create_app as a moderation merge step)."""

import logging

from sqlalchemy import or_, select

from migratory.core.records import record_kind
from migratory.extensions import db
from migratory.network.data_sources import DATA_SOURCE
from migratory.network.link_schemas import duplicate_of
from migratory.network.links import LINK
from migratory.network.models import DataSource, ProducerUserLink

logger = logging.getLogger(__name__)


def _moved_ends(link: ProducerUserLink, keep, gone) -> tuple:
    """The link's (producer, user) once `gone` is replaced by `keep`."""
    producer = keep if link.producer_id == gone.id else link.producer
    consumer = keep if link.consumer_id == gone.id else link.consumer
    return producer, consumer


def _move_link(actor, link, keep, gone, comment: str) -> None:
    """Point the link at `keep`; archive it instead where it would link
    `keep` to itself or repeat a link `keep` has already."""
    kind = record_kind(LINK)
    producer, consumer = _moved_ends(link, keep, gone)
    clash = producer.id == consumer.id or (
        duplicate_of(producer.id, consumer.id, link.flow, link.id) is not None
    )
    if clash:
        data = {} if link.status == "archived" else {"status": "archived"}
    else:
        data = {"producer": producer.slug, "user": consumer.slug}
    if data:
        kind.change(link, data, source="merge", comment=comment, author_id=actor.id)
        db.session.flush()


def move_network(actor, keep, gone, comment: str) -> None:
    """The duplicate's links and data sources go to `keep` (flush only)."""
    links = db.session.scalars(
        select(ProducerUserLink)
        .where(
            or_(
                ProducerUserLink.producer_id == gone.id,
                ProducerUserLink.consumer_id == gone.id,
            )
        )
        .order_by(ProducerUserLink.id)
    )
    for link in list(links):
        _move_link(actor, link, keep, gone, comment)
    kind = record_kind(DATA_SOURCE)
    sources = db.session.scalars(
        select(DataSource)
        .where(DataSource.institution_id == gone.id)
        .order_by(DataSource.id)
    )
    for data_source in list(sources):
        kind.change(
            data_source,
            {"institution": keep.slug, "country": keep.country_code},
            source="merge",
            comment=comment,
            author_id=actor.id,
        )
    db.session.flush()
    logger.info("Network of institution %s moved to %s", gone.id, keep.id)


def register_network_merging() -> None:
    """Make links and data sources follow merged institutions (create_app)."""
    from migratory.moderation.merging import register_merge_step

    register_merge_step(move_network)
