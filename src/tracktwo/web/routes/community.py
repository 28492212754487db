"""Community respondents: enter by their community's link, vote one statement at a time,
suggest statements, and see results once the facilitators open them."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from tracktwo.domain.actors import Actor
from tracktwo.services import ballots, feedback
from tracktwo.services.commonground_rounds import place_on_the_map, respondent_results
from tracktwo.web.charts import analysis_map
from tracktwo.web.pages import render
from tracktwo.web.routes.deps import ONE_TRANSACTION, uow_of
from tracktwo.web.security import (
    Access,
    guard,
    in_round,
    sign_in,
)

router = APIRouter(dependencies=[ONE_TRANSACTION])
VOTES = {"agree": 1, "disagree": -1, "pass": 0}
# The ballot cookie: a random id, apart from the sign-in session (signing out keeps it), so
# that the same browser finds its ballot again. It names nobody; the server keeps its hash.
BALLOT_COOKIE = "tracktwo_ballot"
BALLOT_DAYS = 400


def _ballot_token(request: Request) -> str:
    return ballots.usable_token(request.cookies.get(BALLOT_COOKIE)) or ballots.new_ballot_token()


def _into_round(request: Request, round_id: UUID, actor: Actor, token: str) -> Response:
    sign_in(request, actor, round_id=round_id)
    response = RedirectResponse(f"/rounds/{round_id}", status_code=303)
    response.set_cookie(
        BALLOT_COOKIE,
        token,
        max_age=BALLOT_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/r/{link}", **guard(Access.ANYONE))
def enter(request: Request, link: str) -> Response:
    """Enter a feedback round anonymously through one's community link; the same browser
    coming back through the same link finds its ballot again."""
    uow = uow_of(request)
    token = _ballot_token(request)
    round_id = feedback.round_of_link(uow, link)
    return _into_round(request, round_id, feedback.join_round(uow, link, token), token)


@router.get("/i/{invitation}", **guard(Access.ANYONE))
def enter_invited(request: Request, invitation: str) -> Response:
    """Enter a round by invitation through one's single-use link."""
    token = _ballot_token(request)
    round_id, actor = ballots.join_by_invitation(uow_of(request), invitation, token)
    return _into_round(request, round_id, actor, token)


@router.get("/rounds/{round_id}", **guard(Access.RESPONDENT))
def vote_page(request: Request, round_id: str) -> Response:
    """Show the next statement to react to."""
    actor, rid = in_round(request)
    uow = uow_of(request)
    return render(
        request,
        "round.html",
        round=feedback.round_of(uow, actor, rid),
        statement=feedback.next_statement(uow, actor, rid),
    )


async def _fields(request: Request, *names: str) -> list[str]:
    """Read the form's ``names`` once the route's guard has decided (session, rate limit,
    CSRF): a form is parsed only for a respondent allowed to send it."""
    form = await request.form()
    values = []
    for name in names:
        value = form.get(name)
        if not isinstance(value, str) or not value:
            raise HTTPException(status_code=422, detail=f"{name}: nothing was given")
        values.append(value)
    return values


@router.post("/rounds/{round_id}/vote", **guard(Access.RESPONDENT, csrf=True))
async def vote(request: Request, round_id: str) -> Response:
    """Record agree, disagree or pass on one statement; htmx swaps in the next one."""
    actor, rid = in_round(request)
    statement, choice = await _fields(request, "statement", "choice")
    if choice not in VOTES:
        raise HTTPException(status_code=400, detail="choose agree, disagree or pass")
    return await run_in_threadpool(_voted, request, actor, rid, statement, VOTES[choice])


def _voted(request: Request, actor: Actor, rid: UUID, statement: str, choice: int) -> Response:
    uow = uow_of(request)
    feedback.cast_votes(uow, actor, rid, [(statement, choice)])
    if request.headers.get("hx-request"):
        return render(
            request,
            "_statement.html",
            round=feedback.round_of(uow, actor, rid),
            statement=feedback.next_statement(uow, actor, rid),
        )
    return RedirectResponse(f"/rounds/{rid}", status_code=303)


@router.post("/rounds/{round_id}/statements", **guard(Access.RESPONDENT, csrf=True))
async def suggest(request: Request, round_id: str) -> Response:
    """Suggest a statement; it waits for moderation."""
    actor, rid = in_round(request)
    (text,) = await _fields(request, "text")
    return await run_in_threadpool(_suggested, request, actor, rid, text)


def _suggested(request: Request, actor: Actor, rid: UUID, text: str) -> Response:
    uow = uow_of(request)
    feedback.submit_statement(uow, actor, rid, text=text)
    return render(
        request,
        "round.html",
        round=feedback.round_of(uow, actor, rid),
        statement=feedback.next_statement(uow, actor, rid),
        suggested=True,
    )


@router.get("/rounds/{round_id}/results", **guard(Access.RESPONDENT))
def results(request: Request, round_id: str) -> Response:
    """The round's results, once the facilitators open them."""
    actor, rid = in_round(request)
    analysis = respondent_results(uow_of(request), actor, rid)
    return render(
        request,
        "results.html",
        round=feedback.round_of(uow_of(request), actor, rid),
        analysis=analysis,
        opinion_map=analysis_map(analysis, place_on_the_map(analysis, actor)),
    )
