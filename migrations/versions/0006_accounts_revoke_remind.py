"""accounts: revoked invitations, and when each focal point was last reminded

Revision ID: 0006_accounts_revoke_remind
Revises: 0005_accounts_moderation
Create Date: 2026-12-01 08:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_accounts_revoke_remind"
down_revision = "0005_accounts_moderation"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("revoked", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_reminded", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "reminded_institution_ids",
                sa.JSON(),
                server_default="[]",
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("reminded_institution_ids")
        batch_op.drop_column("last_reminded")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("revoked")
