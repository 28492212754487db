"""Who is signed in, CSRF tokens, and the access rule each route declares.

Sessions are signed cookies (Starlette's SessionMiddleware, itsdangerous) holding only the
actor's kind and ids and a CSRF token. Every state-changing request must carry that token,
as a form field or, for htmx and the JSON API, the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import hmac
import secrets
from enum import StrEnum
from typing import Any
from uuid import UUID

from fastapi import HTTPException, Request
from starlette.requests import HTTPConnection

from tracktwo.domain.actors import Actor, ActorKind

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class Access(StrEnum):
    """Who may reach a route; each route states one in its OpenAPI ``x-access`` field."""

    ANYONE = "anyone"
    SIGNED_IN = "signed-in"
    FACILITATOR = "facilitator of this workshop"
    MEMBER = "participant or facilitator of this workshop"
    OWN_PARTY = "participant of this party, or facilitator of this workshop"
    PARTICIPANT = "participant of this workshop"
    RESPONDENT = "respondent of this round"


def access(rule: Access) -> dict[str, Any]:
    """Return the ``openapi_extra`` that documents a route's access rule."""
    return {"x-access": rule.value}


def sign_in(request: Request, actor: Actor, *, round_id: UUID | None = None) -> None:
    """Start a fresh session for ``actor`` (a respondent also names their round)."""
    request.session.clear()
    if round_id is not None:
        request.session["round"] = str(round_id)
    request.session["actor"] = {
        "kind": actor.kind.value,
        "id": actor.id,
        "workshop": str(actor.workshop_id) if actor.workshop_id else None,
        "party": str(actor.party_id) if actor.party_id else None,
    }
    request.session["csrf"] = secrets.token_urlsafe(24)


def current_actor(request: HTTPConnection) -> Actor | None:
    """Return the signed-in actor, or None."""
    raw = request.session.get("actor")
    if not raw:
        return None
    return Actor(
        ActorKind(raw["kind"]),
        raw["id"],
        UUID(raw["workshop"]) if raw.get("workshop") else None,
        UUID(raw["party"]) if raw.get("party") else None,
    )


def require_actor(request: Request) -> Actor:
    """Return the signed-in actor or answer 401."""
    actor = current_actor(request)
    if actor is None:
        raise HTTPException(status_code=401, detail="sign in with the link you were given")
    return actor


def csrf_token(request: Request) -> str:
    """Return this session's CSRF token, creating one for anonymous sessions."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request whose CSRF token is missing or wrong (403)."""
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(str(expected), given):
        raise HTTPException(status_code=403, detail="the form's CSRF token is missing or wrong")
