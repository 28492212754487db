"""Participant spaces: the party's preliminary space, the joint space with its four phases,
surveys, and the live discussion of joint sessions."""

from __future__ import annotations

import contextlib
from datetime import date
from uuid import UUID

from fastapi import APIRouter, Form, HTTPException, Request, WebSocket
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from tracktwo.domain.actors import ActorKind
from tracktwo.domain.vocabulary import Measure
from tracktwo.errors import TrackTwoError
from tracktwo.services import (
    live,
    phase_order,
    phases,
    record,
    schedule,
    surveys,
    web_sessions,
    workshops,
)
from tracktwo.services.transaction import UnitOfWork, run
from tracktwo.services.web_sessions import SessionPolicy
from tracktwo.web.pages import render
from tracktwo.web.routes.deps import ONE_TRANSACTION, parse_id, uow_of
from tracktwo.web.security import (
    Access,
    guard,
    in_workshop,
)
from tracktwo.web.sessions import cookie_id, policy_of

router = APIRouter(prefix="/w/{workshop}", dependencies=[ONE_TRANSACTION])
SURVEY_MEASURES = [
    m.value for m in Measure if m not in (Measure.INGROUP_PRESSURE, Measure.MARGINALISATION)
]


def back(workshop_id: UUID, where: str = "joint", anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/w/{workshop_id}/{where}{anchor}", status_code=303)


@router.get("/joint", **guard(Access.MEMBER))
def joint_space(request: Request, workshop: str) -> Response:
    """The joint space: the four phases as this member may see them."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    summary = workshops.workshop_summary(uow, actor, workshop_id)
    board = phases.board(uow, actor, workshop_id)
    own = next((p for p in summary.parties if p.id == str(actor.party_id)), None)
    facilitating = actor.kind is ActorKind.FACILITATOR
    return render(
        request,
        "joint.html",
        summary=summary,
        board=board,
        own_party=own,
        phase_states=phase_order.phase_states(uow, actor, workshop_id),
        facilitating=facilitating,
        merge_into=_merge_targets(board) if facilitating else {},
        concern_texts={c.id: f"{c.party}: {c.text}" for c in board.concerns},
        joint_concerns=[c for c in board.concerns if c.space == "joint"],
        # An idea may answer only acknowledged concerns: only those are offered.
        answerable=[c for c in board.concerns if c.space == "joint" and c.acknowledged],
        sessions=[s for s in schedule.schedule(uow, actor, workshop_id) if s.kind == "joint"],
        own_ratings=phases.own_ratings(uow, actor, workshop_id) if own else {},
        workshop_id=str(workshop_id),
    )


def _merge_targets(board: phases.Board) -> dict[str, list[tuple[str, str]]]:
    """For each contribution on the table, the others of its kind it may be merged into
    (a concern only into one of its own party's), as (id, text)."""
    kinds: list[list[tuple[str, str, str]]] = [
        [(c.id, c.party, c.text) for c in board.concerns if c.space == "joint"],
        [(i.id, "", i.text) for i in board.ideas],
        [(c.id, "", c.text) for c in board.constraints],
        [(s.id, "", f"{s.who}: {s.what}") for s in board.reassurance_steps],
        [(v.id, "", v.text) for v in board.shared_vision],
    ]
    return {
        item: [
            (other, text) for other, o_party, text in items if other != item and o_party == party
        ]
        for items in kinds
        for item, party, _ in items
    }


@router.get("/space/{party}", **guard(Access.OWN_PARTY))
def party_space(request: Request, workshop: str, party: str) -> Response:
    """A party's preliminary space: its own drafts, seen by that party and the third party."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    space = phases.party_space(uow, actor, workshop_id, parse_id(party, "party"))
    summary = workshops.workshop_summary(uow, actor, workshop_id)
    return render(
        request,
        "space.html",
        summary=summary,
        party=space.party,
        drafts=space.drafts,
        workshop_id=str(workshop_id),
        party_id=party,
    )


@router.post("/concerns", **guard(Access.PARTICIPANT, csrf=True))
def state_concern(
    request: Request,
    workshop: str,
    kind: str = Form(),
    text: str = Form(),
    need: str = Form(""),
    space: str = Form("joint"),
) -> Response:
    """State a need, fear, priority or constraint of one's party."""
    actor, workshop_id = in_workshop(request)
    phases.state_concern(
        uow_of(request),
        actor,
        workshop_id,
        kind=kind,
        text=text,
        basic_need=need or None,
        space=space,
    )
    if space == "preliminary":
        return back(workshop_id, f"space/{actor.party_id}")
    return back(workshop_id, anchor="#analysis")


@router.post("/concerns/{concern}/table", **guard(Access.PARTICIPANT, csrf=True))
def table_concern(request: Request, workshop: str, concern: str) -> Response:
    """Move a prepared concern onto the joint table."""
    actor, workshop_id = in_workshop(request)
    phases.table_concern(uow_of(request), actor, parse_id(concern, "concern"))
    return back(workshop_id, anchor="#analysis")


@router.post("/concerns/{concern}/acknowledge", **guard(Access.PARTICIPANT, csrf=True))
def acknowledge(
    request: Request, workshop: str, concern: str, restatement: str = Form()
) -> Response:
    """Restate the other side's concern for its owners to accept."""
    actor, workshop_id = in_workshop(request)
    phases.acknowledge_concern(
        uow_of(request), actor, parse_id(concern, "concern"), restatement=restatement
    )
    return back(workshop_id, anchor="#analysis")


@router.post("/acknowledgements/{ack}/confirm", **guard(Access.PARTICIPANT, csrf=True))
def confirm(request: Request, workshop: str, ack: str, satisfied: str = Form()) -> Response:
    """Accept (or not) a restatement of one's own party's concern."""
    actor, workshop_id = in_workshop(request)
    phases.confirm_acknowledgement(
        uow_of(request), actor, parse_id(ack, "acknowledgement"), satisfied=satisfied == "yes"
    )
    return back(workshop_id, anchor="#analysis")


@router.post("/ideas", **guard(Access.PARTICIPANT, csrf=True))
def propose_idea(
    request: Request, workshop: str, text: str = Form(), answers: list[str] = Form(default=[])
) -> Response:
    """Propose an idea linked to the concerns it answers."""
    actor, workshop_id = in_workshop(request)
    concern_ids = [parse_id(a, "concern") for a in answers]
    phases.propose_idea(uow_of(request), actor, workshop_id, text=text, answers=concern_ids)
    return back(workshop_id, anchor="#problem-solving")


@router.post("/ideas/{idea}/rate", **guard(Access.PARTICIPANT, csrf=True))
def rate_idea(request: Request, workshop: str, idea: str, value: int = Form()) -> Response:
    """Rate an idea from 1 to 5."""
    actor, workshop_id = in_workshop(request)
    phases.rate_idea(uow_of(request), actor, parse_id(idea, "idea"), value=value)
    return back(workshop_id, anchor="#problem-solving")


@router.post("/constraints", **guard(Access.PARTICIPANT, csrf=True))
def name_constraint(
    request: Request, workshop: str, kind: str = Form(), text: str = Form()
) -> Response:
    """Name a political or psychological constraint."""
    actor, workshop_id = in_workshop(request)
    phases.name_constraint(uow_of(request), actor, workshop_id, kind=kind, text=text)
    return back(workshop_id, anchor="#constraints")


@router.post("/reassurance", **guard(Access.PARTICIPANT, csrf=True))
def reassure(
    request: Request, workshop: str, who: str = Form(), what: str = Form(), when: str = Form()
) -> Response:
    """Propose a step of mutual reassurance."""
    actor, workshop_id = in_workshop(request)
    phases.add_reassurance_step(uow_of(request), actor, workshop_id, who=who, what=what, when=when)
    return back(workshop_id, anchor="#reassurance")


@router.post("/visions", **guard(Access.PARTICIPANT, csrf=True))
def vision(request: Request, workshop: str, text: str = Form()) -> Response:
    """Write a shared-vision statement."""
    actor, workshop_id = in_workshop(request)
    phases.add_shared_vision(uow_of(request), actor, workshop_id, text=text)
    return back(workshop_id, anchor="#reassurance")


@router.post("/visions/{vision}/endorse", **guard(Access.PARTICIPANT, csrf=True))
def endorse_vision(request: Request, workshop: str, vision: str) -> Response:
    """Endorse a shared-vision statement, or an amendment of one, for one's party."""
    actor, workshop_id = in_workshop(request)
    phases.endorse_shared_vision(uow_of(request), actor, parse_id(vision, "shared vision"))
    return back(workshop_id, anchor="#reassurance")


@router.post("/visions/{vision}/amend", **guard(Access.PARTICIPANT, csrf=True))
def amend_vision(request: Request, workshop: str, vision: str, text: str = Form()) -> Response:
    """Propose an amended text of the other party's shared-vision statement."""
    actor, workshop_id = in_workshop(request)
    phases.amend_shared_vision(uow_of(request), actor, parse_id(vision, "shared vision"), text=text)
    return back(workshop_id, anchor="#reassurance")


@router.post("/keep/{record_type}/{record_id}", **guard(Access.PARTICIPANT, csrf=True))
def keep(request: Request, workshop: str, record_type: str, record_id: str) -> Response:
    """Mark, for one's own party, a joint contribution to keep (keep-only-endorsed mode)."""
    actor, workshop_id = in_workshop(request)
    record.mark_keep(uow_of(request), actor, record_type, parse_id(record_id, record_type))
    return back(workshop_id, anchor="#record")


@router.get("/survey", **guard(Access.PARTICIPANT))
def survey_form(request: Request, workshop: str) -> Response:
    """The survey form for one wave."""
    _, workshop_id = in_workshop(request)
    return render(request, "survey.html", measures=SURVEY_MEASURES, workshop_id=str(workshop_id))


@router.post("/survey", **guard(Access.PARTICIPANT, csrf=True))
async def survey_answer(request: Request, workshop: str) -> Response:
    """Record one's own answers for a wave."""
    actor, workshop_id = in_workshop(request)
    form = await request.form()
    answers = {}
    for measure in SURVEY_MEASURES:
        raw = form.get(measure)
        if isinstance(raw, str) and raw.strip():
            try:
                answers[measure] = float(raw)
            except ValueError:
                raise HTTPException(400, detail=f"{measure}: {raw!r} is not a number") from None
    surveys.answer_survey(
        uow_of(request),
        actor,
        workshop_id,
        wave=str(form.get("wave")),
        answers=answers,
        taken_on=date.today(),
    )
    return render(
        request, "survey.html", measures=SURVEY_MEASURES, workshop_id=str(workshop_id), saved=True
    )


@router.get("/live/{session}", **guard(Access.MEMBER))
def live_page(request: Request, workshop: str, session: str) -> Response:
    """The live discussion page of a joint session."""
    actor, workshop_id = in_workshop(request)
    session_id = parse_id(session, "session")
    live.admit(uow_of(request), actor, workshop_id, session_id)
    return render(request, "live.html", workshop_id=str(workshop_id), session_id=str(session_id))


def _admitted(
    uow: UnitOfWork,
    token: str | None,
    policy: SessionPolicy,
    workshop_id: UUID,
    session_id: UUID,
) -> str:
    """Find the socket's session and admit its actor to the room, in one transaction;
    return how the room shows them."""
    signed = web_sessions.resolve(uow, token, policy) if token else None
    if signed is None or signed.actor.workshop_id != workshop_id:
        raise PermissionError
    return live.admit(uow, signed.actor, workshop_id, session_id)


@router.websocket("/live/{session}/ws")
async def live_socket(websocket: WebSocket, workshop: str, session: str) -> None:
    """Relay messages among the signed-in people of one joint session; keep none."""
    try:
        workshop_id, session_id = UUID(workshop), UUID(session)
        label = await run_in_threadpool(
            run,
            websocket.app.state.store,
            _admitted,
            cookie_id(websocket),
            policy_of(websocket),
            workshop_id,
            session_id,
        )
    except (ValueError, PermissionError, TrackTwoError):
        await websocket.close(code=4403)
        return
    await websocket.accept()
    hub = websocket.app.state.live
    key = (workshop_id, session_id)
    seat = await hub.join(key, label, websocket)
    try:
        while True:
            text = await websocket.receive_text()
            if text.strip():
                await hub.relay(key, seat, text.strip())
    except WebSocketDisconnect:
        pass
    finally:
        with contextlib.suppress(Exception):
            await hub.leave(key, seat)
