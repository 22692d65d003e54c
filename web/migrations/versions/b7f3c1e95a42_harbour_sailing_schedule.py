"""harbour sailing schedule: sailing_days and departures as written in harbours.csv

Revision ID: b7f3c1e95a42
Revises: 5d2e7c4a1b90
Create Date: 2026-12-03 07:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7f3c1e95a42"
down_revision = "5d2e7c4a1b90"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("harbour", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sailing_days", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("departures", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("harbour", schema=None) as batch_op:
        batch_op.drop_column("departures")
        batch_op.drop_column("sailing_days")
