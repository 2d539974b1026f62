"""accounts: a focal point's network role (producer, user, ...) and position;
invitations carry the network role to the accepted account

Revision ID: 0011_network_roles
Revises: 0010_search_kinds
Create Date: 2026-12-05 08:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011_network_roles"
down_revision = "0010_search_kinds"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("network_role", sa.String(length=20), nullable=True)
        )
        batch_op.add_column(sa.Column("position", sa.String(length=200), nullable=True))
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("network_role", sa.String(length=20), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("network_role")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("position")
        batch_op.drop_column("network_role")
