"""Community feedback rounds: release, anonymous voting, moderation (element 18).

Released ideas carry no party and no person. Respondents reach a round only through their
community's link; they are known by a random id, never named or numbered. Votes arrive in
batches; a bad row rejects its whole batch with a message naming the row.

Batches arriving together are written in one transaction (group commit), in chunks of rows
well below every database's limit on bound parameters. If that transaction fails, each
batch is retried in a transaction of its own, so that only a batch the database refuses
fails, with a message naming its first refused row.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pandas as pd

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.domain.feedback import Moderation, StatementOrigin, parse_ballot
from tracktwo.domain.rules import require_text
from tracktwo.engines.commonground.community import CommunityParameters
from tracktwo.errors import (
    AccessDenied,
    StoreRefusal,
    TrackTwoError,
    ValidationError,
    VoteBatchError,
)
from tracktwo.services.access import actor_free, require_manager, require_round_reader
from tracktwo.services.ballots import RoundMode, join_round, parse_mode, secret_hash
from tracktwo.services.results import Result
from tracktwo.store.models import (
    ConflictRow,
    FeedbackRoundRow,
    IdeaRow,
    PartyRow,
    ReleaseRow,
    RespondentRow,
    RoundLinkRow,
    RoundStatementRow,
    WorkshopRow,
)
from tracktwo.store.unit_of_work import UnitOfWork, now

log = logging.getLogger(__name__)
__all__ = ["join_round"]  # entering a round is the ballots' business; callers find it here too


@dataclass(frozen=True)
class RoundOpened:
    """A new round and each community's link secret (shown once, stored only hashed)."""

    round_id: UUID
    links: dict[str, str]


def release_ideas(
    uow: UnitOfWork,
    actor: Actor,
    workshop_id: UUID,
    idea_ids: Sequence[UUID],
    *,
    title: str,
    support_threshold: float = 0.5,
    mode: str = RoundMode.OPEN,
) -> RoundOpened:
    """Release chosen ideas to both communities, identity stripped; the release is logged.

    ``support_threshold`` is the share of its votes that must agree (the lower end of the
    95% interval) for a community to count as supporting a statement. In ``open`` mode each
    community gets a link; in ``invitation`` mode nobody enters until the facilitators make
    single-use links (:func:`tracktwo.services.ballots.invite`).
    """
    chosen_mode = parse_mode(mode)
    if not idea_ids:
        raise ValidationError("choose at least one idea to release")
    threshold = CommunityParameters(support_threshold=support_threshold).support_threshold
    workshop = require_manager(uow, actor, workshop_id)
    parties = uow.get(ConflictRow, workshop.conflict_id).parties
    feedback = FeedbackRoundRow(
        workshop_id=workshop_id,
        title=require_text("round title", title),
        opened_at=now(),
        support_threshold=threshold,
        mode=chosen_mode.value,
    )
    uow.add(feedback)
    for position, idea_id in enumerate(dict.fromkeys(idea_ids)):
        idea = uow.get(IdeaRow, idea_id, "idea")
        if idea.workshop_id != workshop_id:
            raise ValidationError(f"idea {idea_id} is not from this workshop")
        uow.add_sealed(
            workshop_id,
            RoundStatementRow(
                round_id=feedback.id,
                position=position,
                origin=StatementOrigin.RELEASED_IDEA.value,
                idea_id=idea.id,
                moderation=Moderation.ACCEPTED.value,
                created_at=now(),
            ),
            text_enc=uow.open_field(workshop_id, idea, "text_enc"),
        )
        uow.add(
            ReleaseRow(
                round_id=feedback.id,
                idea_id=idea.id,
                released_by=actor.label,
                released_at=now(),
            ),
            flush=False,
        )
    links = _new_links(uow, feedback.id, parties) if chosen_mode is RoundMode.OPEN else {}
    uow.audit(actor.label, "release-ideas", "feedback-round", feedback.id, workshop_id)
    return RoundOpened(feedback.id, links)


def _new_links(uow: UnitOfWork, round_id: UUID, parties: Sequence[PartyRow]) -> dict[str, str]:
    """Make one community link per party; only a keyed hash of each secret is kept."""
    links = {}
    for party in parties:
        secret = secrets.token_urlsafe(32)
        uow.add(
            RoundLinkRow(round_id=round_id, party_id=party.id, secret_hash=secret_hash(secret)),
            flush=False,
        )
        links[party.name] = secret
    return links


def renew_links(uow: UnitOfWork, actor: Actor, round_id: UUID) -> dict[str, str]:
    """Make new community links for a round and void the earlier ones.

    Only hashes are kept, so a link cannot be shown again: this is how a facilitator gets
    the links back, or revokes a link that went too far. People already in the round keep
    their place; nobody new enters through an old link.
    """
    feedback = uow.get(FeedbackRoundRow, round_id, "feedback round")
    workshop = require_manager(uow, actor, feedback.workshop_id)
    if feedback.closed_at is not None:
        raise ValidationError("this round is closed: it takes no new respondents")
    if feedback.mode != RoundMode.OPEN:
        raise ValidationError(
            "this round is by invitation: it has no community links; make single-use "
            "invitations instead"
        )
    uow.remove(*uow.rounds.links_of(round_id))
    links = _new_links(uow, round_id, uow.get(ConflictRow, workshop.conflict_id).parties)
    uow.audit(actor.label, "renew-round-links", "feedback-round", round_id, feedback.workshop_id)
    return links


@dataclass
class _GroupReads:
    """Rows read once for a group of ballots. Holding them here keeps them in the session's
    identity map, which holds rows only weakly: without it, each ballot read its round again."""

    respondents: dict[UUID, Any] = field(default_factory=dict)  # id, round_id, party_id
    rounds: dict[UUID, FeedbackRoundRow] = field(default_factory=dict)


def _respondent(
    uow: UnitOfWork, actor: Actor, round_id: UUID, reads: _GroupReads | None = None
) -> RespondentRow:
    """Return the actor's respondent row in ``round_id``, or refuse."""
    if actor.kind is not ActorKind.RESPONDENT:
        raise AccessDenied("only a community respondent votes in a feedback round")
    reads = reads or _GroupReads()
    respondent_id = UUID(actor.id)
    respondent = reads.respondents.get(respondent_id) or uow.find(RespondentRow, respondent_id)
    if respondent is None or respondent.round_id != round_id:
        raise AccessDenied("a respondent sees only their own round")
    feedback = reads.rounds.get(round_id)
    if feedback is None:
        feedback = reads.rounds[round_id] = uow.get(FeedbackRoundRow, round_id, "feedback round")
    if feedback.closed_at is not None:
        raise AccessDenied("this feedback round is closed")
    return respondent


@dataclass(frozen=True)
class Statement(Result):
    """An accepted statement of a round, as its respondents and managers see it."""

    id: str
    position: int
    origin: str
    text: str


def statements(uow: UnitOfWork, actor: Actor, round_id: UUID) -> list[Statement]:
    """Return the round's accepted statements, for a respondent or a manager."""
    feedback = uow.get(FeedbackRoundRow, round_id, "feedback round")
    if actor.kind is ActorKind.RESPONDENT:
        _respondent(uow, actor, round_id)
    else:
        require_manager(uow, actor, feedback.workshop_id)
    return [
        Statement(
            id=str(row.id),
            position=row.position,
            origin=row.origin,
            text=uow.open_field(feedback.workshop_id, row, "text_enc"),
        )
        for row in uow.statements.accepted(round_id)
    ]


def cast_votes(
    uow: UnitOfWork, actor: Actor, round_id: UUID, ballot: Iterable[Sequence[object]]
) -> int:
    """Record a batch of (statement id, vote) from one respondent; the latest vote wins."""
    (outcome,) = cast_vote_group(uow, [(actor, round_id, list(ballot))])
    if isinstance(outcome, TrackTwoError):
        raise outcome
    return outcome


Ballot = tuple[Actor, UUID, Sequence[Sequence[object]]]


@actor_free("each ballot carries its respondent, checked ballot by ballot")
def cast_vote_group(uow: UnitOfWork, ballots: Sequence[Ballot]) -> list[int | TrackTwoError]:
    """Record many respondents' batches in one transaction (group commit).

    Each batch is checked on its own: a bad batch gets its error in the returned list and
    none of its votes are written, while the others are. The answer for each batch is the
    number of votes stored, or the error that rejected it. Raises StoreRefusal when the
    database refuses the votes: :func:`write_ballots` then retries batch by batch.
    """
    outcomes: list[int | TrackTwoError] = []
    known: dict[UUID, set[UUID]] = {}
    latest: dict[tuple[UUID, UUID], dict[str, Any]] = {}
    stamp = now()
    # the group's respondents in one query, not one per ballot
    reads = _GroupReads(
        respondents=uow.rounds.respondents_among(
            [actor.id for actor, _, _ in ballots if actor.kind is ActorKind.RESPONDENT]
        )
    )
    for actor, round_id, ballot in ballots:
        try:
            respondent = _respondent(uow, actor, round_id, reads)
            if round_id not in known:
                known[round_id] = uow.statements.accepted_ids(round_id)
            lines = parse_ballot(ballot, known[round_id])
        except TrackTwoError as error:
            outcomes.append(error)
            continue
        for line in lines:
            latest[(respondent.id, line.statement)] = {
                "round_id": round_id,
                "respondent_id": respondent.id,
                "statement_id": line.statement,
                "vote": int(line.vote),
                "at": stamp,
            }
        outcomes.append(len(lines))
    uow.votes.upsert(list(latest.values()))
    return outcomes


def write_ballots(
    begin: Callable[[], UnitOfWork], ballots: Sequence[Ballot]
) -> list[int | TrackTwoError]:
    """Write concurrent ballots together, in transactions that ``begin`` opens.

    First all in one transaction; should the database refuse it, each ballot alone, so
    that only a ballot the database refuses fails, with a message naming its first
    refused row. This is the vote stream's writer, not a use case: it is handed the means
    to open transactions because it may need several.
    """
    try:
        with begin() as uow:
            return cast_vote_group(uow, ballots)
    except StoreRefusal as error:
        if len(ballots) == 1:
            return [_refused_row(begin, ballots[0], error)]
        # Say what failed, never which respondent voted how: rows stay out of the log.
        log.warning(
            "a group of %d vote batches failed (%s); retrying each batch alone",
            len(ballots),
            error.reason,
        )
    outcomes: list[int | TrackTwoError] = []
    for ballot in ballots:
        try:
            with begin() as uow:
                outcomes.extend(cast_vote_group(uow, [ballot]))
        except StoreRefusal as error:
            outcomes.append(_refused_row(begin, ballot, error))
    return outcomes


class _TryOnly(Exception):
    """Raised to roll back a transaction that only tried whether a row would be accepted."""


def _refused_row(
    begin: Callable[[], UnitOfWork], ballot: Ballot, error: StoreRefusal
) -> VoteBatchError:
    """Find the first row of a refused batch that the database refuses on its own.

    Each row is tried in a transaction that is always rolled back: nothing of the batch
    is kept, and the message names the row so that the respondent's page can say which.
    """
    actor, round_id, lines = ballot
    try:
        with begin() as uow:
            respondent = _respondent(uow, actor, round_id)
            parsed = parse_ballot(lines, uow.statements.accepted_ids(round_id))
    except TrackTwoError as changed:  # the round changed under the batch
        return VoteBatchError(str(changed))
    stamp = now()
    for index, line in enumerate(parsed, start=1):
        row = {
            "round_id": round_id,
            "respondent_id": respondent.id,
            "statement_id": line.statement,
            "vote": int(line.vote),
            "at": stamp,
        }
        try:
            with begin() as uow:
                uow.votes.upsert([row])
                raise _TryOnly
        except _TryOnly:
            continue
        except StoreRefusal as refused:
            return VoteBatchError(
                f"row {index}: the database refused this vote ({refused.reason}); "
                "none of this batch was stored"
            )
    return VoteBatchError(
        f"the database refused this batch ({error.reason}) though it accepts each row "
        "alone; none of it was stored, send it again"
    )


def submit_statement(uow: UnitOfWork, actor: Actor, round_id: UUID, *, text: str) -> UUID:
    """Add a respondent's statement; it waits for moderation before anyone sees it."""
    respondent = _respondent(uow, actor, round_id)
    feedback = uow.get(FeedbackRoundRow, round_id)
    row = RoundStatementRow(
        round_id=round_id,
        position=uow.statements.next_position(round_id),
        origin=StatementOrigin.RESPONDENT.value,
        submitted_by_party_id=respondent.party_id,
        moderation=Moderation.PENDING.value,
        created_at=now(),
    )
    uow.add_sealed(
        feedback.workshop_id, row, text_enc=require_text("statement", text, max_length=500)
    )
    return row.id


@dataclass(frozen=True)
class PendingStatement(Result):
    """A respondent's statement waiting for moderation."""

    id: str
    text: str


def moderation_queue(uow: UnitOfWork, actor: Actor, round_id: UUID) -> list[PendingStatement]:
    """Return the statements waiting for moderation."""
    feedback = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback.workshop_id)
    return [
        PendingStatement(id=str(r.id), text=uow.open_field(feedback.workshop_id, r, "text_enc"))
        for r in uow.statements.pending(round_id)
    ]


def moderate(uow: UnitOfWork, actor: Actor, statement_id: UUID, *, accept: bool) -> None:
    """Accept or reject a respondent's statement."""
    row = uow.get(RoundStatementRow, statement_id, "statement")
    feedback = uow.get(FeedbackRoundRow, row.round_id)
    require_manager(uow, actor, feedback.workshop_id)
    if row.origin != StatementOrigin.RESPONDENT.value:
        raise ValidationError("released ideas are not moderated")
    row.moderation = (Moderation.ACCEPTED if accept else Moderation.REJECTED).value


def set_results_open(uow: UnitOfWork, actor: Actor, round_id: UUID, *, open_: bool) -> None:
    """Let respondents see the results (or hide them again)."""
    feedback = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback.workshop_id)
    feedback.results_open = open_


def set_support_threshold(uow: UnitOfWork, actor: Actor, round_id: UUID, threshold: float) -> None:
    """Change the share of agreement a community must show to count as supporting a
    statement; the next analysis applies it."""
    checked = CommunityParameters(support_threshold=threshold).support_threshold
    feedback = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback.workshop_id)
    feedback.support_threshold = checked
    uow.audit(actor.label, "set-support-threshold", "feedback-round", round_id)


def close_round(uow: UnitOfWork, actor: Actor, round_id: UUID) -> None:
    """Close a round to new respondents and votes; closing a closed round changes nothing."""
    feedback = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback.workshop_id)
    if feedback.closed_at is None:
        feedback.closed_at = now()
        uow.audit(actor.label, "close-round", "feedback-round", round_id, feedback.workshop_id)


def votes_frame(uow: UnitOfWork, actor: Actor, round_id: UUID) -> pd.DataFrame:
    """Return the round's latest votes: voter (the respondent's id), statement position,
    vote, community; in the order respondents joined."""
    feedback = uow.get(FeedbackRoundRow, round_id, "feedback round")
    if actor.kind is ActorKind.RESPONDENT:
        respondent = uow.find(RespondentRow, UUID(actor.id))
        if respondent is None or respondent.round_id != round_id or not feedback.results_open:
            raise AccessDenied("the results of this round are not open to respondents")
    else:
        require_manager(uow, actor, feedback.workshop_id)
    conflict_id = uow.get(WorkshopRow, feedback.workshop_id).conflict_id
    parties = {p.id: p.name for p in uow.get(ConflictRow, conflict_id).parties}
    frame = pd.DataFrame(
        uow.votes.of_round(round_id), columns=["voter", "statement", "vote", "party_id"]
    )
    frame["voter"] = frame["voter"].astype(str)
    frame["community"] = frame["party_id"].map(parties)
    return frame.drop(columns=["party_id"])


@dataclass(frozen=True)
class RoundFacts(Result):
    """A round's facts: its title, whether it is closed and whether its results are open."""

    id: str
    workshop_id: str
    title: str
    closed: bool
    results_open: bool
    support_threshold: float
    mode: str = field(default=RoundMode.OPEN.value, kw_only=True)


def round_of(uow: UnitOfWork, actor: Actor, round_id: UUID) -> RoundFacts:
    """Return a round's facts (title, open or closed, whether results are open) to its
    respondents and its workshop's managers."""
    feedback = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_round_reader(uow, actor, round_id)
    return RoundFacts(
        id=str(feedback.id),
        workshop_id=str(feedback.workshop_id),
        title=feedback.title,
        closed=feedback.closed_at is not None,
        results_open=feedback.results_open,
        support_threshold=feedback.support_threshold,
        mode=feedback.mode,
    )


@dataclass(frozen=True)
class ListedRound(Result):
    """One of a workshop's feedback rounds, with its vote and respondent counts."""

    id: str
    title: str
    closed: bool
    results_open: bool
    support_threshold: float
    votes: int
    respondents: int
    opened_at: str = field(default="", kw_only=True)
    closed_at: str | None = field(default=None, kw_only=True)
    mode: str = field(default=RoundMode.OPEN.value, kw_only=True)
    flagged: int = field(default=0, kw_only=True)


def rounds(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> list[ListedRound]:
    """Return a workshop's feedback rounds with their vote and respondent counts."""
    require_manager(uow, actor, workshop_id)
    return [
        ListedRound(
            id=str(row.id),
            title=row.title,
            closed=row.closed_at is not None,
            results_open=row.results_open,
            support_threshold=row.support_threshold,
            votes=uow.rounds.vote_count(row.id),
            respondents=uow.rounds.respondent_count(row.id),
            opened_at=row.opened_at.isoformat(timespec="minutes"),
            closed_at=row.closed_at.isoformat(timespec="minutes") if row.closed_at else None,
            mode=row.mode,
            flagged=sum(r.ballot_accepted_at is None for r in uow.rounds.flagged(row.id)),
        )
        for row in uow.rounds.of_workshop(workshop_id)
    ]


@actor_free("the community link is the credential; it names only its round")
def round_of_link(uow: UnitOfWork, link_secret: str) -> UUID:
    """Return the round a community link belongs to."""
    link = uow.rounds.link_with(secret_hash(link_secret))
    if link is None:
        raise AccessDenied("this feedback link is not valid")
    return link.round_id


@dataclass(frozen=True)
class NextStatement(Result):
    """The next statement a respondent has not voted on, and how many are left."""

    id: str
    text: str
    remaining: int


def next_statement(uow: UnitOfWork, actor: Actor, round_id: UUID) -> NextStatement | None:
    """Return the first accepted statement this respondent has not voted on, or None."""
    respondent = _respondent(uow, actor, round_id)
    feedback = uow.get(FeedbackRoundRow, round_id)
    voted = uow.votes.statements_voted_by(respondent.id)
    unvoted = [row for row in uow.statements.accepted(round_id) if row.id not in voted]
    if not unvoted:
        return None
    row = unvoted[0]
    return NextStatement(
        id=str(row.id),
        text=uow.open_field(feedback.workshop_id, row, "text_enc"),
        remaining=len(unvoted),
    )
