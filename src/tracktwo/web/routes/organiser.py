"""The organiser's pages: conflicts, their ripeness assessments, workshops and their teams.

The organiser is whoever holds the data folder's master key, signed in to the browser by
a single-use link that only the command line makes (``tracktwo signin organiser``, or
printed by ``tracktwo run``). From here an engagement starts in an empty folder: a conflict
with its parties, dated ripeness assessments, a workshop (in its own time zone, perhaps in
a series), and its third-party team, each facilitator with their own sign-in link.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from tracktwo.domain.vocabulary import DEFAULT_ROLES, ConflictKind, NegotiationStage
from tracktwo.errors import ValidationError
from tracktwo.services import conflicts, workshops
from tracktwo.web.pages import render
from tracktwo.web.routes.deps import ONE_TRANSACTION, parse_id, uow_of
from tracktwo.web.routes.forms import parse_share
from tracktwo.web.routes.ripeness_pages import record_assessment, ripeness_context
from tracktwo.web.routes.team_pages import add_to_team, team_page
from tracktwo.web.security import Access, as_organiser, guard

router = APIRouter(prefix="/organise", dependencies=[ONE_TRANSACTION])


@router.get("", **guard(Access.ORGANISER))
def organise(request: Request) -> Response:
    """Every conflict of the data folder with its workshops; open a new conflict."""
    actor = as_organiser(request)
    uow = uow_of(request)
    profiles = conflicts.conflicts(uow, actor)
    return render(
        request,
        "organise.html",
        conflicts=[
            (profile, workshops.workshops_of(uow, actor, parse_id(profile.id, "conflict")))
            for profile in profiles
        ],
        stages=[stage.value for stage in NegotiationStage],
        kinds=[kind.value for kind in ConflictKind],
        default_roles=DEFAULT_ROLES,
    )


def _lines(text: str) -> list[str]:
    """The non-empty lines of a textarea, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@router.post("/conflicts", **guard(Access.ORGANISER, csrf=True))
def open_conflict(
    request: Request,
    name: str = Form(),
    parties: str = Form(),
    stage: str = Form(),
    kind: str = Form(),
    misperception_share: str = Form(),
    context: str = Form(""),
    diagnosis_note: str = Form(""),
    roles: str = Form(""),
) -> Response:
    """Open a conflict profile; parties are given one per line (or comma-separated), roles
    one per line (the seven of Kelman's workshops when left empty)."""
    names = [part.strip() for part in parties.replace(",", "\n").splitlines() if part.strip()]
    conflict_id = conflicts.create_conflict(
        uow_of(request),
        as_organiser(request),
        name=name,
        parties=names,
        stage=stage,
        kind=kind,
        misperception_share=parse_share("misperception share", misperception_share),
        context=context,
        diagnosis_note=diagnosis_note,
        roles=_lines(roles) or None,
    )
    return RedirectResponse(f"/organise/conflicts/{conflict_id}", status_code=303)


@router.get("/conflicts/{conflict}", **guard(Access.ORGANISER))
def conflict_page(request: Request, conflict: str) -> Response:
    """A conflict: its profile, ripeness over time with who assessed it on what evidence,
    its workshops and series; record an assessment, open a workshop."""
    actor = as_organiser(request)
    uow = uow_of(request)
    conflict_id = parse_id(conflict, "conflict")
    return render(
        request,
        "conflict.html",
        **ripeness_context(uow, actor, conflict_id, f"/organise/conflicts/{conflict_id}/ripeness"),
        workshops=workshops.workshops_of(uow, actor, conflict_id),
        series=workshops.series_of(uow, actor, conflict_id),
    )


@router.post("/conflicts/{conflict}/ripeness", **guard(Access.ORGANISER, csrf=True))
def assess_ripeness(
    request: Request,
    conflict: str,
    party: str = Form(),
    assessed_on: str = Form(),
    can_win_alone: str = Form(),
    stalemate_pain: str = Form(),
    assessor: str = Form(),
    basis: str = Form(""),
) -> Response:
    """Record one dated ripeness assessment of one party."""
    conflict_id = parse_id(conflict, "conflict")
    record_assessment(
        uow_of(request), as_organiser(request), conflict_id, party=party,
        assessed_on=assessed_on, can_win_alone=can_win_alone, stalemate_pain=stalemate_pain,
        assessor=assessor, basis=basis,
    )  # fmt: skip
    return RedirectResponse(f"/organise/conflicts/{conflict_id}#ripeness", status_code=303)


@router.post("/conflicts/{conflict}/roles", **guard(Access.ORGANISER, csrf=True))
def set_roles(request: Request, conflict: str, roles: str = Form()) -> Response:
    """Replace the roles the conflict's candidates may hold, one per line; a role a
    candidate holds cannot go."""
    conflict_id = parse_id(conflict, "conflict")
    conflicts.set_roles(uow_of(request), as_organiser(request), conflict_id, roles=_lines(roles))
    return RedirectResponse(f"/organise/conflicts/{conflict_id}#roles", status_code=303)


@router.post("/conflicts/{conflict}/workshops", **guard(Access.ORGANISER, csrf=True))
def open_workshop(
    request: Request,
    conflict: str,
    title: str = Form(),
    per_party: int = Form(),
    venue: str = Form(""),
    time_zone: str = Form("UTC"),
    series: str = Form(""),
    new_series: str = Form(""),
    keep_only_endorsed: str = Form(""),
) -> Response:
    """Open a workshop on this conflict, alone or as the next of a series (a new one, when
    ``new_series`` names it)."""
    actor = as_organiser(request)
    uow = uow_of(request)
    conflict_id = parse_id(conflict, "conflict")
    if series and new_series.strip():
        raise ValidationError("choose an existing series or name a new one, not both")
    series_id = None
    if new_series.strip():
        series_id = workshops.create_series(uow, actor, conflict_id, name=new_series)
    elif series:
        series_id = parse_id(series, "series")
    workshop_id = workshops.create_workshop(
        uow,
        actor,
        conflict_id,
        title=title,
        per_party=per_party,
        venue=venue,
        series_id=series_id,
        time_zone=time_zone,
        keep_only_endorsed=keep_only_endorsed == "yes",
    )
    return RedirectResponse(f"/organise/workshops/{workshop_id}/team", status_code=303)


@router.get("/workshops/{workshop}/team", **guard(Access.ORGANISER))
def team(request: Request, workshop: str) -> Response:
    """A workshop's third-party team, each with their qualities and flags; add a member."""
    workshop_id = parse_id(workshop, "workshop")
    return team_page(
        request, as_organiser(request), workshop_id, f"/organise/workshops/{workshop_id}/team"
    )


@router.post("/workshops/{workshop}/team", **guard(Access.ORGANISER, csrf=True))
async def add_team_member(request: Request, workshop: str) -> Response:
    """Add a facilitator and show their single-use sign-in link, once."""
    workshop_id = parse_id(workshop, "workshop")
    return await add_to_team(
        request, as_organiser(request), workshop_id, f"/organise/workshops/{workshop_id}/team"
    )
