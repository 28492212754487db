"""respondents known by their id alone; a support threshold per feedback round

The respondent number (``count + 1``) collided under concurrent first visits and the
analysis keyed voters by it; respondents are now told apart by their id everywhere.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("respondents") as batch:
        batch.drop_column("number")
    with op.batch_alter_table("feedback_rounds") as batch:
        batch.add_column(
            sa.Column("support_threshold", sa.Float(), nullable=False, server_default="0.5")
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_rounds") as batch:
        batch.drop_column("support_threshold")
    with op.batch_alter_table("respondents") as batch:
        batch.add_column(sa.Column("number", sa.Integer(), nullable=False, server_default="0"))
