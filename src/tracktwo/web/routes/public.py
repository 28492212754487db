"""Pages anyone may reach: home, sign-in by link, sign-out, language."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from tracktwo.domain.actors import ActorKind
from tracktwo.services import signin
from tracktwo.web.pages import render
from tracktwo.web.routes.deps import ONE_TRANSACTION, uow_of
from tracktwo.web.security import (
    Access,
    guard,
    sign_in,
    sign_out,
)
from tracktwo.web.sessions import current_actor

router = APIRouter(dependencies=[ONE_TRANSACTION])


def home_of(kind: ActorKind, workshop: str | None, party: str | None) -> str:
    """Return where an actor starts: the console, or their party's space."""
    if kind is ActorKind.FACILITATOR:
        return f"/w/{workshop}/console"
    if kind is ActorKind.PARTICIPANT:
        return f"/w/{workshop}/joint"
    if kind is ActorKind.OPERATOR:
        return "/organise"
    return "/"


@router.get("/", **guard(Access.ANYONE))
def home(request: Request) -> Response:
    """The start page: who you are signed in as, or how to sign in."""
    actor = current_actor(request)
    if actor is not None and actor.kind in (
        ActorKind.OPERATOR,
        ActorKind.FACILITATOR,
        ActorKind.PARTICIPANT,
    ):
        return RedirectResponse(
            home_of(actor.kind, str(actor.workshop_id), str(actor.party_id)), status_code=303
        )
    return render(request, "home.html")


@router.get("/signin/{token}", **guard(Access.ANYONE))
def redeem_link(request: Request, token: str) -> Response:
    """Sign in with a single-use link; the link is spent."""
    actor = signin.redeem(uow_of(request), token)
    sign_in(request, actor)
    return RedirectResponse(
        home_of(actor.kind, str(actor.workshop_id), str(actor.party_id)), status_code=303
    )


@router.post("/signout", **guard(Access.ANYONE, csrf=True))
def signout(request: Request) -> Response:
    """End the session: the same cookie opens nothing afterwards."""
    sign_out(request)
    return RedirectResponse("/", status_code=303)


@router.get("/healthz", **guard(Access.ANYONE))
def health() -> dict[str, str]:
    """Say the app is up (no data)."""
    return {"status": "ok"}
