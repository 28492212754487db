"""What every repository shares: the session of the unit of work it belongs to."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

Row = TypeVar("Row")


class Repository:
    """Named queries on one kind of record, run in the session of one unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _listed(self, statement: Select[Any]) -> list[Any]:
        """Return every row the statement selects, in its order."""
        return list(self.session.scalars(statement))

    def _in_workshop(self, row_type: type[Row], workshop_id: UUID, first: Any) -> list[Row]:
        """Return one table's rows of a workshop, ordered by ``first``, then by id."""
        table: Any = row_type
        return self._listed(
            select(row_type).where(table.workshop_id == workshop_id).order_by(first, table.id)
        )
