"""server-side web sessions; sign-in links found by the person they are for

The session cookie held the signed-in actor and the CSRF token, readable by anyone holding
it, and outlived sign-out. It now holds a random id; the session lives in ``web_sessions``
under the id's SHA-256 hash, and sign-out or expiry deletes it. ``sign_in_links`` gets an
index on ``subject_id``: a person's new link voids their earlier unused ones.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0007", "0006"
branch_labels = depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=False),
        sa.Column("workshop_id", sa.Uuid(), nullable=True),
        sa.Column("party_id", sa.Uuid(), nullable=True),
        sa.Column("round_id", sa.Uuid(), nullable=True),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("idle_until", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["feedback_rounds.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    op.create_index("ix_web_sessions_idle_until", "web_sessions", ["idle_until"])
    op.create_index("ix_sign_in_links_subject_id", "sign_in_links", ["subject_id"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_links_subject_id", table_name="sign_in_links")
    op.drop_index("ix_web_sessions_idle_until", table_name="web_sessions")
    op.drop_table("web_sessions")
