"""country aliases: other names people search by

Revision ID: 0003_country_aliases
Revises: 0002_search_documents
Create Date: 2026-11-22 00:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003_country_aliases"
down_revision = "0002_search_documents"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("countries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("aliases", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("countries", schema=None) as batch_op:
        batch_op.drop_column("aliases")
