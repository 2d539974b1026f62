"""history and moderation for every kind of record: revisions keyed by
(kind, id) replace institution_revisions; proposals target (kind, id)

Revision ID: 0009_generic_records
Revises: 0008_user_language
Create Date: 2026-12-05 08:00:00

Every institution revision is copied into `revisions` with its id, number,
time, source, comment, state and author; every proposal keeps its id and
target. Downgrading copies institution revisions back (revisions of other
kinds have no table to go back to: later migrations remove those kinds).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_generic_records"
down_revision = "0008_user_language"
branch_labels = None
depends_on = None

COLUMNS = "id, number, created, source, comment, data, author_id"


def upgrade():
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_kind", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_revisions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revisions")),
        sa.UniqueConstraint(
            "record_kind",
            "record_id",
            "number",
            name=op.f("uq_revisions_record_kind"),
        ),
    )
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.create_index("ix_revisions_record", ["record_kind", "record_id"])
        batch_op.create_index(batch_op.f("ix_revisions_created"), ["created"])
        batch_op.create_index(batch_op.f("ix_revisions_author_id"), ["author_id"])
    op.execute(
        f"INSERT INTO revisions (record_kind, record_id, {COLUMNS}) "
        f"SELECT 'institution', institution_id, {COLUMNS} FROM institution_revisions"
    )
    _restart_sequence("revisions")
    op.drop_table("institution_revisions")

    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_proposals_institution_id_institutions", type_="foreignkey"
        )
        batch_op.drop_index("ix_proposals_institution_id")
        batch_op.alter_column(
            "kind", new_column_name="action", existing_type=sa.String(length=10)
        )
        batch_op.alter_column(
            "institution_id", new_column_name="record_id", existing_type=sa.Integer()
        )
        batch_op.add_column(
            sa.Column(
                "record_kind",
                sa.String(length=30),
                nullable=False,
                server_default="institution",
            )
        )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.alter_column(
            "record_kind", server_default=None, existing_type=sa.String(length=30)
        )
        batch_op.create_index("ix_proposals_record", ["record_kind", "record_id"])


def downgrade():
    op.execute("DELETE FROM proposals WHERE record_kind <> 'institution'")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_proposals_record")
        batch_op.drop_column("record_kind")
        batch_op.alter_column(
            "record_id", new_column_name="institution_id", existing_type=sa.Integer()
        )
        batch_op.alter_column(
            "action", new_column_name="kind", existing_type=sa.String(length=10)
        )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_proposals_institution_id", ["institution_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_proposals_institution_id_institutions",
            "institutions",
            ["institution_id"],
            ["id"],
            ondelete="CASCADE",
        )

    op.create_table(
        "institution_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_institution_revisions_institution_id_institutions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_institution_revisions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution_revisions")),
        sa.UniqueConstraint(
            "institution_id",
            "number",
            name=op.f("uq_institution_revisions_institution_id"),
        ),
    )
    with op.batch_alter_table("institution_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_institution_revisions_institution_id"),
            ["institution_id"],
            unique=False,
        )
    op.execute(
        f"INSERT INTO institution_revisions (institution_id, {COLUMNS}) "
        f"SELECT record_id, {COLUMNS} FROM revisions "
        "WHERE record_kind = 'institution'"
    )
    _restart_sequence("institution_revisions")
    op.drop_table("revisions")


def _restart_sequence(table: str) -> None:
    """PostgreSQL: ids were copied, so the id sequence continues after them."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        )
