"""The JSON API the pages use (documented by the OpenAPI schema at /openapi.json)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, Strict, ValidationError
from starlette.requests import ClientDisconnect

from tracktwo.domain.actors import ActorKind
from tracktwo.services import feedback, phases
from tracktwo.web.routes.deps import ONE_TRANSACTION, SESSION_ONLY, uow_of
from tracktwo.web.security import (
    Access,
    guard,
    in_round,
    in_workshop,
)
from tracktwo.web.sessions import session_of

router = APIRouter(prefix="/api", dependencies=[ONE_TRANSACTION])
votes_router = APIRouter(prefix="/api", dependencies=[SESSION_ONLY])


Vote = Annotated[int, Strict(), Field(ge=-1, le=1)]


class Ballot(BaseModel):
    """A batch of votes: each item is [statement id, vote] with vote 1, 0 or -1.

    Strict: ``true`` is not a vote and ``"1"`` is not a number (JSON's own types only).
    """

    votes: list[tuple[Annotated[str, Strict()], Vote]] = Field(min_length=1, max_length=10_000)


def _with_json_body(model: type[BaseModel], spec: dict[str, Any]) -> dict[str, Any]:
    """Document ``model`` as the route's JSON body, which the route itself reads once its
    guard has decided: a body is parsed only for a respondent allowed to send it."""
    body = {"content": {"application/json": {"schema": model.model_json_schema()}}}
    spec["openapi_extra"] = {**spec["openapi_extra"], "requestBody": {**body, "required": True}}
    return spec


@votes_router.post(
    "/rounds/{round_id}/votes", **_with_json_body(Ballot, guard(Access.RESPONDENT, csrf=True))
)
async def cast_votes(request: Request, round_id: str) -> dict[str, int]:
    """Record a batch of votes; a bad row rejects the batch, naming the row.

    Batches arriving together are committed in one transaction; the answer comes after
    the commit. The body is read after the session, the rate limit and the CSRF token
    are checked.
    """
    actor, rid = in_round(request)
    try:
        ballot = Ballot.model_validate_json(await request.body())
    except ClientDisconnect:  # the body limit answered 413 already; this reply is dropped
        raise HTTPException(status_code=400, detail="the request body did not arrive") from None
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from None
    stored = await request.app.state.votes.submit(actor, rid, ballot.votes)
    return {"stored": stored}


@router.get("/rounds/{round_id}/statements", **guard(Access.RESPONDENT))
def round_statements(request: Request, round_id: str) -> list[dict[str, Any]]:
    """The statements of a respondent's round."""
    actor, rid = in_round(request)
    return [statement.to_dict() for statement in feedback.statements(uow_of(request), actor, rid)]


@router.get("/workshops/{workshop}/board", **guard(Access.MEMBER))
def board(request: Request, workshop: str) -> dict[str, Any]:
    """The four phase boards, as this member may see them."""
    actor, workshop_id = in_workshop(request)
    return phases.board(uow_of(request), actor, workshop_id).to_dict()


@router.get("/session", **guard(Access.SIGNED_IN))
def session(request: Request) -> dict[str, Any]:
    """Who is signed in, and the CSRF token scripts must send as ``X-CSRF-Token``."""
    signed = session_of(request)
    if signed is None:
        raise HTTPException(status_code=401, detail="sign in with the link you were given")
    actor = signed.actor
    if actor.kind not in (
        ActorKind.OPERATOR,
        ActorKind.FACILITATOR,
        ActorKind.PARTICIPANT,
        ActorKind.RESPONDENT,
    ):
        raise HTTPException(status_code=403, detail="unknown kind of session")
    return {
        "kind": actor.kind.value,
        "workshop": str(actor.workshop_id) if actor.workshop_id else None,
        "round": str(signed.round_id) if signed.round_id else None,
        "csrf": signed.csrf,
    }
