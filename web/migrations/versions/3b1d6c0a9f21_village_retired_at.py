"""village retired_at: a village missing from a new import is retired, not deleted

Revision ID: 3b1d6c0a9f21
Revises: 882ab7bdff66
Create Date: 2026-11-28 04:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3b1d6c0a9f21"
down_revision = "882ab7bdff66"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("village", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("village", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
