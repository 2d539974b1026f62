"""search documents for the PostgreSQL backend

Revision ID: 0002_search_documents
Revises: 0001_inventory
Create Date: 2026-11-22 00:04:20.360130

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0002_search_documents"
down_revision = "0001_inventory"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "search_documents",
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column(
            "document",
            postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "suggest",
            postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "spell",
            postgresql.TSVECTOR().with_variant(sa.Text(), "sqlite"),
            nullable=False,
        ),
        sa.Column("names_text", sa.Text(), nullable=False),
        sa.Column("acronym_exact", sa.String(length=50), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column(
            "topics",
            sa.ARRAY(sa.String(length=40)).with_variant(sa.Text(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "roles",
            sa.ARRAY(sa.String(length=40)).with_variant(sa.Text(), "sqlite"),
            nullable=False,
        ),
        sa.Column("topic_mask", sa.Integer(), nullable=False),
        sa.Column("name_sort", sa.String(length=300), nullable=False),
        sa.Column("country_sort", sa.String(length=120), nullable=False),
        sa.Column("updated", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_search_documents_institution_id_institutions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("institution_id", name=op.f("pk_search_documents")),
    )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_search_documents_acronym_exact"),
            ["acronym_exact"],
            unique=False,
        )
        batch_op.create_index(
            "ix_search_documents_document",
            ["document"],
            unique=False,
            postgresql_using="gin",
        )
        batch_op.create_index(
            "ix_search_documents_names_trgm",
            ["names_text"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"names_text": "gin_trgm_ops"},
        )
        batch_op.create_index(
            "ix_search_documents_suggest",
            ["suggest"],
            unique=False,
            postgresql_using="gin",
        )


def downgrade():
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_search_documents_suggest", postgresql_using="gin")
        batch_op.drop_index(
            "ix_search_documents_names_trgm",
            postgresql_using="gin",
            postgresql_ops={"names_text": "gin_trgm_ops"},
        )
        batch_op.drop_index("ix_search_documents_document", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_search_documents_acronym_exact"))

    op.drop_table("search_documents")
