"""network records: data sources and producer-user links

Revision ID: 0012_network_records
Revises: 0011_network_roles
Create Date: 2026-12-05 08:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012_network_records"
down_revision = "0011_network_roles"
branch_labels = None
depends_on = None

KINDS = ("data_source", "link")


def upgrade():
    op.create_table(
        "data_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("source_type", sa.String(length=40), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("coverage", sa.JSON(), nullable=False),
        sa.Column("periodicity", sa.String(length=20), nullable=True),
        sa.Column("latest_year", sa.Integer(), nullable=True),
        sa.Column("migrant_definition", sa.Text(), nullable=True),
        sa.Column("access", sa.String(length=20), nullable=True),
        sa.Column("access_url", sa.String(length=500), nullable=True),
        sa.Column("publication", sa.Text(), nullable=True),
        sa.Column("quality_note", sa.Text(), nullable=True),
        sa.Column("quality_assessed", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["countries.iso2"],
            name=op.f("fk_data_sources_country_code_countries"),
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_data_sources_institution_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_sources")),
        sa.UniqueConstraint("slug", name=op.f("uq_data_sources_slug")),
    )
    with op.batch_alter_table("data_sources", schema=None) as batch_op:
        for column in ("country_code", "institution_id", "source_type", "status"):
            batch_op.create_index(batch_op.f(f"ix_data_sources_{column}"), [column])

    op.create_table(
        "producer_user_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("flow", sa.String(length=40), nullable=False),
        sa.Column("data_source_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("year_from", sa.Integer(), nullable=True),
        sa.Column("year_to", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "producer_id <> consumer_id",
            name=op.f("ck_producer_user_links_distinct_ends"),
        ),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["institutions.id"],
            name=op.f("fk_producer_user_links_consumer_id_institutions"),
        ),
        sa.ForeignKeyConstraint(
            ["data_source_id"],
            ["data_sources.id"],
            name=op.f("fk_producer_user_links_data_source_id_data_sources"),
        ),
        sa.ForeignKeyConstraint(
            ["producer_id"],
            ["institutions.id"],
            name=op.f("fk_producer_user_links_producer_id_institutions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_producer_user_links")),
        sa.UniqueConstraint(
            "producer_id",
            "consumer_id",
            "flow",
            name=op.f("uq_producer_user_links_producer_id"),
        ),
    )
    with op.batch_alter_table("producer_user_links", schema=None) as batch_op:
        for column in (
            "consumer_id",
            "data_source_id",
            "flow",
            "producer_id",
            "status",
        ):
            batch_op.create_index(
                batch_op.f(f"ix_producer_user_links_{column}"), [column]
            )


def downgrade():
    # Their history and proposals go with them: no table to point to.
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    op.execute(f"DELETE FROM revisions WHERE record_kind IN ({kinds})")
    op.execute(f"DELETE FROM proposals WHERE record_kind IN ({kinds})")
    # Their search documents too: the kinds' tables are gone (0010 keys the
    # documents by kind).
    op.execute(f"DELETE FROM search_documents WHERE kind IN ({kinds})")
    op.drop_table("producer_user_links")
    op.drop_table("data_sources")
