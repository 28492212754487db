"""organiser links, assessors, time zones and scheduled re-entry checks

An organiser's single-use sign-in link names no workshop (``sign_in_links.workshop_id``
nullable): it opens the organiser's pages, where conflicts and workshops are made. A
ripeness assessment names who assessed it, sealed (``ripeness_assessments.assessor_enc``).
A workshop keeps its own time zone (``workshops.time_zone``, an IANA name; none means UTC)
in which its pages show and take times. ``reentry_checks`` schedules a facilitator's
check on a participant after the workshop: due when, whether they were reached, and the
mitigation agreed, sealed. A session rating names its rater by a keyed pseudonym
(``session_ratings.rater_token``), so a second rating by the same person replaces the first
instead of counting twice. A candidate invited back to a later workshop of a series keeps
the person's one identity across it (``candidates.person_id``: the first workshop's
candidate id), so that their records pair across workshops.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0010", "0009"
branch_labels = depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sign_in_links") as batch:
        batch.alter_column("workshop_id", existing_type=sa.Uuid(), nullable=True)
    with op.batch_alter_table("ripeness_assessments") as batch:
        batch.add_column(sa.Column("assessor_enc", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
    with op.batch_alter_table("session_ratings") as batch:
        batch.add_column(sa.Column("rater_token", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(
            "uq_session_ratings_session_id_rater_token", ["session_id", "rater_token"]
        )
    with op.batch_alter_table("candidates") as batch:
        batch.add_column(sa.Column("person_id", sa.Uuid(), nullable=True))
    op.create_index("ix_candidates_person_id", "candidates", ["person_id"])
    op.create_table(
        "reentry_checks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("workshop_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("contacted", sa.Boolean(), nullable=True),
        sa.Column("mitigation_enc", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["workshop_members.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reentry_checks_workshop_id", "reentry_checks", ["workshop_id"])


def downgrade() -> None:
    op.drop_index("ix_reentry_checks_workshop_id", table_name="reentry_checks")
    op.drop_table("reentry_checks")
    op.drop_index("ix_candidates_person_id", table_name="candidates")
    with op.batch_alter_table("candidates") as batch:
        batch.drop_column("person_id")
    with op.batch_alter_table("session_ratings") as batch:
        batch.drop_constraint("uq_session_ratings_session_id_rater_token", type_="unique")
        batch.drop_column("rater_token")
    with op.batch_alter_table("workshops") as batch:
        batch.drop_column("time_zone")
    with op.batch_alter_table("ripeness_assessments") as batch:
        batch.drop_column("assessor_enc")
    op.execute("DELETE FROM sign_in_links WHERE workshop_id IS NULL")
    with op.batch_alter_table("sign_in_links") as batch:
        batch.alter_column("workshop_id", existing_type=sa.Uuid(), nullable=False)
