"""One transaction per service call, with the workshop's cipher and the audit trail at hand."""

from __future__ import annotations

from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tracktwo.errors import NotFoundError, StoreRefusal
from tracktwo.store.database import Store
from tracktwo.store.keys import FieldCipher
from tracktwo.store.models import AuditRow, Base
from tracktwo.store.repositories import Votes

Row = TypeVar("Row", bound=Base)


def now() -> datetime:
    """Return the current UTC time without tzinfo (stored naive, always UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


class UnitOfWork:
    """Open a session; commit when the block succeeds, roll everything back when it raises."""

    session: Session
    votes: Votes

    def __init__(self, store: Store) -> None:
        self.store = store
        self._ciphers: dict[UUID, FieldCipher] = {}
        self._created_keys: list[UUID] = []
        self._doomed_keys: list[UUID] = []

    def __enter__(self) -> UnitOfWork:
        self.session = self.store.sessions()
        self.votes = Votes(self.session)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if error is None:
                try:
                    self.session.commit()
                except DBAPIError as refused:
                    self.session.rollback()
                    self._destroy_created_keys()
                    raise StoreRefusal(type(refused.orig).__name__) from refused
                # Only once the rows are gone: a failed commit must leave the data readable.
                for workshop_id in self._doomed_keys:
                    self.store.keys.destroy_workshop_key(workshop_id)
            else:
                self.session.rollback()
                self._destroy_created_keys()
        finally:
            self.session.close()

    def _destroy_created_keys(self) -> None:
        # A workshop created in a failed transaction must not leave its key behind.
        for workshop_id in self._created_keys:
            self.store.keys.destroy_workshop_key(workshop_id)

    def get(self, row_type: type[Row], row_id: UUID | str, what: str | None = None) -> Row:
        """Return the row with ``row_id`` or raise a NotFoundError naming what was sought."""
        try:
            key = row_id if isinstance(row_id, UUID) else UUID(str(row_id))
        except ValueError:
            raise NotFoundError(f"{row_id!r} is not a valid {what or 'record'} id") from None
        row = self.session.get(row_type, key)
        if row is None:
            raise NotFoundError(f"no {what or row_type.__tablename__} with id {row_id}")
        return row

    def all(self, statement: Any) -> list[Any]:
        """Return every scalar the ``select`` statement yields."""
        return list(self.session.scalars(statement))

    def claim(self, row_type: type[Row], row_id: UUID, stamp: Any, at: datetime) -> bool:
        """Set the empty column ``stamp`` of one row to ``at``; say whether this call did it.

        One conditional update whose row count decides: of any number of concurrent claims on
        one row, on SQLite or PostgreSQL, exactly one returns True. The row is not refreshed
        in this session; read what you need before claiming.
        """
        primary = row_type.__mapper__.primary_key[0]
        result = self.session.execute(
            update(row_type)
            .where(primary == row_id, stamp.is_(None))
            .values({stamp.key: at})
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def add(self, row: Base) -> None:
        self.session.add(row)
        self.session.flush()

    def new_workshop_key(self, workshop_id: UUID) -> None:
        """Create a workshop's data key; it is destroyed again if this transaction fails."""
        self.store.keys.create_workshop_key(workshop_id)
        self._created_keys.append(workshop_id)

    def destroy_key_after_commit(self, workshop_id: UUID) -> None:
        """Destroy a workshop's data key once this transaction has committed."""
        self._doomed_keys.append(workshop_id)

    def cipher(self, workshop_id: UUID) -> FieldCipher:
        """Return the field cipher of one workshop."""
        if workshop_id not in self._ciphers:
            self._ciphers[workshop_id] = FieldCipher(self.store.keys.workshop_key(workshop_id))
        return self._ciphers[workshop_id]

    def seal(self, workshop_id: UUID, text: str, context: str) -> bytes:
        return self.cipher(workshop_id).encrypt(text, context)

    def open(self, workshop_id: UUID, token: bytes, context: str) -> str:
        return self.cipher(workshop_id).decrypt(token, context)

    def audit(
        self,
        actor: str,
        action: str,
        record_type: str,
        record_id: UUID | str,
        workshop_id: UUID | None = None,
    ) -> None:
        """Record who did what to which record, never the data itself."""
        self.session.add(
            AuditRow(
                at=now(),
                actor=actor,
                action=action,
                record_type=record_type,
                record_id=str(record_id),
                workshop_id=workshop_id,
            )
        )

    def audit_trail(self, workshop_id: UUID | None = None) -> list[AuditRow]:
        statement = select(AuditRow).order_by(AuditRow.id)
        if workshop_id is not None:
            statement = statement.where(AuditRow.workshop_id == workshop_id)
        return self.all(statement)
