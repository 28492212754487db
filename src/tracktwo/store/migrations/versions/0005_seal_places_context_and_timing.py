"""seal where people meet, the conflict's context and the timing of reassurance steps

The venue of a workshop and of each session (where a confidential meeting happens), the
conflict's context and the facilitators' diagnosis note, the evidence of a ripeness
assessment and the "when" of a reassurance step were stored in plain text: readable in the
database file, its WAL and any dump. They are now sealed like names, each under the data key
of its workshop or (for a conflict's own columns) of its conflict, which this migration
creates for conflicts that have none. Sealing needs the key folder: tracktwo hands it to
the migration; run without it on a database that holds such text, the migration refuses.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 04:00:00
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from tracktwo.errors import ConfigurationError

revision, down_revision = "0005", "0004"
branch_labels = depends_on = None

# (table, plain column, sealed column, context prefix, how the row finds its key)
_SEALED = (
    ("conflicts", "context", "context_enc", "conflicts.context", "id"),
    ("conflicts", "diagnosis_note", "diagnosis_note_enc", "conflicts.diagnosis", "id"),
    ("ripeness_assessments", "basis", "basis_enc", "ripeness.basis", "conflict_id"),
    ("workshops", "venue", "venue_enc", "workshops.venue", "id"),
    ("sessions", "venue", "venue_enc", "sessions.venue", "workshop_id"),
    ("reassurance_steps", "when_text", "when_enc", "reassurance.when", "workshop_id"),
)
_PLAIN_TYPES = {
    "context": sa.String(4000),
    "diagnosis_note": sa.String(4000),
    "basis": sa.String(2000),
    "venue": sa.String(300),
    "when_text": sa.String(120),
}


def _keys(needed: bool) -> Any:
    keys = context.config.attributes.get("keys")
    if keys is None and needed:
        raise ConfigurationError(
            "migration 0005 seals or opens stored text and needs the key folder: run it "
            "through tracktwo (which opens the data folder's keys), not bare alembic"
        )
    return keys


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _cipher(keys: Any, scope: uuid.UUID, table: str) -> Any:
    from tracktwo.errors import ConfidentialityError
    from tracktwo.store.keys import FieldCipher

    try:
        return FieldCipher(keys.workshop_key(scope))
    except ConfidentialityError:
        if table not in ("conflicts", "ripeness_assessments"):
            raise
        # A conflict made before conflicts had data keys gets one now.
        return FieldCipher(keys.create_workshop_key(scope, kind="conflicts"))


def _move(sealing: bool) -> None:
    """Move every column's text from plain to sealed (``sealing``) or back.

    Everything is read first, so that a refusal (no keys) comes before any schema change.
    """
    bind = op.get_bind()
    found = {}
    for table, plain, sealed, prefix, scope_column in _SEALED:
        source, target = (plain, sealed) if sealing else (sealed, plain)
        empty = f" AND {source} <> ''" if sealing else ""
        found[(table, target, prefix)] = bind.execute(
            sa.text(
                f"SELECT id, {scope_column} AS scope, {source} AS value FROM {table} "
                f"WHERE {source} IS NOT NULL{empty}"
            )
        ).fetchall()
    keys = _keys(any(found.values()))
    for table, plain, sealed, _, _ in _SEALED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column(sealed, sa.LargeBinary(), nullable=True)
                if sealing
                else sa.Column(plain, _PLAIN_TYPES[plain], nullable=False, server_default="")
            )
    for (table, target, prefix), rows in found.items():
        for row in rows:
            cipher = _cipher(keys, _as_uuid(row.scope), table)
            where = f"{prefix}:{_as_uuid(row.id)}"
            value = (
                cipher.encrypt(row.value, where)
                if sealing
                else cipher.decrypt(bytes(row.value), where)
            )
            bind.execute(
                sa.text(f"UPDATE {table} SET {target} = :value WHERE id = :id"),
                {"value": value, "id": row.id},
            )
    for table, plain, sealed, _, _ in _SEALED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column(plain if sealing else sealed)


def upgrade() -> None:
    _move(sealing=True)


def downgrade() -> None:
    _move(sealing=False)
