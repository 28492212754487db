"""Named queries and writes that need more than ``get`` and ``add``: the services' only way
to statements that depend on the database's dialect or on its limits."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tracktwo.errors import StoreRefusal
from tracktwo.store.models import RoundVoteRow

# Rows per INSERT of votes. Each row binds 5 parameters, so a chunk binds 5,000: far below
# PostgreSQL's 65,535 and SQLite's 32,766 (and the 999 of SQLite builds before 3.32, since
# the driver's executemany binds one row at a time there).
VOTE_CHUNK = 1000


class Votes:
    """The latest vote of each respondent on each statement of a feedback round."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert(self, rows: list[dict[str, Any]]) -> None:
        """Insert votes in chunks, replacing a respondent's earlier vote on a statement.

        Raise StoreRefusal, naming only the kind of refusal, when the database refuses one.
        """
        dialect = self.session.get_bind().dialect.name
        insert = postgres_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(RoundVoteRow)
        statement = statement.on_conflict_do_update(
            index_elements=["respondent_id", "statement_id"],
            set_={"vote": statement.excluded.vote, "at": statement.excluded.at},
        )
        try:
            for start in range(0, len(rows), VOTE_CHUNK):
                self.session.execute(statement, rows[start : start + VOTE_CHUNK])
        except DBAPIError as error:
            raise StoreRefusal(type(error.orig).__name__) from error
