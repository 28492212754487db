"""What every repository shares: the session of the unit of work it belongs to."""

from __future__ import annotations

from sqlalchemy.orm import Session


class Repository:
    """Named queries on one kind of record, run in the session of one unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session
