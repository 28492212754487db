"""Community respondents: enter by their community's link, vote one statement at a time,
suggest statements, and see results once the facilitators open them."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.services import feedback
from tracktwo.services.commonground_rounds import respondent_results
from tracktwo.web.charts import opinion_map_svg
from tracktwo.web.pages import render
from tracktwo.web.routes.deps import ONE_TRANSACTION, parse_id, uow_of
from tracktwo.web.security import Access, access, check_csrf, require_actor, sign_in

router = APIRouter(dependencies=[ONE_TRANSACTION])
RESPONDENT = access(Access.RESPONDENT)
CSRF = [Depends(check_csrf)]
VOTES = {"agree": 1, "disagree": -1, "pass": 0}


def respondent(request: Request, round_id: str) -> tuple[Actor, UUID]:
    """Return the signed-in respondent of this round, or answer 403."""
    actor = require_actor(request)
    rid = parse_id(round_id, "round")
    if actor.kind is not ActorKind.RESPONDENT or request.session.get("round") != str(rid):
        raise HTTPException(status_code=403, detail="a respondent sees only their own round")
    return actor, rid


@router.get("/r/{link}", openapi_extra=access(Access.ANYONE))
def enter(request: Request, link: str) -> Response:
    """Enter a feedback round anonymously through one's community link."""
    uow = uow_of(request)
    round_id = feedback.round_of_link(uow, link)
    actor = feedback.join_round(uow, link)
    sign_in(request, actor, round_id=round_id)
    return RedirectResponse(f"/rounds/{round_id}", status_code=303)


@router.get("/rounds/{round_id}", openapi_extra=RESPONDENT)
def vote_page(request: Request, round_id: str) -> Response:
    """Show the next statement to react to."""
    actor, rid = respondent(request, round_id)
    uow = uow_of(request)
    return render(
        request,
        "round.html",
        round=feedback.round_of(uow, rid),
        statement=feedback.next_statement(uow, actor, rid),
    )


@router.post("/rounds/{round_id}/vote", openapi_extra=RESPONDENT, dependencies=CSRF)
def vote(
    request: Request, round_id: str, statement: str = Form(), choice: str = Form()
) -> Response:
    """Record agree, disagree or pass on one statement; htmx swaps in the next one."""
    actor, rid = respondent(request, round_id)
    if choice not in VOTES:
        raise HTTPException(status_code=400, detail="choose agree, disagree or pass")
    uow = uow_of(request)
    feedback.cast_votes(uow, actor, rid, [(statement, VOTES[choice])])
    if request.headers.get("hx-request"):
        return render(
            request,
            "_statement.html",
            round=feedback.round_of(uow, rid),
            statement=feedback.next_statement(uow, actor, rid),
        )
    return RedirectResponse(f"/rounds/{rid}", status_code=303)


@router.post("/rounds/{round_id}/statements", openapi_extra=RESPONDENT, dependencies=CSRF)
def suggest(request: Request, round_id: str, text: str = Form()) -> Response:
    """Suggest a statement; it waits for moderation."""
    actor, rid = respondent(request, round_id)
    feedback.submit_statement(uow_of(request), actor, rid, text=text)
    return render(
        request,
        "round.html",
        round=feedback.round_of(uow_of(request), rid),
        statement=feedback.next_statement(uow_of(request), actor, rid),
        suggested=True,
    )


@router.get("/rounds/{round_id}/results", openapi_extra=RESPONDENT)
def results(request: Request, round_id: str) -> Response:
    """The round's results, once the facilitators open them."""
    actor, rid = respondent(request, round_id)
    analysis = respondent_results(uow_of(request), actor, rid)
    return render(
        request,
        "results.html",
        round=feedback.round_of(uow_of(request), rid),
        analysis=analysis,
        opinion_map=opinion_map_svg(analysis["map"]) if analysis else "",
    )
