"""data_import problem_count: lists of uploads count problems without loading them

Revision ID: c4e2a7d95b10
Revises: 3b1d6c0a9f21
Create Date: 2026-12-02 15:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4e2a7d95b10"
down_revision = "3b1d6c0a9f21"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("data_import", schema=None) as batch_op:
        batch_op.add_column(sa.Column("problem_count", sa.Integer(), nullable=False,
                                      server_default="0"))
    # Counted by the database (SQLite's JSON1 and PostgreSQL both have the function), so
    # even a record of millions of problems is never loaded into the app to count it.
    op.execute("UPDATE data_import SET problem_count = json_array_length(problems) "
               "WHERE problems IS NOT NULL")


def downgrade():
    with op.batch_alter_table("data_import", schema=None) as batch_op:
        batch_op.drop_column("problem_count")
