"""day_off: the coordinator's days off per team, office or regency

Revision ID: 5d2e7c4a1b90
Revises: c4e2a7d95b10
Create Date: 2026-12-02 16:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5d2e7c4a1b90"
down_revision = "c4e2a7d95b10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "day_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"],
                                name=op.f("fk_day_off_created_by_id_user_account"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["office_id"], ["office.id"],
                                name=op.f("fk_day_off_office_id_office"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["regency_code"], ["regency.code"],
                                name=op.f("fk_day_off_regency_code_regency")),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"],
                                name=op.f("fk_day_off_team_id_team"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_off")),
    )
    with op.batch_alter_table("day_off", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_day_off_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_day_off_regency_code"), ["regency_code"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("day_off", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_day_off_regency_code"))
        batch_op.drop_index(batch_op.f("ix_day_off_day"))
    op.drop_table("day_off")
