"""Ids by their first characters, as a person types them back from a listing."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import String, cast, func, select

from tracktwo.store.repositories.base import Repository


class Ids(Repository):
    """The ids of one table that start with a prefix."""

    def starting_with(self, row_type: type[Any], hex_prefix: str, limit: int = 2) -> list[UUID]:
        """Return up to ``limit`` ids of ``row_type`` whose 32 hex digits start with
        ``hex_prefix`` (lower case, no dashes), in id order.

        The id's text is compared without dashes, so the same query serves SQLite (which
        stores the 32 digits) and PostgreSQL (whose uuid text has dashes).
        """
        digits = func.replace(cast(row_type.id, String), "-", "")
        return self._listed(
            select(row_type.id)
            .where(func.lower(digits).like(f"{hex_prefix}%"))
            .order_by(row_type.id)
            .limit(limit)
        )
