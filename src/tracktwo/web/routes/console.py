"""The facilitator console: every lifecycle element of one workshop, and its feedback rounds."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.engines.composition import CompositionRules
from tracktwo.errors import AccessDenied, ValidationError
from tracktwo.services import (
    ballots,
    feedback,
    phases,
    record,
    recruitment,
    reports,
    schedule,
    signin,
    surveys,
)
from tracktwo.services.commonground_rounds import analyse_round, export_round, latest_analysis
from tracktwo.services.transaction import UnitOfWork
from tracktwo.web.charts import analysis_map, ripeness_svg, snowball_svg
from tracktwo.web.pages import render
from tracktwo.web.routes.deps import ONE_TRANSACTION, parse_id, uow_of
from tracktwo.web.security import (
    Access,
    guard,
    in_workshop,
)

router = APIRouter(prefix="/w/{workshop}", dependencies=[ONE_TRANSACTION])


@router.get("/console", **guard(Access.FACILITATOR))
def console(request: Request, workshop: str, reveal: str = "") -> Response:
    """The whole workshop on one page: profile to transfers.

    People appear by party, role and number; their names only after the facilitator's
    explicit reveal action (``?reveal=names``), each name read written to the audit trail:
    a console may be on a screen others can see.
    """
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    revealed = reveal == "names"
    report = reports.workshop_report(uow, actor, workshop_id, reveal_names=revealed)
    # Every candidate by the label the candidate list and the snowball graph show (and,
    # once revealed, by name), never by id.
    labels = {
        str(candidate_id): label
        for candidate_id, label in recruitment.candidate_labels(uow, actor, workshop_id).items()
    }
    for people in report.members.values():
        for member in people:
            if member.name:
                labels[member.candidate_id] = f"{labels[member.candidate_id]} · {member.name}"
    explanation = []
    for line in (report.composition or {}).get("explanation", []):
        for candidate_id, label in labels.items():
            line = line.replace(candidate_id, label)
        explanation.append(line)
    return render(
        request,
        "console.html",
        report=report,
        revealed=revealed,
        explanation=explanation,
        labels=labels,
        candidates=recruitment.candidates(uow, actor, workshop_id),
        rounds=feedback.rounds(uow, actor, workshop_id),
        series_change=_series_change(uow, actor, workshop_id),
        ripeness_chart=ripeness_svg(report.ripeness),
        snowball_chart=snowball_svg(report.snowball)
        if isinstance(report.snowball, dict) and "nodes" in report.snowball
        else "",
        workshop_id=str(workshop_id),
    )


def _series_change(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> list[dict[str, Any]]:
    """The returning participants' change across the series, when there is one to show."""
    try:
        found = surveys.series_effects(uow, actor, workshop_id)
    except (ValidationError, AccessDenied):  # no series, no answers yet, or not theirs
        return []
    return [
        {
            **{str(key): value for key, value in row.items()},
            "first": found.first_workshop,
            "this": found.this_workshop,
        }
        for row in found.change.to_dict("records")
        if row["party"] == "all"
    ]


@router.post("/prune", **guard(Access.FACILITATOR, csrf=True))
def prune(request: Request, workshop: str) -> Response:
    """End a joint session: keep what both parties endorse, destroy the rest and its key."""
    actor, workshop_id = in_workshop(request)
    record.keep_only_endorsed(uow_of(request), actor, workshop_id)
    return RedirectResponse(f"/w/{workshop_id}/console#record", status_code=303)


@router.get("/schedule.ics", **guard(Access.FACILITATOR))
def calendar(request: Request, workshop: str) -> Response:
    """Download the schedule as iCalendar."""
    actor, workshop_id = in_workshop(request)
    text = schedule.icalendar(uow_of(request), actor, workshop_id)
    return Response(
        text,
        media_type="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="workshop.ics"'},
    )


@router.post("/compose", **guard(Access.FACILITATOR, csrf=True))
def compose(
    request: Request,
    workshop: str,
    per_party: int = Form(),
    max_status_gap: float = Form(),
    min_distinct_roles: int = Form(),
    pin: list[str] = Form(default=[]),
    exclude: list[str] = Form(default=[]),
) -> Response:
    """Choose the members by exact optimisation among committed candidates, with the
    people the facilitators pin in or leave out."""
    actor, workshop_id = in_workshop(request)
    rules = CompositionRules(
        per_party=per_party,
        max_status_gap=max_status_gap,
        min_distinct_roles=min_distinct_roles,
        pinned=frozenset(str(parse_id(c, "candidate")) for c in pin),
        excluded=frozenset(str(parse_id(c, "candidate")) for c in exclude),
    )
    recruitment.compose_workshop(uow_of(request), actor, workshop_id, rules)
    return RedirectResponse(f"/w/{workshop_id}/console#composition", status_code=303)


@router.post("/invitations", **guard(Access.FACILITATOR, csrf=True))
def invite(request: Request, workshop: str) -> Response:
    """Make one single-use sign-in link per member; shown once, stored only hashed."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    members = recruitment.members(uow, actor, workshop_id, reveal=True)
    links = [
        {
            "member": member,
            "url": str(request.base_url).rstrip("/")
            + "/signin/"
            + signin.create_link(
                uow,
                actor,
                workshop_id,
                kind=ActorKind.PARTICIPANT,
                subject_id=UUID(member.member_id),
            ).token,
        }
        for member in members
    ]
    return render(request, "invitations.html", links=links, workshop_id=str(workshop_id))


@router.post("/interventions", **guard(Access.FACILITATOR, csrf=True))
def intervene(request: Request, workshop: str, phase: str = Form(), kind: str = Form()) -> Response:
    """Log an intervention by kind; nothing of its content is kept."""
    actor, workshop_id = in_workshop(request)
    phases.log_intervention(uow_of(request), actor, workshop_id, phase=phase, kind=kind)
    return RedirectResponse(f"/w/{workshop_id}/console#boards", status_code=303)


@router.post("/release", **guard(Access.FACILITATOR, csrf=True))
def release(
    request: Request,
    workshop: str,
    title: str = Form(),
    ideas: list[str] = Form(),
    mode: str = Form("open"),
) -> Response:
    """Release chosen ideas to both communities (identity stripped; the release is logged),
    open to a link per community or by single-use invitations."""
    actor, workshop_id = in_workshop(request)
    opened = feedback.release_ideas(
        uow_of(request),
        actor,
        workshop_id,
        [parse_id(i, "idea") for i in ideas],
        title=title,
        mode=mode,
    )
    # Post/redirect/get: reloading the round page never releases the ideas again. The links
    # are made on the round page, where they can be made anew (voiding the old) at any time.
    return RedirectResponse(
        f"/w/{workshop_id}/rounds/{opened.round_id}?released=1#links", status_code=303
    )


@router.get("/rounds/{round_id}", **guard(Access.FACILITATOR))
def round_page(request: Request, workshop: str, round_id: str) -> Response:
    """A feedback round: moderation queue, analysis, and whether results are open."""
    actor, workshop_id = in_workshop(request)
    uow = uow_of(request)
    rid = parse_id(round_id, "round")
    listed = {r.id: r for r in feedback.rounds(uow, actor, workshop_id)}
    if str(rid) not in listed:
        raise HTTPException(status_code=404, detail="no such round in this workshop")
    analysis = latest_analysis(uow, actor, rid)
    return render(
        request,
        "round_console.html",
        round=listed[str(rid)],
        workshop_id=str(workshop_id),
        queue=feedback.moderation_queue(uow, actor, rid),
        statements=feedback.statements(uow, actor, rid),
        analysis=analysis,
        opinion_map=analysis_map(analysis),
        released=request.query_params.get("released") == "1",
        accepted=request.query_params.get("accepted"),
        flags=ballots.flagged_ballots(uow, actor, rid),
        invitations=ballots.invitation_counts(uow, actor, rid),
    )


@router.post("/rounds/{round_id}/invitations", **guard(Access.FACILITATOR, csrf=True))
def invite_respondents(
    request: Request, workshop: str, round_id: str, community: str = Form(), count: str = Form()
) -> Response:
    """Make single-use respondent links for one community, as a CSV file to hand to the
    panel (shown once: only their hashes are kept)."""
    actor, _ = in_workshop(request)
    try:
        number = int(count)
    except ValueError:
        raise HTTPException(status_code=400, detail=f"{count!r} is not a number") from None
    made = ballots.invite(uow_of(request), actor, parse_id(round_id, "round"), community, number)
    base = str(request.base_url).rstrip("/")
    table = "".join(f"{community},{base}/i/{secret}\r\n" for secret in made)
    return Response(
        "community,link\r\n" + table,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="invitations-{round_id}.csv"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/rounds/{round_id}/flags/{flag}/accept", **guard(Access.FACILITATOR, csrf=True))
def accept_flag(request: Request, workshop: str, round_id: str, flag: str) -> Response:
    """Count a flagged ballot cookie's ballots in the analysis from now on."""
    actor, workshop_id = in_workshop(request)
    ballots.accept_ballot(uow_of(request), actor, parse_id(round_id, "round"), flag)
    return RedirectResponse(
        f"/w/{workshop_id}/rounds/{round_id}?accepted={flag}#flags", status_code=303
    )


@router.post("/rounds/{round_id}/links", **guard(Access.FACILITATOR, csrf=True))
def new_links(request: Request, workshop: str, round_id: str) -> Response:
    """Make new community links for the round (the earlier ones stop working) and show them
    once: only their hashes are kept."""
    actor, workshop_id = in_workshop(request)
    links = feedback.renew_links(uow_of(request), actor, parse_id(round_id, "round"))
    base = str(request.base_url).rstrip("/")
    return render(
        request,
        "released.html",
        links={party: f"{base}/r/{secret}" for party, secret in links.items()},
        round_id=round_id,
        workshop_id=str(workshop_id),
    )


@router.post("/rounds/{round_id}/close", **guard(Access.FACILITATOR, csrf=True))
def close(request: Request, workshop: str, round_id: str) -> Response:
    """Close the round: no new respondents, no new votes."""
    actor, workshop_id = in_workshop(request)
    feedback.close_round(uow_of(request), actor, parse_id(round_id, "round"))
    return RedirectResponse(f"/w/{workshop_id}/rounds/{round_id}", status_code=303)


@router.get("/rounds/{round_id}/export.zip", **guard(Access.FACILITATOR))
def export(request: Request, workshop: str, round_id: str) -> Response:
    """Download the round as a Pol.is-format export with communities.csv and votes-long.csv."""
    actor, _ = in_workshop(request)
    found = export_round(uow_of(request), actor, parse_id(round_id, "round"))
    with tempfile.TemporaryDirectory() as folder:
        written = found.write(Path(folder) / "round")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(written.iterdir()):
                archive.write(path, f"round-{round_id}/{path.name}")
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="round-{round_id}.zip"'},
    )


@router.post("/rounds/{round_id}/moderate/{statement_id}", **guard(Access.FACILITATOR, csrf=True))
def moderate(
    request: Request, workshop: str, round_id: str, statement_id: str, accept: str = Form()
) -> Response:
    """Accept or reject a respondent's statement."""
    actor, workshop_id = in_workshop(request)
    feedback.moderate(
        uow_of(request), actor, parse_id(statement_id, "statement"), accept=accept == "yes"
    )
    return RedirectResponse(f"/w/{workshop_id}/rounds/{round_id}", status_code=303)


@router.post("/rounds/{round_id}/analyse", **guard(Access.FACILITATOR, csrf=True))
def analyse(request: Request, workshop: str, round_id: str) -> Response:
    """Run the common-ground engine on the round's votes and store the result."""
    actor, workshop_id = in_workshop(request)
    analyse_round(uow_of(request), actor, parse_id(round_id, "round"))
    return RedirectResponse(f"/w/{workshop_id}/rounds/{round_id}", status_code=303)


@router.post("/rounds/{round_id}/threshold", **guard(Access.FACILITATOR, csrf=True))
def support_threshold(
    request: Request, workshop: str, round_id: str, percent: str = Form()
) -> Response:
    """Set the agreement a community must show for a statement to count as supported."""
    actor, workshop_id = in_workshop(request)
    try:
        share = float(percent) / 100.0
    except ValueError:
        raise HTTPException(status_code=400, detail=f"{percent!r} is not a number") from None
    feedback.set_support_threshold(uow_of(request), actor, parse_id(round_id, "round"), share)
    return RedirectResponse(f"/w/{workshop_id}/rounds/{round_id}", status_code=303)


@router.post("/rounds/{round_id}/results", **guard(Access.FACILITATOR, csrf=True))
def open_results(request: Request, workshop: str, round_id: str, show: str = Form()) -> Response:
    """Open the results to respondents, or hide them again."""
    actor, workshop_id = in_workshop(request)
    feedback.set_results_open(
        uow_of(request), actor, parse_id(round_id, "round"), open_=show == "yes"
    )
    return RedirectResponse(f"/w/{workshop_id}/rounds/{round_id}", status_code=303)
