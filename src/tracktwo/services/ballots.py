"""One ballot per respondent (element 18): ballot cookies, rounds by invitation, flags.

A round is reached in one of two modes:

- **open**: one link per community, which may serve thousands. Nothing is throttled or
  flagged by the link alone. The browser carries a *ballot cookie*, a random id with
  nothing personal in it, kept here only as a SHA-256 hash keyed by the round (so that two
  rounds cannot be linked through it). A respondent who signs out and comes back through
  the same link in the same browser gets the same ballot back.
- **invitation**: the facilitators make single-use links, one per respondent (for panels).
  A used invitation opens again only in the browser that used it.

One ballot cookie behind more than one ballot (the other community's link opened in the
same browser, or a second invitation) is *flagged*: the ballots are kept, with the
evidence, and left out of the analysis until a facilitator accepts them (a household
sharing one computer is a fair reason). Network addresses are never evidence: a town hall
shares one router.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import groupby
from uuid import UUID

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.errors import AccessDenied, NotFoundError, ValidationError
from tracktwo.services.access import actor_free, require_manager
from tracktwo.services.results import Result
from tracktwo.store.models import (
    ConflictRow,
    FeedbackRoundRow,
    RespondentRow,
    RoundInvitationRow,
    WorkshopRow,
)
from tracktwo.store.unit_of_work import UnitOfWork, now

# A panel's invitations, per community and per request: enough for a large panel, and a
# bound on the work one request can ask for.
MAX_INVITATIONS = 5000
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


class RoundMode(StrEnum):
    """How respondents reach a round."""

    OPEN = "open"
    INVITATION = "invitation"


def parse_mode(value: str) -> RoundMode:
    """Return the round mode named ``value``, or refuse naming the two there are."""
    try:
        return RoundMode(value)
    except ValueError:
        raise ValidationError(f"round mode {value!r} is not one of: open, invitation") from None


def secret_hash(secret: str) -> str:
    """Return the SHA-256 of a link secret: only this is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_ballot_token() -> str:
    """Return a new ballot cookie value: 32 random bytes, nothing else."""
    return secrets.token_urlsafe(32)


def usable_token(token: str | None) -> str | None:
    """Return ``token`` if it has the shape of a ballot cookie this server makes."""
    return token if token is not None and _TOKEN.fullmatch(token) else None


def ballot_hash(round_id: UUID, token: str) -> str:
    """Return the hash under which a ballot cookie is known in one round."""
    return hashlib.sha256(f"{round_id}:{token}".encode()).hexdigest()


def _open_round(uow: UnitOfWork, round_id: UUID) -> FeedbackRoundRow:
    feedback = uow.get(FeedbackRoundRow, round_id)
    if feedback.closed_at is not None:
        raise AccessDenied("this feedback round is closed")
    return feedback


def _actor(respondent: RespondentRow) -> Actor:
    return Actor(ActorKind.RESPONDENT, str(respondent.id), None, respondent.party_id)


def _new_respondent(
    uow: UnitOfWork, round_id: UUID, party_id: UUID, hashed: str | None
) -> RespondentRow:
    respondent = RespondentRow(
        round_id=round_id, party_id=party_id, created_at=now(), ballot_hash=hashed
    )
    uow.add(respondent)
    return respondent


@actor_free("the community link is the credential; whoever holds it joins anonymously")
def join_round(uow: UnitOfWork, link_secret: str, token: str | None = None) -> Actor:
    """Enter an open round through a community link; return the anonymous respondent.

    ``token`` is the browser's ballot cookie. The same cookie through the same community's
    link finds its ballot again; through the other community's link it gets a second
    ballot, which flags both. Without a cookie (a caller other than a browser) the
    respondent is new and tied to nothing.
    """
    link = uow.rounds.link_with(secret_hash(link_secret))
    if link is None:
        raise AccessDenied("this feedback link is not valid")
    round_id, party_id = link.round_id, link.party_id
    feedback = _open_round(uow, round_id)
    if feedback.mode != RoundMode.OPEN:
        raise AccessDenied("this round is by invitation: use the link you were sent")
    if token is None:
        return _actor(_new_respondent(uow, round_id, party_id, None))
    hashed = ballot_hash(round_id, token)
    behind = uow.rounds.with_ballot(round_id, hashed)
    for respondent in behind:
        if respondent.party_id == party_id:
            return _actor(respondent)
    return _actor(_new_respondent(uow, round_id, party_id, hashed))


@actor_free("the invitation is the credential; whoever holds it joins anonymously")
def join_by_invitation(uow: UnitOfWork, secret: str, token: str) -> tuple[UUID, Actor]:
    """Enter a round through a single-use invitation; return the round and respondent.

    The first use makes the ballot and ties it to the browser's ballot cookie; afterwards
    the invitation opens only that ballot, and only in that browser.
    """
    invitation = uow.rounds.invitation_with(secret_hash(secret))
    if invitation is None:
        raise AccessDenied("this invitation is not valid")
    _open_round(uow, invitation.round_id)
    hashed = ballot_hash(invitation.round_id, token)
    if invitation.used_at is None and uow.rounds.claim_invitation(invitation.id, now()):
        respondent = _new_respondent(uow, invitation.round_id, invitation.party_id, hashed)
        invitation.respondent_id = respondent.id
        return invitation.round_id, _actor(respondent)
    uow.session.refresh(invitation)
    used = uow.find(RespondentRow, invitation.respondent_id) if invitation.respondent_id else None
    if used is None or used.ballot_hash != hashed:
        raise AccessDenied(
            "this invitation has been used; it opens again only in the browser that first "
            "opened it. Ask the facilitators for a new one"
        )
    return invitation.round_id, _actor(used)


def _parties_by_name(uow: UnitOfWork, workshop_id: UUID) -> dict[str, UUID]:
    conflict_id = uow.get(WorkshopRow, workshop_id).conflict_id
    return {p.name: p.id for p in uow.get(ConflictRow, conflict_id).parties}


def invite(uow: UnitOfWork, actor: Actor, round_id: UUID, community: str, count: int) -> list[str]:
    """Make ``count`` single-use respondent links for one community of a round by
    invitation; return their secrets (shown once: only hashes are kept)."""
    feedback = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback.workshop_id)
    if feedback.mode != RoundMode.INVITATION:
        raise ValidationError(
            "this round is open to its community links; invitations belong to a round "
            "released by invitation"
        )
    if feedback.closed_at is not None:
        raise ValidationError("this round is closed: it takes no new respondents")
    if not 1 <= count <= MAX_INVITATIONS:
        raise ValidationError(f"make between 1 and {MAX_INVITATIONS} invitations at a time")
    parties = _parties_by_name(uow, feedback.workshop_id)
    if community not in parties:
        raise ValidationError(
            f"{community!r} is not a community of this conflict: one of {', '.join(parties)}"
        )
    secrets_made = [secrets.token_urlsafe(24) for _ in range(count)]
    stamp = now()
    for secret in secrets_made:
        uow.add(
            RoundInvitationRow(
                round_id=round_id,
                party_id=parties[community],
                secret_hash=secret_hash(secret),
                created_at=stamp,
            ),
            flush=False,
        )
    uow.audit(actor.label, f"invite-{count}", "feedback-round", round_id, feedback.workshop_id)
    return secrets_made


@dataclass(frozen=True)
class InvitationCount(Result):
    """How many invitations a community has been sent, and how many were used."""

    community: str
    issued: int
    used: int


def invitation_counts(uow: UnitOfWork, actor: Actor, round_id: UUID) -> list[InvitationCount]:
    """Return, per community, the invitations made and used."""
    feedback = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback.workshop_id)
    made = uow.rounds.invitations_of(round_id)
    return [
        InvitationCount(
            community=name,
            issued=sum(i.party_id == party for i in made),
            used=sum(i.party_id == party and i.used_at is not None for i in made),
        )
        for name, party in _parties_by_name(uow, feedback.workshop_id).items()
    ]


@dataclass(frozen=True)
class FlaggedBallot(Result):
    """Ballots behind one ballot cookie, with the evidence, as the facilitators see them.

    ``id`` is the start of the cookie's hash in this round: it names the flag and nothing
    else. Each ballot is given by the community whose link it came through, when it began
    (to the minute) and how many votes it holds; never an address or a device.
    """

    id: str
    communities: list[str]
    joined: list[str]
    votes: list[int]
    accepted: bool
    evidence: str


def _evidence(communities: Sequence[str]) -> str:
    if len(set(communities)) > 1:
        both = " and ".join(sorted(set(communities)))
        count = len(communities)
        return f"one browser's ballot cookie came through the links of {both} ({count} ballots)"
    return f"one browser's ballot cookie is behind {len(communities)} ballots of {communities[0]}"


def flagged_ballots(uow: UnitOfWork, actor: Actor, round_id: UUID) -> list[FlaggedBallot]:
    """Return the round's flagged ballots, grouped by ballot cookie."""
    feedback = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback.workshop_id)
    names = {v: k for k, v in _parties_by_name(uow, feedback.workshop_id).items()}
    flags = []
    for hashed, group in groupby(uow.rounds.flagged(round_id), key=lambda r: r.ballot_hash):
        ballots = list(group)
        communities = [names[r.party_id] for r in ballots]
        flags.append(
            FlaggedBallot(
                id=str(hashed)[:12],
                communities=communities,
                joined=[r.created_at.isoformat(timespec="minutes") for r in ballots],
                votes=[len(uow.votes.statements_voted_by(r.id)) for r in ballots],
                accepted=all(r.ballot_accepted_at is not None for r in ballots),
                evidence=_evidence(communities),
            )
        )
    return flags


def accept_ballot(uow: UnitOfWork, actor: Actor, round_id: UUID, flag_id: str) -> int:
    """Count the ballots of one flag in the analysis from now on; return how many."""
    feedback = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback.workshop_id)
    chosen = [r for r in uow.rounds.flagged(round_id) if str(r.ballot_hash).startswith(flag_id)]
    if len(flag_id) < 8 or len({r.ballot_hash for r in chosen}) != 1:
        raise NotFoundError(f"no flagged ballot {flag_id!r} in this round")
    stamp = now()
    for respondent in chosen:
        respondent.ballot_accepted_at = respondent.ballot_accepted_at or stamp
    uow.audit(
        actor.label, "accept-flagged-ballot", "feedback-round", round_id, feedback.workshop_id
    )
    return len(chosen)
