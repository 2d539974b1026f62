"""accounts: each user's language (mail is written in it); rate-limit counts
in the database, shared by every server process

Revision ID: 0008_user_language
Revises: 0007_sessions_logins
Create Date: 2026-12-12 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_user_language"
down_revision = "0007_sessions_logins"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    op.create_table(
        "rate_limit_counters",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counters")),
    )
    with op.batch_alter_table("rate_limit_counters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rate_limit_counters_expires_at"),
            ["expires_at"],
            unique=False,
        )
    op.create_table(
        "rate_limit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_entries")),
    )
    with op.batch_alter_table("rate_limit_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rate_limit_entries_key_at", ["key", "at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_rate_limit_entries_expires_at"),
            ["expires_at"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("rate_limit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limit_entries_expires_at"))
        batch_op.drop_index("ix_rate_limit_entries_key_at")
    op.drop_table("rate_limit_entries")
    with op.batch_alter_table("rate_limit_counters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_limit_counters_expires_at"))
    op.drop_table("rate_limit_counters")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language")
