"""one ballot per respondent: ballot cookies, rounds by invitation, flagged ballots

A respondent carries a ballot cookie (a random id) kept here only as a hash keyed by the
round, so that one who signs out and returns through the same link keeps the same ballot.
One ballot cookie behind more than one ballot (the other community's link, or a second
invitation in the same browser) is flagged and left out of the analysis until the
facilitators accept it (``ballot_accepted_at``). A round is ``open`` (one link per
community) or ``invitation`` (single-use links per respondent, ``round_invitations``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0008", "0007"
branch_labels = depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_rounds") as batch:
        batch.add_column(
            sa.Column("mode", sa.String(length=12), nullable=False, server_default="open")
        )
    with op.batch_alter_table("respondents") as batch:
        batch.add_column(sa.Column("ballot_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("ballot_accepted_at", sa.DateTime(), nullable=True))
        batch.create_index("ix_respondents_round_ballot", ["round_id", "ballot_hash"])
    op.create_table(
        "round_invitations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("party_id", sa.Uuid(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("respondent_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["feedback_rounds.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"]),
        sa.ForeignKeyConstraint(["respondent_id"], ["respondents.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("secret_hash"),
    )
    op.create_index("ix_round_invitations_round_id", "round_invitations", ["round_id"])


def downgrade() -> None:
    op.drop_index("ix_round_invitations_round_id", table_name="round_invitations")
    op.drop_table("round_invitations")
    with op.batch_alter_table("respondents") as batch:
        batch.drop_index("ix_respondents_round_ballot")
        batch.drop_column("ballot_accepted_at")
        batch.drop_column("ballot_hash")
    with op.batch_alter_table("feedback_rounds") as batch:
        batch.drop_column("mode")
