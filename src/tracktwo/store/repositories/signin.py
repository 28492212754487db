"""Who is signed in: single-use sign-in links and the sessions of signed-in browsers."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, select

from tracktwo.store.models import SignInLinkRow, WebSessionRow
from tracktwo.store.repositories.base import Repository

# Expired sessions deleted at most per sweep, so that a sweep stays one short statement.
PURGE_CHUNK = 500


class SignInLinks(Repository):
    """Single-use sign-in links, found by the person they are for."""

    def void_unused(self, kind: str, subject_id: UUID) -> int:
        """Delete one person's links that were never used; return how many went.

        A concurrent redemption either claimed its link first (it is used, and stays) or
        finds it gone: the claim is conditional on the row, so it cannot succeed after this.
        """
        result = self.session.execute(
            delete(SignInLinkRow)
            .where(
                SignInLinkRow.kind == kind,
                SignInLinkRow.subject_id == subject_id,
                SignInLinkRow.used_at.is_(None),
            )
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


class WebSessions(Repository):
    """Signed-in browsers, each found by the SHA-256 hash of its cookie's id (the primary
    key: one indexed lookup per request)."""

    def find_many(self, id_hashes: Collection[str]) -> dict[str, Row[Any]]:
        """Return the columns of the sessions whose ids hash to ``id_hashes``, by hash (plain
        rows, not tracked objects: this runs on every request)."""
        if not id_hashes:
            return {}
        table = WebSessionRow.__table__
        rows = self.session.execute(select(table).where(table.c.id_hash.in_(id_hashes)))
        return {row.id_hash: row for row in rows}

    def touch(self, id_hash: str, seen_at: datetime, idle_until: datetime) -> None:
        """Record that the session was used at ``seen_at``, moving its idle deadline on.

        Written at the unit of work's next flush (its next query, or its commit), not now:
        the web app finds sessions before a request waits for a worker thread, and must
        hold no write lock while it waits (SQLite has one writer at a time).
        """
        row = self.session.get(WebSessionRow, id_hash)
        if row is not None:
            row.last_seen_at = seen_at
            row.idle_until = idle_until

    def remove(self, id_hash: str) -> bool:
        """Delete one session; say whether it existed."""
        result = self.session.execute(
            delete(WebSessionRow)
            .where(WebSessionRow.id_hash == id_hash)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def purge_expired(self, at: datetime) -> int:
        """Delete up to ``PURGE_CHUNK`` sessions whose idle deadline has passed (the idle
        deadline never lies past the absolute one); return how many went.

        On PostgreSQL the rows are taken with SKIP LOCKED, so concurrent sweeps delete
        different rows instead of waiting on (or deadlocking over) the same ones; SQLite
        has one writer at a time and ignores the clause.
        """
        doomed = (
            select(WebSessionRow.id_hash)
            .where(WebSessionRow.idle_until <= at)
            .limit(PURGE_CHUNK)
            .with_for_update(skip_locked=True)
        )
        result = self.session.execute(
            delete(WebSessionRow)
            .where(WebSessionRow.id_hash.in_(doomed))
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
