"""plan_version note_data: what made a version, as data rendered in the reader's language

Revision ID: e7a91c3f5d20
Revises: 5d2e7c4a1b90
Create Date: 2026-12-03 07:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e7a91c3f5d20"
down_revision = "5d2e7c4a1b90"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note_data", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.drop_column("note_data")
