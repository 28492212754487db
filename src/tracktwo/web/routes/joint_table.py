"""The joint table as the third party runs it: phases opened and closed in order, the room's
projector, and contributions hidden or merged with a reason."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from tracktwo.services import moderation, phase_order, projector
from tracktwo.web.pages import render
from tracktwo.web.routes.deps import ONE_TRANSACTION, parse_id, uow_of
from tracktwo.web.security import Access, guard, in_workshop

router = APIRouter(prefix="/w/{workshop}", dependencies=[ONE_TRANSACTION])
# Where a phase control sends the facilitator back to: the page the control was on.
RETURNS = {
    "console": "console#boards",
    "phases": "phases",
    "projector": "projector",
    "joint": "joint",
}


def _back(workshop_id: UUID, where: str) -> RedirectResponse:
    return RedirectResponse(f"/w/{workshop_id}/{RETURNS.get(where, 'phases')}", status_code=303)


@router.get("/phases", **guard(Access.FACILITATOR))
def phases_page(request: Request, workshop: str) -> Response:
    """The phases: which is open, the controls to open and close them, and what was hidden
    or merged, and why."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    return render(
        request,
        "phases.html",
        phase_states=phase_order.phase_states(uow, actor, workshop_id),
        moderations=moderation.moderations(uow, actor, workshop_id),
        workshop_id=str(workshop_id),
        back="phases",
    )


@router.get("/phases/controls", **guard(Access.FACILITATOR))
def phase_controls(request: Request, workshop: str) -> Response:
    """The phase controls alone, for the console to load into its Phases section."""
    actor, workshop_id = in_workshop(request)
    return render(
        request,
        "_phase_controls.html",
        phase_states=phase_order.phase_states(uow_of(request), actor, workshop_id),
        workshop_id=str(workshop_id),
        back="console",
    )


@router.post("/phases/open", **guard(Access.FACILITATOR, csrf=True))
def open_phase(
    request: Request, workshop: str, phase: str = Form(), back: str = Form("phases")
) -> Response:
    """Open the next phase (or one reached before)."""
    actor, workshop_id = in_workshop(request)
    phase_order.open_phase(uow_of(request), actor, workshop_id, phase)
    return _back(workshop_id, back)


@router.post("/phases/close", **guard(Access.FACILITATOR, csrf=True))
def close_phase(request: Request, workshop: str, back: str = Form("phases")) -> Response:
    """Close the open phase."""
    actor, workshop_id = in_workshop(request)
    phase_order.close_phase(uow_of(request), actor, workshop_id)
    return _back(workshop_id, back)


@router.get("/projector", **guard(Access.FACILITATOR))
def projector_page(request: Request, workshop: str) -> Response:
    """The room's screen: the open phase's board in large type, parties by name only."""
    actor, workshop_id = in_workshop(request)
    return render(
        request,
        "projector.html",
        projection=projector.projection(uow_of(request), actor, workshop_id),
        workshop_id=str(workshop_id),
    )


@router.post("/hide/{record_type}/{record_id}", **guard(Access.FACILITATOR, csrf=True))
def hide(
    request: Request, workshop: str, record_type: str, record_id: str, reason: str = Form()
) -> Response:
    """Take a contribution off the joint table, with the reason."""
    actor, workshop_id = in_workshop(request)
    moderation.hide_contribution(
        uow_of(request), actor, record_type, parse_id(record_id, record_type), reason=reason
    )
    return RedirectResponse(f"/w/{workshop_id}/joint", status_code=303)


@router.post("/merge/{record_type}/{record_id}", **guard(Access.FACILITATOR, csrf=True))
def merge(
    request: Request,
    workshop: str,
    record_type: str,
    record_id: str,
    into: str = Form(),
    reason: str = Form(),
) -> Response:
    """Merge a contribution into another of the same kind, with the reason."""
    actor, workshop_id = in_workshop(request)
    moderation.merge_contribution(
        uow_of(request),
        actor,
        record_type,
        parse_id(record_id, record_type),
        into=parse_id(into, record_type),
        reason=reason,
    )
    return RedirectResponse(f"/w/{workshop_id}/joint", status_code=303)
