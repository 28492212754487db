"""What every repository shares: the session of the unit of work it belongs to."""

from __future__ import annotations

from typing import Any, Generic, TypeVar
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

    def _through(
        self, row_type: type[Any], parent: Any, link: Any, workshop_id: UUID
    ) -> Select[Any]:
        """Select the rows of a table that belongs to a workshop through ``parent``, the
        table its column ``link`` refers to (a briefing through its candidate, say)."""
        return (
            select(row_type)
            .join(parent, parent.id == link)
            .where(parent.workshop_id == workshop_id)
        )

    def _in_workshop_through(
        self, row_type: type[Row], parent: Any, link: Any, workshop_id: UUID, first: Any
    ) -> list[Row]:
        """Return the rows of a workshop that a table holds through ``parent`` (see
        ``_through``), ordered by ``first``, then by id."""
        table: Any = row_type
        return self._listed(
            self._through(row_type, parent, link, workshop_id).order_by(first, table.id)
        )

    def _latest(self, row_type: type[Row], *where: Any) -> Row | None:
        """Return the most recently created row that meets the conditions (of two made at
        the same time, the one with the higher id), or None when no row does."""
        table: Any = row_type
        return self.session.scalars(
            select(row_type).where(*where).order_by(table.created_at.desc(), table.id.desc())
        ).first()


class WorkshopTable(Repository, Generic[Row]):
    """The rows of one table that each belong to one workshop, listed by one column."""

    row_type: type[Row]
    order = "created_at"  # the column a workshop's rows are listed by, before their id

    def of_workshop(self, workshop_id: UUID) -> list[Row]:
        """Return a workshop's rows, ordered by the ``order`` column, then by id."""
        return self._in_workshop(self.row_type, workshop_id, getattr(self.row_type, self.order))
