"""The facilitators' pages for each step of a workshop's lifecycle, beside the console.

Team, ripeness, candidates and referrals, briefings and commitment, leadership approval,
returning participants of a series, the schedule (in the workshop's own time zone),
transfers and re-entry checks: each page shows the step and records it through the same
use case the command line calls. Participants rate the sessions they attended on the
sessions page. Every refusal names the rule (the 422 page).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.domain.rules import KELMAN_GROUND_RULES
from tracktwo.domain.vocabulary import Commitment, TransferChannel, TransferResult
from tracktwo.errors import ValidationError
from tracktwo.services import (
    phases,
    recruitment,
    reentry,
    reports,
    schedule,
    transfers,
    workshops,
)
from tracktwo.services.transaction import UnitOfWork
from tracktwo.web.charts import snowball_svg
from tracktwo.web.pages import render
from tracktwo.web.routes.deps import ONE_TRANSACTION, parse_id, uow_of
from tracktwo.web.routes.forms import (
    parse_day,
    parse_number,
    parse_optional_share,
    parse_share,
    yes,
)
from tracktwo.web.routes.ripeness_pages import record_assessment, ripeness_context
from tracktwo.web.routes.team_pages import add_to_team, team_page
from tracktwo.web.security import Access, guard, in_workshop

router = APIRouter(prefix="/w/{workshop}", dependencies=[ONE_TRANSACTION])


def _back(workshop_id: UUID, page: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(
        f"/w/{workshop_id}/{page}" + (f"#{anchor}" if anchor else ""), status_code=303
    )


# The team -------------------------------------------------------------------------------


@router.get("/team", **guard(Access.FACILITATOR))
def team(request: Request, workshop: str) -> Response:
    """The third-party team with qualities and flags; add a co-facilitator."""
    actor, workshop_id = in_workshop(request)
    return team_page(request, actor, workshop_id, f"/w/{workshop_id}/team")


@router.post("/team", **guard(Access.FACILITATOR, csrf=True))
async def add_co_facilitator(request: Request, workshop: str) -> Response:
    """Add a co-facilitator and show their own single-use sign-in link, once."""
    actor, workshop_id = in_workshop(request)
    return await add_to_team(request, actor, workshop_id, f"/w/{workshop_id}/team")


# Ripeness --------------------------------------------------------------------------------


@router.get("/ripeness", **guard(Access.FACILITATOR))
def ripeness_page(request: Request, workshop: str) -> Response:
    """The conflict's ripeness over time, who assessed it and on what evidence; record one."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    conflict_id = reports.conflict_of(uow, actor, workshop_id)
    return render(
        request,
        "ripeness.html",
        **ripeness_context(uow, actor, conflict_id, f"/w/{workshop_id}/ripeness"),
        workshop_id=str(workshop_id),
    )


@router.post("/ripeness", **guard(Access.FACILITATOR, csrf=True))
def assess_ripeness(
    request: Request,
    workshop: str,
    party: str = Form(),
    assessed_on: str = Form(),
    can_win_alone: str = Form(),
    stalemate_pain: str = Form(),
    assessor: str = Form(),
    basis: str = Form(""),
) -> Response:
    """Record a dated ripeness assessment of one party of this workshop's conflict."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    record_assessment(
        uow, actor, reports.conflict_of(uow, actor, workshop_id), party=party,
        assessed_on=assessed_on, can_win_alone=can_win_alone, stalemate_pain=stalemate_pain,
        assessor=assessor, basis=basis,
    )  # fmt: skip
    return _back(workshop_id, "ripeness")


# Candidates, referrals, briefings ------------------------------------------------------------


@router.get("/candidates", **guard(Access.FACILITATOR))
def candidates_page(request: Request, workshop: str, reveal: str = "") -> Response:
    """Candidates by label (names on request, audited), the snowball graph with the same
    labels linked to the rows, and the forms of recruitment."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    revealed = reveal == "names"
    listed = recruitment.candidates(uow, actor, workshop_id, reveal=revealed)
    summary = workshops.workshop_summary(uow, actor, workshop_id)
    try:
        graph = recruitment.snowball(uow, actor, workshop_id).to_dict()
        labels = {c.id: c.label for c in listed}
        chart = snowball_svg(graph, labels=labels, anchor="#cand-")
    except ValidationError as missing:  # no key person yet for some party
        chart, graph = "", {"missing": str(missing)}
    return render(
        request,
        "candidates.html",
        summary=summary,
        candidates=listed,
        revealed=revealed,
        snowball_chart=chart,
        snowball_missing=graph.get("missing", ""),
        roles=summary.roles,
        commitments=[c.value for c in Commitment],
        ground_rules=KELMAN_GROUND_RULES,
        returning=recruitment.returning_candidates(uow, actor, workshop_id),
        today=date.today().isoformat(),
        workshop_id=str(workshop_id),
    )


@router.post("/candidates", **guard(Access.FACILITATOR, csrf=True))
def add_candidate(
    request: Request,
    workshop: str,
    party: str = Form(),
    name: str = Form(),
    role: str = Form(),
    influence: str = Form(),
    credibility: str = Form(),
    openness: str = Form(),
    status: str = Form(),
    email: str = Form(""),
    phone: str = Form(""),
    key_person: str = Form(""),
    referred_by: str = Form(""),
) -> Response:
    """Add a candidate (name and contacts sealed), perhaps referred by another."""
    actor, workshop_id = in_workshop(request)
    recruitment.add_candidate(
        uow_of(request),
        actor,
        workshop_id,
        party=party,
        name=name,
        role=role,
        influence=parse_share("influence", influence),
        credibility=parse_share("credibility", credibility),
        openness=parse_share("openness", openness),
        status=parse_share("status", status),
        email=email.strip() or None,
        phone=phone.strip() or None,
        key_person=yes(key_person),
        referred_by=parse_id(referred_by, "candidate") if referred_by else None,
    )
    return _back(workshop_id, "candidates", "list")


@router.post("/referrals", **guard(Access.FACILITATOR, csrf=True))
def refer(
    request: Request, workshop: str, referrer: str = Form(), referred: str = Form()
) -> Response:
    """Record that one candidate referred another (a cross-party referral is flagged)."""
    actor, workshop_id = in_workshop(request)
    recruitment.refer(
        uow_of(request),
        actor,
        workshop_id,
        referrer=parse_id(referrer, "candidate"),
        referred=parse_id(referred, "candidate"),
    )
    return _back(workshop_id, "candidates", "list")


@router.post("/briefings", **guard(Access.FACILITATOR, csrf=True))
async def brief(request: Request, workshop: str) -> Response:
    """Record a briefing: purposes, procedures, ground rules discussed, and the commitment."""
    actor, workshop_id = in_workshop(request)
    form = await request.form()
    recruitment.record_briefing(
        uow_of(request),
        actor,
        parse_id(str(form.get("candidate", "")), "candidate"),
        held_on=parse_day("date of the briefing", str(form.get("held_on", ""))),
        purposes=yes(form.get("purposes")),
        procedures=yes(form.get("procedures")),
        ground_rules=[str(rule) for rule in form.getlist("ground_rules")],
        commitment=str(form.get("commitment", "")),
        notes=str(form.get("notes", "")).strip() or None,
    )
    return _back(workshop_id, "candidates", "list")


@router.post("/approvals", **guard(Access.FACILITATOR, csrf=True))
def approve(
    request: Request, workshop: str, candidate: str = Form(), approved: str = Form()
) -> Response:
    """Record whether a candidate's leadership approves their taking part."""
    actor, workshop_id = in_workshop(request)
    recruitment.record_leadership_approval(
        uow_of(request), actor, parse_id(candidate, "candidate"), approved=approved == "yes"
    )
    return _back(workshop_id, "candidates", "list")


@router.post("/returning", **guard(Access.FACILITATOR, csrf=True))
async def invite_returning(request: Request, workshop: str) -> Response:
    """Invite chosen participants of the series' previous workshop as candidates again."""
    actor, workshop_id = in_workshop(request)
    chosen = [parse_id(str(c), "candidate") for c in (await request.form()).getlist("previous")]
    if not chosen:
        raise ValidationError("choose at least one returning participant")
    recruitment.invite_returning(uow_of(request), actor, workshop_id, chosen)
    return _back(workshop_id, "candidates", "list")


# The schedule ------------------------------------------------------------------------------


@router.get("/schedule", **guard(Access.FACILITATOR))
def schedule_page(request: Request, workshop: str) -> Response:
    """The schedule in the workshop's time zone; add, move or remove a session."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    return render(
        request,
        "schedule.html",
        summary=workshops.workshop_summary(uow, actor, workshop_id),
        sessions=schedule.schedule(uow, actor, workshop_id),
        workshop_id=str(workshop_id),
    )


@router.post("/schedule", **guard(Access.FACILITATOR, csrf=True))
def add_session(
    request: Request,
    workshop: str,
    kind: str = Form(),
    starts: str = Form(),
    hours: str = Form(),
    party: str = Form(""),
    venue: str = Form(""),
) -> Response:
    """Schedule a session at a wall-clock time of the workshop's time zone."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    zone = workshops.workshop_summary(uow, actor, workshop_id).time_zone
    schedule.schedule_session(
        uow,
        actor,
        workshop_id,
        kind=kind,
        starts_at=schedule.from_local(starts, zone),
        hours=parse_number("hours", hours, 0.5, 12),
        party=party or None,
        venue=venue or None,
    )
    return _back(workshop_id, "schedule")


@router.post("/schedule/{session}/move", **guard(Access.FACILITATOR, csrf=True))
def move_session(
    request: Request,
    workshop: str,
    session: str,
    starts: str = Form(),
    hours: str = Form(),
) -> Response:
    """Move a session or change its length, under the same rules as a new one."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    zone = workshops.workshop_summary(uow, actor, workshop_id).time_zone
    session_id = _session_of(uow, actor, workshop_id, session)
    schedule.move_session(
        uow,
        actor,
        session_id,
        starts_at=schedule.from_local(starts, zone),
        hours=parse_number("hours", hours, 0.5, 12),
    )
    return _back(workshop_id, "schedule")


@router.post("/schedule/{session}/remove", **guard(Access.FACILITATOR, csrf=True))
def remove_session(request: Request, workshop: str, session: str) -> Response:
    """Take a session off the schedule."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    schedule.remove_session(uow, actor, _session_of(uow, actor, workshop_id, session))
    return _back(workshop_id, "schedule")


def _session_of(uow: UnitOfWork, actor: Actor, workshop_id: UUID, session: str) -> UUID:
    """Return a session id of this workshop from the path (refused for another's)."""
    session_id = parse_id(session, "session")
    if schedule.workshop_of_session(uow, actor, session_id) != workshop_id:
        raise ValidationError("that session belongs to another workshop")
    return session_id


# Session ratings (participants) ----------------------------------------------------------


@router.get("/sessions", **guard(Access.MEMBER))
def sessions_page(request: Request, workshop: str) -> Response:
    """The sessions a person attends, in the workshop's time zone; a participant rates how
    pleasant and rewarding each was (1-5), and may change it."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    own = (
        schedule.own_session_ratings(uow, actor, workshop_id)
        if actor.kind is ActorKind.PARTICIPANT
        else {}
    )
    return render(
        request,
        "sessions.html",
        summary=workshops.workshop_summary(uow, actor, workshop_id),
        sessions=schedule.schedule(uow, actor, workshop_id),
        own=own,
        workshop_id=str(workshop_id),
    )


@router.post("/sessions/{session}/rate", **guard(Access.PARTICIPANT, csrf=True))
def rate_session(request: Request, workshop: str, session: str, value: str = Form()) -> Response:
    """Rate a session 1-5; a second rating replaces the first."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    schedule.rate_session(
        uow,
        actor,
        _session_of(uow, actor, workshop_id, session),
        value=parse_number("rating", value, 1, 5),
    )
    return _back(workshop_id, "sessions")


# Transfers ---------------------------------------------------------------------------------


@router.get("/transfers", **guard(Access.FACILITATOR))
def transfers_page(request: Request, workshop: str) -> Response:
    """The transfer log, and the ideas with their text and whether both parties support
    them; log a transfer (a reason is asked for where support is missing)."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    return render(
        request,
        "transfers.html",
        summary=workshops.workshop_summary(uow, actor, workshop_id),
        transfers=transfers.transfers(uow, actor, workshop_id),
        ideas=phases.board(uow, actor, workshop_id).ideas,
        channels=[c.value for c in TransferChannel],
        results=[r.value for r in TransferResult],
        needs_both=sorted(c.value for c in transfers.NEEDS_BOTH_PARTIES),
        today=date.today().isoformat(),
        workshop_id=str(workshop_id),
    )


@router.post("/transfers", **guard(Access.FACILITATOR, csrf=True))
def log_transfer(
    request: Request,
    workshop: str,
    idea: str = Form(),
    channel: str = Form(),
    recipient: str = Form(),
    occurred_on: str = Form(),
    result: str = Form("pending"),
    reason: str = Form(""),
) -> Response:
    """Log that an idea reached a decision-maker, a negotiation text or the media."""
    actor, workshop_id = in_workshop(request)
    transfers.log_transfer(
        uow_of(request),
        actor,
        parse_id(idea, "idea"),
        channel=channel,
        recipient=recipient,
        occurred_on=parse_day("date of the transfer", occurred_on),
        result=result,
        reason=reason or None,
    )
    return _back(workshop_id, "transfers")


@router.post("/transfers/{transfer}/result", **guard(Access.FACILITATOR, csrf=True))
def transfer_result(
    request: Request, workshop: str, transfer: str, result: str = Form()
) -> Response:
    """Record what became of a transfer."""
    actor, workshop_id = in_workshop(request)
    transfers.update_transfer(uow_of(request), actor, parse_id(transfer, "transfer"), result=result)
    return _back(workshop_id, "transfers")


# Re-entry ----------------------------------------------------------------------------------


@router.get("/reentry", **guard(Access.FACILITATOR))
def reentry_page(request: Request, workshop: str) -> Response:
    """Re-entry checks planned and done, and the readings with their risk level."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    labels = recruitment.candidate_labels(uow, actor, workshop_id)
    people = [
        (member.member_id, labels[UUID(member.candidate_id)])
        for member in recruitment.members(uow, actor, workshop_id)
    ]
    return render(
        request,
        "reentry.html",
        summary=workshops.workshop_summary(uow, actor, workshop_id),
        history=reentry.history(uow, actor, workshop_id),
        people=people,
        today=date.today().isoformat(),
        workshop_id=str(workshop_id),
    )


@router.post("/reentry/checks", **guard(Access.FACILITATOR, csrf=True))
def plan_check(
    request: Request, workshop: str, member: str = Form(), due_on: str = Form()
) -> Response:
    """Plan a check on one member."""
    actor, workshop_id = in_workshop(request)
    reentry.schedule_check(
        uow_of(request),
        actor,
        parse_id(member, "member"),
        due_on=parse_day("due date", due_on),
    )
    return _back(workshop_id, "reentry")


@router.post("/reentry/checks/{check}", **guard(Access.FACILITATOR, csrf=True))
def record_check(
    request: Request,
    workshop: str,
    check: str,
    done_on: str = Form(),
    contacted: str = Form(),
    mitigation: str = Form(""),
    ingroup_pressure: str = Form(""),
    marginalisation: str = Form(""),
    publicly_exposed: str = Form(""),
) -> Response:
    """Record a check as done: reached or not, mitigation, and the reading if reached."""
    actor, workshop_id = in_workshop(request)
    reentry.record_check(
        uow_of(request),
        actor,
        parse_id(check, "re-entry check"),
        done_on=parse_day("date of the check", done_on),
        contacted=contacted == "yes",
        mitigation=mitigation,
        ingroup_pressure=parse_optional_share("in-group pressure", ingroup_pressure),
        marginalisation=parse_optional_share("marginalisation", marginalisation),
        publicly_exposed=yes(publicly_exposed),
    )
    return _back(workshop_id, "reentry")
