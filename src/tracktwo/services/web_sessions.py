"""Sessions of signed-in browsers, kept in the store: the cookie holds only a random id.

A session starts when a sign-in link or a community link is redeemed. Its cookie holds a
random id of 256 bits, readable by no one but its holder and meaning nothing without the
store; the store keeps the id's SHA-256 hash (so a copy of the database opens no session),
the actor, the respondent's round and the CSRF token. A session ends on sign-out, after an
idle period, or at an absolute deadline, whichever comes first; the row is then deleted,
and the same cookie is answered as if it were absent.

Each request finds its session by one primary-key lookup in the request's own transaction,
and writes to it at most once a minute (to move the idle deadline on), so that a crowd of
respondents voting from their phones costs one indexed read per request. Expired sessions
are refused when met and deleted by the sweep each new session makes.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.errors import AccessDenied, ConfigurationError
from tracktwo.services.access import actor_free
from tracktwo.store.models import WebSessionRow
from tracktwo.store.unit_of_work import UnitOfWork, now

DEFAULT_IDLE = timedelta(hours=4)
DEFAULT_ABSOLUTE = timedelta(hours=12)
# The longest a cookie's id may be: anything longer is no id of ours, and is not hashed.
_MAX_TOKEN = 128
# The operator signs in only by an organiser's link, which the command line makes; the
# actor it gives is named ``organiser-<link subject>``.
ORGANISER_PREFIX = "organiser-"
_SIGNED_IN_KINDS = (
    ActorKind.OPERATOR,
    ActorKind.FACILITATOR,
    ActorKind.PARTICIPANT,
    ActorKind.RESPONDENT,
)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives: ``idle`` since its last use, ``absolute`` since sign-in."""

    idle: timedelta = DEFAULT_IDLE
    absolute: timedelta = DEFAULT_ABSOLUTE

    def __post_init__(self) -> None:
        if self.idle <= timedelta(0) or self.absolute <= timedelta(0):
            raise ConfigurationError("a session's idle and absolute lifetimes must be positive")

    @property
    def touch_every(self) -> timedelta:
        """How stale the last use may get before a request records it again: a minute, or
        a tenth of the idle period when that is shorter."""
        return min(timedelta(minutes=1), self.idle / 10)


@dataclass(frozen=True)
class WebSession:
    """A live session: who is signed in, a respondent's round, and the CSRF token that
    every state-changing request of this session must carry."""

    actor: Actor
    round_id: UUID | None
    csrf: str


@dataclass(frozen=True)
class StartedSession:
    """A new session and the id for its cookie (given once, never stored)."""

    token: str
    session: WebSession


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(
    uow: UnitOfWork,
    actor: Actor,
    policy: SessionPolicy,
    *,
    round_id: UUID | None = None,
    replacing: str | None = None,
) -> StartedSession:
    """Start a session for ``actor``, just authenticated by a link; a respondent also names
    their round. The browser's earlier session (``replacing``, its cookie's id) ends, and
    sessions past their deadlines are swept away."""
    if actor.kind not in _SIGNED_IN_KINDS:
        raise AccessDenied(f"a {actor.kind.value} does not sign in to the web app")
    if actor.kind is ActorKind.OPERATOR and not actor.id.startswith(ORGANISER_PREFIX):
        raise AccessDenied("the operator signs in to the web app only by an organiser's link")
    if (actor.kind is ActorKind.RESPONDENT) != (round_id is not None):
        raise AccessDenied("a respondent's session, and only theirs, names a round")
    if replacing and len(replacing) <= _MAX_TOKEN:
        uow.web_sessions.remove(_digest(replacing))
    at = now()
    uow.web_sessions.purge_expired(at)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    uow.add(
        WebSessionRow(
            id_hash=_digest(token),
            kind=actor.kind.value,
            actor_id=actor.id,
            workshop_id=actor.workshop_id,
            party_id=actor.party_id,
            round_id=round_id,
            csrf_token=csrf,
            created_at=at,
            last_seen_at=at,
            idle_until=min(at + policy.idle, at + policy.absolute),
            expires_at=at + policy.absolute,
        )
    )
    return StartedSession(token, WebSession(actor, round_id, csrf))


@actor_free("the session id in the cookie is the credential")
def resolve(uow: UnitOfWork, token: str, policy: SessionPolicy) -> WebSession | None:
    """Return the live session a cookie's id opens, or None.

    A session past its idle or absolute deadline (under ``policy`` as it is now, should it
    have been shortened since) answers None, like an unknown id; the next sign-in sweeps
    it away. A live one's last use is recorded with the transaction's other writes, at
    most once per ``policy.touch_every``: a read-only request stays read-only until then.
    """
    return resolve_many(uow, [token], policy)[0]


@actor_free("the session ids in the cookies are the credentials")
def resolve_many(
    uow: UnitOfWork, tokens: Sequence[str], policy: SessionPolicy
) -> list[WebSession | None]:
    """Return the live session each cookie's id opens, or None, in the order given, by one
    query (the vote path finds the sessions of concurrent requests together); as
    :func:`resolve` for each."""
    keys = [_digest(token) if token and len(token) <= _MAX_TOKEN else None for token in tokens]
    rows = uow.web_sessions.find_many({key for key in keys if key is not None})
    at = now()
    found: list[WebSession | None] = []
    for key in keys:
        row = rows.get(key) if key is not None else None
        if row is None:
            found.append(None)
            continue
        deadline = min(row.expires_at, row.created_at + policy.absolute)
        if at >= min(row.idle_until, row.last_seen_at + policy.idle, deadline):
            found.append(None)
            continue
        if at - row.last_seen_at >= policy.touch_every:
            uow.web_sessions.touch(row.id_hash, at, min(at + policy.idle, deadline))
        actor = Actor(ActorKind(row.kind), row.actor_id, row.workshop_id, row.party_id)
        found.append(WebSession(actor, row.round_id, row.csrf_token))
    return found


@actor_free("the session id in the cookie is the credential")
def end(uow: UnitOfWork, token: str) -> bool:
    """End the session a cookie's id opens (sign-out); say whether there was one."""
    if not token or len(token) > _MAX_TOKEN:
        return False
    return uow.web_sessions.remove(_digest(token))
