"""Feedback rounds between workshops: rounds, their statements, votes and analyses."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Select, Table, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError

from tracktwo.domain.feedback import Moderation
from tracktwo.errors import StoreRefusal
from tracktwo.store.models import (
    FeedbackRoundRow,
    RespondentRow,
    RoundAnalysisRow,
    RoundInvitationRow,
    RoundLinkRow,
    RoundStatementRow,
    RoundVoteRow,
)
from tracktwo.store.repositories.base import Repository

# Rows per INSERT of votes. Each row binds 5 parameters, so a chunk binds 5,000: far below
# PostgreSQL's 65,535 and SQLite's 32,766 (and the 999 of SQLite builds before 3.32, since
# the driver's executemany binds one row at a time there).
VOTE_CHUNK = 1000


class Rounds(Repository):
    """A workshop's feedback rounds and the community links that lead into them."""

    def of_workshop(self, workshop_id: UUID) -> list[FeedbackRoundRow]:
        """Return a workshop's rounds in the order they were opened."""
        return self._in_workshop(FeedbackRoundRow, workshop_id, FeedbackRoundRow.opened_at)

    def _count(self, row_type: type[RoundVoteRow | RespondentRow], round_id: UUID) -> int:
        """Return how many rows of a table belong to a round."""
        statement = select(func.count()).select_from(row_type)
        return self.session.scalar(statement.where(row_type.round_id == round_id)) or 0

    def vote_count(self, round_id: UUID) -> int:
        """Return how many votes a round holds (each respondent's latest per statement)."""
        return self._count(RoundVoteRow, round_id)

    def respondent_count(self, round_id: UUID) -> int:
        """Return how many respondents have joined a round."""
        return self._count(RespondentRow, round_id)

    def links_of(self, round_id: UUID) -> list[RoundLinkRow]:
        """Return a round's community links (their hashes), by id."""
        return list(
            self.session.scalars(
                select(RoundLinkRow)
                .where(RoundLinkRow.round_id == round_id)
                .order_by(RoundLinkRow.id)
            )
        )

    def link_with(self, secret_hash: str) -> RoundLinkRow | None:
        """Return the community link whose secret hashes to ``secret_hash``, if any."""
        return self.session.scalars(
            select(RoundLinkRow).where(RoundLinkRow.secret_hash == secret_hash)
        ).first()

    def invitation_with(self, secret_hash: str) -> RoundInvitationRow | None:
        """Return the invitation whose secret hashes to ``secret_hash``, if any."""
        return self.session.scalars(
            select(RoundInvitationRow).where(RoundInvitationRow.secret_hash == secret_hash)
        ).first()

    def claim_invitation(self, invitation_id: UUID, at: datetime) -> bool:
        """Mark an unused invitation used, in one statement; False when it was used already
        (by this request's rival, say): the database decides, so two browsers opening one
        invitation at once get one ballot between them."""
        claimed = self.session.execute(
            update(RoundInvitationRow)
            .where(RoundInvitationRow.id == invitation_id, RoundInvitationRow.used_at.is_(None))
            .values(used_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(claimed, "rowcount", 0) == 1)

    def invitations_of(self, round_id: UUID) -> list[RoundInvitationRow]:
        """Return a round's invitations (their hashes), in the order they were made."""
        return self._listed(
            select(RoundInvitationRow)
            .where(RoundInvitationRow.round_id == round_id)
            .order_by(RoundInvitationRow.created_at, RoundInvitationRow.id)
        )

    def respondents_among(self, ids: list[str]) -> dict[UUID, Any]:
        """Return the respondents with these ids (ill-formed ids are simply not found), as
        plain rows of id, round and party: this runs for every group of votes."""
        wanted = set()
        for value in ids:
            try:
                wanted.add(UUID(value))
            except ValueError:
                continue
        if not wanted:
            return {}
        rows = self.session.execute(
            select(RespondentRow.id, RespondentRow.round_id, RespondentRow.party_id).where(
                RespondentRow.id.in_(wanted)
            )
        )
        return {row.id: row for row in rows}

    def with_ballot(self, round_id: UUID, ballot_hash: str) -> list[RespondentRow]:
        """Return the respondents of a round behind one ballot cookie, in joining order."""
        return self._listed(
            select(RespondentRow)
            .where(RespondentRow.round_id == round_id, RespondentRow.ballot_hash == ballot_hash)
            .order_by(RespondentRow.created_at, RespondentRow.id)
        )

    def flagged(self, round_id: UUID) -> list[RespondentRow]:
        """Return the respondents who share a ballot cookie with another, accepted or not,
        grouped by ballot, in joining order."""
        return self._listed(
            select(RespondentRow)
            .where(
                RespondentRow.round_id == round_id,
                RespondentRow.ballot_hash.in_(shared_ballots(round_id)),
            )
            .order_by(RespondentRow.ballot_hash, RespondentRow.created_at, RespondentRow.id)
        )


def shared_ballots(round_id: UUID) -> Select[Any]:
    """Select the ballot hashes of a round that more than one respondent carries."""
    return (
        select(RespondentRow.ballot_hash)
        .where(RespondentRow.round_id == round_id, RespondentRow.ballot_hash.is_not(None))
        .group_by(RespondentRow.ballot_hash)
        .having(func.count() > 1)
    )


def counted(round_id: UUID) -> Any:
    """The condition a respondent's votes meet to count: no ballot cookie shared with
    another respondent, or one the facilitators accepted."""
    return or_(
        RespondentRow.ballot_hash.is_(None),
        RespondentRow.ballot_accepted_at.is_not(None),
        RespondentRow.ballot_hash.not_in(shared_ballots(round_id)),
    )


class Statements(Repository):
    """The statements of a round: released ideas and respondents' own, by position."""

    def _of_round(
        self, round_id: UUID, moderation: Moderation | None = None
    ) -> list[RoundStatementRow]:
        statement = select(RoundStatementRow).where(RoundStatementRow.round_id == round_id)
        if moderation is not None:
            statement = statement.where(RoundStatementRow.moderation == moderation.value)
        return self._listed(statement.order_by(RoundStatementRow.position, RoundStatementRow.id))

    def of_round(self, round_id: UUID) -> list[RoundStatementRow]:
        """Return every statement of a round, whatever its moderation, by position."""
        return self._of_round(round_id)

    def accepted(self, round_id: UUID) -> list[RoundStatementRow]:
        """Return the statements respondents see and vote on, by position."""
        return self._of_round(round_id, Moderation.ACCEPTED)

    def accepted_ids(self, round_id: UUID) -> set[UUID]:
        """Return the ids of the statements respondents may vote on (no texts read)."""
        return set(
            self.session.scalars(
                select(RoundStatementRow.id).where(
                    RoundStatementRow.round_id == round_id,
                    RoundStatementRow.moderation == Moderation.ACCEPTED.value,
                )
            )
        )

    def pending(self, round_id: UUID) -> list[RoundStatementRow]:
        """Return the statements waiting for moderation, by position."""
        return self._of_round(round_id, Moderation.PENDING)

    def next_position(self, round_id: UUID) -> int:
        """Return the position after the round's last statement (1 in an empty round)."""
        last = self.session.scalar(
            select(func.max(RoundStatementRow.position)).where(
                RoundStatementRow.round_id == round_id
            )
        )
        return (last or 0) + 1


@functools.cache
def _upsert_for(dialect: str) -> Any:
    """The votes' INSERT ... ON CONFLICT DO UPDATE for a dialect, built once: building it
    made new column objects on every group, which also kept the compiled form from being
    reused."""
    insert = postgres_insert if dialect == "postgresql" else sqlite_insert
    # on the table, not the mapped class: run through the connection, it skips the ORM's
    # bulk-insert bookkeeping, which cost more than the insert itself
    statement = insert(cast(Table, RoundVoteRow.__table__))
    return statement.on_conflict_do_update(
        index_elements=["respondent_id", "statement_id"],
        set_={"vote": statement.excluded.vote, "at": statement.excluded.at},
    )


class Votes(Repository):
    """The latest vote of each respondent on each statement of a feedback round."""

    def upsert(self, rows: list[dict[str, Any]]) -> None:
        """Insert votes in chunks, replacing a respondent's earlier vote on a statement.

        Raise StoreRefusal, naming only the kind of refusal, when the database refuses one.
        """
        statement = _upsert_for(self.session.get_bind().dialect.name)
        try:
            connection = self.session.connection()
            for start in range(0, len(rows), VOTE_CHUNK):
                connection.execute(statement, rows[start : start + VOTE_CHUNK])
        except DBAPIError as error:
            raise StoreRefusal(type(error.orig).__name__) from error

    def statements_voted_by(self, respondent_id: UUID) -> set[UUID]:
        """Return the ids of the statements a respondent has voted on."""
        return set(
            self.session.scalars(
                select(RoundVoteRow.statement_id).where(RoundVoteRow.respondent_id == respondent_id)
            )
        )

    def of_round(self, round_id: UUID) -> list[tuple[UUID, int, int, UUID]]:
        """Return a round's counted votes as (respondent id, statement position, vote,
        party id), in the order respondents joined, then by position. A flagged ballot's
        votes wait outside until the facilitators accept it."""
        rows = self.session.execute(
            select(
                RespondentRow.id,
                RoundStatementRow.position,
                RoundVoteRow.vote,
                RespondentRow.party_id,
            )
            .join(RespondentRow, RespondentRow.id == RoundVoteRow.respondent_id)
            .join(RoundStatementRow, RoundStatementRow.id == RoundVoteRow.statement_id)
            .where(RoundVoteRow.round_id == round_id, counted(round_id))
            .order_by(RespondentRow.created_at, RespondentRow.id, RoundStatementRow.position)
        ).all()
        return [(voter, position, vote, party) for voter, position, vote, party in rows]


class Analyses(Repository):
    """The stored common-ground analyses of a round."""

    def latest(self, round_id: UUID) -> RoundAnalysisRow | None:
        """Return the round's most recent analysis, or None before the first."""
        return self._latest(RoundAnalysisRow, RoundAnalysisRow.round_id == round_id)
