"""search documents of every kind: (kind, record_id) replaces institution_id

Revision ID: 0010_search_kinds
Revises: 0009_generic_records
Create Date: 2026-12-05 09:00:00

The PostgreSQL backend's table keeps its rows: each becomes the document
("institution", its institution's id). Documents of other kinds (links, data
sources, ...) have no foreign key to one table, so theirs goes; the index
removes a deleted record's document after the commit that deletes it.
Downgrading keeps the institution documents whose institution exists.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_search_kinds"
down_revision = "0009_generic_records"
branch_labels = None
depends_on = None

FACET_ARRAY = sa.ARRAY(sa.String(length=120)).with_variant(sa.Text(), "sqlite")
FOREIGN_KEY = "fk_search_documents_institution_id_institutions"


def upgrade():
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch_op.drop_constraint("pk_search_documents", type_="primary")
        batch_op.alter_column(
            "institution_id",
            new_column_name="record_id",
            existing_type=sa.Integer(),
            existing_nullable=False,
        )
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.String(length=30),
                nullable=False,
                server_default="institution",
            )
        )
        batch_op.add_column(
            sa.Column(
                "facets", FACET_ARRAY, nullable=False, server_default=sa.text("'{}'")
            )
        )
        batch_op.alter_column(
            "country", existing_type=sa.String(length=2), nullable=True
        )
    # A second pass: SQLite's table copy knows the renamed column only now.
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_primary_key("pk_search_documents", ["kind", "record_id"])
        batch_op.alter_column(
            "kind", server_default=None, existing_type=sa.String(length=30)
        )
        batch_op.alter_column("facets", server_default=None, existing_type=FACET_ARRAY)


def downgrade():
    op.execute(
        "DELETE FROM search_documents WHERE kind <> 'institution' "
        "OR record_id NOT IN (SELECT id FROM institutions)"
    )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_constraint("pk_search_documents", type_="primary")
        batch_op.drop_column("facets")
        batch_op.drop_column("kind")
        batch_op.alter_column(
            "record_id",
            new_column_name="institution_id",
            existing_type=sa.Integer(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "country", existing_type=sa.String(length=2), nullable=False
        )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_primary_key("pk_search_documents", ["institution_id"])
        batch_op.create_foreign_key(
            FOREIGN_KEY,
            "institutions",
            ["institution_id"],
            ["id"],
            ondelete="CASCADE",
        )
