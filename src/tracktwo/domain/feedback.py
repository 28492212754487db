"""Community feedback rounds between workshops (PRODUCT.md element 18, seed section 5).

A round holds the workshop ideas the facilitators released, stripped of any identity, and
the statements respondents added once moderators accepted them. Respondents vote agree (1),
disagree (-1) or pass (0), as in Pol.is exports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from uuid import UUID

from tracktwo.errors import VoteBatchError

MAX_BATCH = 10_000


class Vote(IntEnum):
    """A reaction to one statement; the values of Pol.is exports."""

    AGREE = 1
    PASS = 0
    DISAGREE = -1


class Moderation(StrEnum):
    """Where a respondent's statement stands."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class StatementOrigin(StrEnum):
    """A released workshop idea, or a statement a respondent added."""

    RELEASED_IDEA = "released-idea"
    RESPONDENT = "respondent"


@dataclass(frozen=True)
class BallotLine:
    """One vote of a batch: which statement, which reaction."""

    statement: UUID
    vote: Vote


def parse_ballot(rows: Iterable[Sequence[object]], known: set[UUID]) -> list[BallotLine]:
    """Check a batch of (statement id, vote) rows, naming the first bad row (1-based).

    A statement voted twice in one batch keeps the later vote, as Pol.is keeps the latest.
    """
    lines: dict[UUID, BallotLine] = {}
    for number, row in enumerate(rows, start=1):
        if number > MAX_BATCH:
            raise VoteBatchError(f"a batch holds at most {MAX_BATCH} votes")
        if len(row) != 2:
            raise VoteBatchError(f"row {number}: expected (statement, vote), got {len(row)} fields")
        raw_statement, raw_vote = row
        try:
            statement = (
                raw_statement if isinstance(raw_statement, UUID) else UUID(str(raw_statement))
            )
        except ValueError:
            raise VoteBatchError(f"row {number}: {raw_statement!r} is not a statement id") from None
        if statement not in known:
            raise VoteBatchError(f"row {number}: statement {statement} is not in this round")
        if isinstance(raw_vote, bool) or not isinstance(raw_vote, int | str):
            raise VoteBatchError(f"row {number}: vote must be 1, 0 or -1, got {raw_vote!r}")
        try:
            vote = Vote(int(raw_vote))
        except ValueError:
            raise VoteBatchError(
                f"row {number}: vote must be 1, 0 or -1, got {raw_vote!r}"
            ) from None
        lines.pop(statement, None)
        lines[statement] = BallotLine(statement, vote)
    if not lines:
        raise VoteBatchError("the batch holds no votes")
    return list(lines.values())
