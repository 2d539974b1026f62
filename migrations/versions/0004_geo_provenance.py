"""geo provenance: how coordinates were obtained and what they locate

Revision ID: 0004_geo_provenance
Revises: 0003_country_aliases
Create Date: 2026-11-22 01:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_geo_provenance"
down_revision = "0003_country_aliases"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("geo_source", sa.String(length=20), nullable=True)
        )
        batch_op.add_column(
            sa.Column("geo_precision", sa.String(length=20), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("institutions", schema=None) as batch_op:
        batch_op.drop_column("geo_precision")
        batch_op.drop_column("geo_source")
