"""merge the two heads made in parallel: plan_version.note_data and the harbours' sailing
schedule (both revise 5d2e7c4a1b90)

Revision ID: c3d8e2f4a6b1
Revises: b7f3c1e95a42, e7a91c3f5d20
Create Date: 2026-12-03 07:58:00

"""

# revision identifiers, used by Alembic.
revision = "c3d8e2f4a6b1"
down_revision = ("b7f3c1e95a42", "e7a91c3f5d20")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
