"""keep only what both parties endorse: pending keys, sealed_under and keep marks

A workshop may keep only the contributions both parties endorse. Its contributions are
sealed under a pending key (``workshops.pending_key_id``; each row says which key in
``sealed_under``) until the end of a joint session, when the endorsed ones are resealed
under the workshop's key and the rest are deleted with the pending key. ``keep_marks``
records a party's agreement to keep a contribution.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0006", "0005"
branch_labels = depends_on = None

_CONTRIBUTIONS = (
    "concerns",
    "acknowledgements",
    "ideas",
    "constraints",
    "reassurance_steps",
    "shared_visions",
)


def upgrade() -> None:
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(
            sa.Column("keep_only_endorsed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("pending_key_id", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("last_pruning", sa.JSON(), nullable=True))
    for table in _CONTRIBUTIONS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("sealed_under", sa.Uuid(), nullable=True))
    op.create_table(
        "keep_marks",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "workshop_id",
            sa.Uuid(),
            sa.ForeignKey("workshops.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("record_type", sa.String(40), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("party_id", sa.Uuid(), sa.ForeignKey("parties.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("record_type", "record_id", "party_id"),
    )


def downgrade() -> None:
    op.drop_table("keep_marks")
    for table in _CONTRIBUTIONS:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("sealed_under")
    with op.batch_alter_table("workshops") as batch:
        batch.drop_column("last_pruning")
        batch.drop_column("pending_key_id")
        batch.drop_column("keep_only_endorsed")
