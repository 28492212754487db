"""Who is signed in, CSRF tokens, and the access rule each route declares.

Sessions live in the store; the cookie holds only a random id (:mod:`tracktwo.web.sessions`).
Each session has a CSRF token, kept with it in the store and put into every page; every
state-changing request must carry it, as a form field or, for htmx and the JSON API, the
``X-CSRF-Token`` header.

A route states its rule once, ``@router.get(path, **guard(Access.FACILITATOR))``: the same
declaration writes ``x-access`` into the OpenAPI schema and adds the dependency that
enforces it before the route runs. The route then reads what was granted with
:func:`in_workshop` or :func:`in_round`. The services check again, on the records.
"""

from __future__ import annotations

import hmac
import math
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any
from uuid import UUID

from fastapi import Depends, HTTPException, Request

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.web.routes.deps import uow_of
from tracktwo.web.sessions import current_actor, end_session, session_of, start_session

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class Access(StrEnum):
    """Who may reach a route; each route states one in its OpenAPI ``x-access`` field."""

    ANYONE = "anyone"
    SIGNED_IN = "signed-in"
    ORGANISER = "organiser of this data folder"
    FACILITATOR = "facilitator of this workshop"
    ANY_FACILITATOR = "facilitator of any workshop"
    MEMBER = "participant or facilitator of this workshop"
    OWN_PARTY = "participant of this party, or facilitator of this workshop"
    PARTICIPANT = "participant of this workshop"
    RESPONDENT = "respondent of this round"


def access(rule: Access) -> dict[str, Any]:
    """Return the ``openapi_extra`` that documents a route's access rule."""
    return {"x-access": rule.value}


def _path_id(request: Request, name: str, what: str) -> UUID:
    try:
        return UUID(request.path_params[name])
    except (KeyError, ValueError):
        raise HTTPException(
            status_code=404, detail=f"no {what} {request.path_params.get(name)!r}"
        ) from None


def _grant(request: Request, actor: Actor, place: UUID | None) -> None:
    request.state.granted = (actor, place)


async def _signed_in(request: Request) -> None:
    _grant(request, require_actor(request), None)


async def _organiser(request: Request) -> None:
    actor = require_actor(request)
    if actor.kind is not ActorKind.OPERATOR:
        raise HTTPException(
            status_code=403, detail="only the organiser, signed in by a link from the terminal"
        )
    _grant(request, actor, None)


async def _facilitator(request: Request) -> None:
    actor = require_actor(request)
    workshop_id = _path_id(request, "workshop", "workshop")
    if actor.kind is not ActorKind.FACILITATOR or actor.workshop_id != workshop_id:
        raise HTTPException(status_code=403, detail="only this workshop's facilitators")
    _grant(request, actor, workshop_id)


async def _any_facilitator(request: Request) -> None:
    actor = require_actor(request)
    if actor.kind is not ActorKind.FACILITATOR:
        raise HTTPException(status_code=403, detail="only facilitators")
    _grant(request, actor, actor.workshop_id)


async def _member(request: Request) -> None:
    actor = require_actor(request)
    workshop_id = _path_id(request, "workshop", "workshop")
    if actor.workshop_id != workshop_id or actor.kind not in (
        ActorKind.PARTICIPANT,
        ActorKind.FACILITATOR,
    ):
        raise HTTPException(status_code=403, detail="you are not part of this workshop")
    _grant(request, actor, workshop_id)


async def _participant(request: Request) -> None:
    await _member(request)
    actor, _ = request.state.granted
    if actor.kind is not ActorKind.PARTICIPANT:
        raise HTTPException(
            status_code=403, detail="the third party facilitates; participants contribute"
        )


async def _respondent(request: Request) -> None:
    actor = require_actor(request)
    round_id = _path_id(request, "round_id", "round")
    signed = session_of(request)
    if actor.kind is not ActorKind.RESPONDENT or signed is None or signed.round_id != round_id:
        raise HTTPException(status_code=403, detail="a respondent sees only their own round")
    wait = request.app.state.respondent_limits.take(actor.id)
    if wait > 0:
        raise HTTPException(
            status_code=429,
            detail="too many requests from this ballot: wait a moment and send it again",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    _grant(request, actor, round_id)


# Each decides on the session found as the request's transaction opened (routes/deps.py),
# without the database. The party of an own-party page is checked by the service, on the
# party's records.
_ENFORCE: dict[Access, Callable[[Request], Awaitable[None]] | None] = {
    Access.ANYONE: None,
    Access.SIGNED_IN: _signed_in,
    Access.ORGANISER: _organiser,
    Access.FACILITATOR: _facilitator,
    Access.ANY_FACILITATOR: _any_facilitator,
    Access.MEMBER: _member,
    Access.OWN_PARTY: _member,
    Access.PARTICIPANT: _participant,
    Access.RESPONDENT: _respondent,
}


def enforcement(rule: Access) -> Callable[[Request], Awaitable[None]]:
    """Return the check that enforces ``rule`` (none for ANYONE: refused here)."""
    enforce = _ENFORCE[rule]
    if enforce is None:
        raise ValueError(f"{rule} needs no check")
    return enforce


def guard(rule: Access, *, csrf: bool = False) -> dict[str, Any]:
    """Return the route arguments that document ``rule`` (``x-access``) and enforce it.

    With ``csrf``, the session's token is checked too, as for every state-changing request:
    after the rule, so that a signed-out request gets 401.
    """
    enforce = _ENFORCE[rule]
    dependencies = [] if enforce is None else [Depends(enforce)]
    if csrf:
        dependencies.append(Depends(check_csrf))
    return {"openapi_extra": access(rule), "dependencies": dependencies}


def in_workshop(request: Request) -> tuple[Actor, UUID]:
    """Return the actor and workshop the route's guard granted."""
    actor, workshop_id = request.state.granted
    return actor, workshop_id


def as_organiser(request: Request) -> Actor:
    """Return the organiser the route's guard granted."""
    actor: Actor = request.state.granted[0]
    return actor


def in_round(request: Request) -> tuple[Actor, UUID]:
    """Return the respondent and round the route's guard granted."""
    actor, round_id = request.state.granted
    return actor, round_id


def sign_in(request: Request, actor: Actor, *, round_id: UUID | None = None) -> None:
    """Start a fresh session for ``actor`` (a respondent also names their round), ending the
    browser's earlier one."""
    start_session(request, uow_of(request), actor, round_id=round_id)


def sign_out(request: Request) -> None:
    """End the browser's session: the same cookie opens nothing afterwards."""
    end_session(request, uow_of(request))


def require_actor(request: Request) -> Actor:
    """Return the signed-in actor or answer 401."""
    actor = current_actor(request)
    if actor is None:
        raise HTTPException(status_code=401, detail="sign in with the link you were given")
    return actor


def csrf_token(request: Request) -> str:
    """Return this session's CSRF token; a signed-out browser has none (it has no form to
    send)."""
    signed = session_of(request)
    return signed.csrf if signed else ""


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request whose CSRF token is missing or wrong (403).

    A request without a session has nothing to forge: the routes it may reach with a
    state-changing method (sign-out) change nothing for it, and every other route's rule
    has answered 401 before this check.
    """
    signed = session_of(request)
    if signed is None:
        return
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not given or not hmac.compare_digest(signed.csrf, given):
        raise HTTPException(status_code=403, detail="the form's CSRF token is missing or wrong")
