"""transfer reasons and rating changes

A transfer of an idea that both parties do not support, to a negotiation text or the media,
carries the facilitators' reason, sealed (``transfers.reason_enc``). A rater who changes a
rating keeps the earlier value, with when it was given and replaced, in
``idea_rating_changes``; ``idea_ratings.rated_at`` says when the current value was given.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0009", "0008"
branch_labels = depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("transfers") as batch:
        batch.add_column(sa.Column("reason_enc", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("idea_ratings") as batch:
        batch.add_column(sa.Column("rated_at", sa.DateTime(), nullable=True))
    op.create_table(
        "idea_rating_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("idea_id", sa.Uuid(), nullable=False),
        sa.Column("party_id", sa.Uuid(), nullable=False),
        sa.Column("rater_token", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("rated_at", sa.DateTime(), nullable=True),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["idea_id"], ["ideas.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_idea_rating_changes_idea_id", "idea_rating_changes", ["idea_id"])


def downgrade() -> None:
    op.drop_index("ix_idea_rating_changes_idea_id", table_name="idea_rating_changes")
    op.drop_table("idea_rating_changes")
    with op.batch_alter_table("idea_ratings") as batch:
        batch.drop_column("rated_at")
    with op.batch_alter_table("transfers") as batch:
        batch.drop_column("reason_enc")
