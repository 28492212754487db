"""roles per conflict

Each conflict keeps its own list of the roles its candidates may hold (``conflict_roles``,
in the organiser's order). Conflicts stored before this migration get the seven roles every
conflict had until now, in their former order, together with any other role one of their
candidates already holds (none should: candidates were checked against those seven).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0012", "0011"
branch_labels = depends_on = None

SEVEN_ROLES = (
    "parliamentarian",
    "party-leader",
    "former-official",
    "journalist",
    "scholar",
    "civil-society",
    "youth",
)


def upgrade() -> None:
    conflict_roles = op.create_table(
        "conflict_roles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("conflict_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["conflict_id"], ["conflicts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conflict_id", "name"),
    )
    bind = op.get_bind()
    conflicts = sa.table("conflicts", sa.column("id", sa.Uuid()))
    workshops = sa.table(
        "workshops", sa.column("id", sa.Uuid()), sa.column("conflict_id", sa.Uuid())
    )
    candidates = sa.table(
        "candidates", sa.column("workshop_id", sa.Uuid()), sa.column("role", sa.String(40))
    )
    held = bind.execute(
        sa.select(workshops.c.conflict_id, candidates.c.role)
        .join(candidates, candidates.c.workshop_id == workshops.c.id)
        .distinct()
    ).all()
    rows: list[dict[str, object]] = []
    for (conflict_id,) in bind.execute(sa.select(conflicts.c.id)).all():
        extra = sorted({role for owner, role in held if owner == conflict_id} - set(SEVEN_ROLES))
        rows.extend(
            {"id": uuid.uuid4(), "conflict_id": conflict_id, "name": name, "position": i}
            for i, name in enumerate((*SEVEN_ROLES, *extra))
        )
    op.bulk_insert(conflict_roles, rows)


def downgrade() -> None:
    op.drop_table("conflict_roles")
