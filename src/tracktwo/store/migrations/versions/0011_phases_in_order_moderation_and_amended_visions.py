"""phases in order, moderation and amended visions

The third party opens and closes the four phases in order (``phase_openings``: one row per
opening, closed or not). Workshops stored before this migration ran with every phase open at
once; they keep doing so (an open row per phase, opened when the workshop was created) until
a facilitator closes them. A contribution the third party hid or merged into another is
recorded in ``moderations`` with its reason, sealed. A shared-vision statement may be amended
by the other party (``shared_visions.amends_id``).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 14:00:00
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0011", "0010"
branch_labels = depends_on = None

PHASES = ("analysis", "problem-solving", "constraints", "reassurance")


def upgrade() -> None:
    phase_openings = op.create_table(
        "phase_openings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workshop_id", sa.Uuid(), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_phase_openings_workshop_id", "phase_openings", ["workshop_id"])
    op.create_table(
        "moderations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workshop_id", sa.Uuid(), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("reason_enc", sa.LargeBinary(), nullable=False),
        sa.Column("by", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("record_type", "record_id"),
    )
    op.create_index("ix_moderations_workshop_id", "moderations", ["workshop_id"])
    with op.batch_alter_table("shared_visions") as batch:
        batch.add_column(sa.Column("amends_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            "fk_shared_visions_amends_id_shared_visions",
            "shared_visions",
            ["amends_id"],
            ["id"],
            ondelete="CASCADE",
        )
    workshops = sa.table(
        "workshops", sa.column("id", sa.Uuid()), sa.column("created_at", sa.DateTime())
    )
    stored = op.get_bind().execute(sa.select(workshops.c.id, workshops.c.created_at)).all()
    op.bulk_insert(
        phase_openings,
        [
            {"id": uuid.uuid4(), "workshop_id": workshop_id, "phase": phase, "opened_at": at}
            for workshop_id, at in stored
            for phase in PHASES
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("shared_visions") as batch:
        batch.drop_constraint("fk_shared_visions_amends_id_shared_visions", type_="foreignkey")
        batch.drop_column("amends_id")
    op.drop_index("ix_moderations_workshop_id", table_name="moderations")
    op.drop_table("moderations")
    op.drop_index("ix_phase_openings_workshop_id", table_name="phase_openings")
    op.drop_table("phase_openings")
