"""``tracktwo workshop``: workshops, their third party, series, composition and reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer
from rich.table import Table

from tracktwo.cli.common import (
    OPERATOR,
    TextOption,
    in_folder,
    listing_command,
    parse_date,
    parse_uuid,
    run,
)
from tracktwo.cli.output import JsonFlag, answer, console, json_or, show, warn
from tracktwo.cli.retention import print_destruction
from tracktwo.domain.rules import FACILITATOR_FLOOR
from tracktwo.engines.composition import CompositionRules
from tracktwo.io.polis import read_carry_actions
from tracktwo.services import conditions, recruitment, reports, workshops
from tracktwo.services.transaction import UnitOfWork

workshop_app = typer.Typer(
    help="Workshops, third party, series, composition.", no_args_is_help=True
)


@workshop_app.command("create")
@in_folder
def workshop_create(
    uow: UnitOfWork,
    conflict_id: str,
    title: TextOption,
    per_party: Annotated[int, typer.Option(help="Members per party, 3-6.")] = 4,
    venue: str = "",
    series: Annotated[str | None, typer.Option(help="Series id: continue that series.")] = None,
    keep_only_endorsed: Annotated[
        bool,
        typer.Option(
            "--keep-only-endorsed",
            help="Keep only the joint contributions both parties endorse; `phase prune` at "
            "the end of each joint session destroys the rest.",
        ),
    ] = False,
    retain_until: Annotated[
        str | None,
        typer.Option(help="Last day its records are kept (YYYY-MM-DD); default: a year on."),
    ] = None,
    time_zone: Annotated[
        str,
        typer.Option(help="IANA time zone its times are shown and typed in (Europe/Nicosia)."),
    ] = "UTC",
) -> None:
    """Create a workshop (with its own data key and a retention date)."""
    conflict = parse_uuid(conflict_id, "conflict")
    series_id = parse_uuid(series, "series") if series else None
    until = parse_date(retain_until, "--retain-until") if retain_until else None
    workshop_id = workshops.create_workshop(
        uow, OPERATOR, conflict, title=title, per_party=per_party, venue=venue,
        series_id=series_id, keep_only_endorsed=keep_only_endorsed, retention_until=until,
        time_zone=time_zone,
    )  # fmt: skip
    console.print(f"workshop {workshop_id}")


def _workshop_row(listing: workshops.WorkshopListing) -> tuple[str, ...]:
    series = f"{listing.series} {listing.sequence}" if listing.series else ""
    return (listing.id, listing.title, series, str(listing.facilitators), str(listing.members),
            listing.time_zone)  # fmt: skip


def _workshops(uow: UnitOfWork, conflict: UUID) -> list[workshops.WorkshopListing]:
    """The workshops of a conflict in the order created: series place, team, members."""
    return workshops.workshops_of(uow, OPERATOR, conflict)


listing_command(
    workshop_app,
    ("conflict", _workshops),
    ("workshop", "title", "series", "facilitators", "members", "time zone"),
    _workshop_row,
)


@workshop_app.command("series")
@in_folder
def workshop_series(uow: UnitOfWork, conflict_id: str, name: str) -> None:
    """Open a continuing series of workshops."""
    cid = parse_uuid(conflict_id, "conflict")
    console.print(f"series {workshops.create_series(uow, OPERATOR, cid, name=name)}")


@workshop_app.command("compose")
@in_folder
def workshop_compose(
    uow: UnitOfWork,
    workshop_id: str,
    per_party: Annotated[int, typer.Option(help="Members per party, 3-6.")] = 4,
    max_status_gap: Annotated[
        float, typer.Option(help="Bound on the gap of mean status (0-1) between parties.")
    ] = 0.1,
    min_roles: Annotated[int, typer.Option(min=1, help="Distinct roles per party at least.")] = 2,
    require_role: Annotated[
        list[str],
        typer.Option(
            help="ROLE=N: at least N per party (repeat); ROLE is one of the conflict's roles "
            "(set per conflict: `tracktwo conflict show` lists them)."
        ),
    ] = [],  # noqa: B006
    pin: Annotated[
        list[str], typer.Option(help="A candidate id to choose whatever the scores (repeat).")
    ] = [],  # noqa: B006
    exclude: Annotated[list[str], typer.Option(help="A candidate id to leave out (repeat).")] = [],  # noqa: B006
    as_json: JsonFlag = False,
) -> None:
    """Choose the members by exact optimisation among committed candidates (with the people
    the facilitators pin in or leave out)."""
    required: dict[str, int] = {}
    for item in require_role:
        role, _, count = item.partition("=")
        try:
            required[role.strip()] = int(count or 1)
        except ValueError:
            raise typer.BadParameter(
                f"--require-role {item!r}: use ROLE=N with N a whole number"
            ) from None
    rules = run(
        lambda: CompositionRules(
            per_party=per_party,
            max_status_gap=max_status_gap,
            min_distinct_roles=min_roles,
            required_roles=required,
            pinned=frozenset(str(parse_uuid(c, "candidate")) for c in pin),
            excluded=frozenset(str(parse_uuid(c, "candidate")) for c in exclude),
        )
    )
    result = recruitment.compose_workshop(uow, OPERATOR, parse_uuid(workshop_id, "workshop"), rules)
    if json_or(result, as_json):
        return
    for line in result.explain():
        console.print(line)


@workshop_app.command("add-member")
@in_folder
def workshop_add_member(uow: UnitOfWork, workshop_id: str, candidate_id: str) -> None:
    """Add one committed candidate by hand, overriding the optimiser (audited)."""
    member = recruitment.add_member(
        uow, OPERATOR, parse_uuid(workshop_id, "workshop"), parse_uuid(candidate_id, "candidate")
    )
    console.print(f"member {member}")


@workshop_app.command("members")
@in_folder
def workshop_members(
    uow: UnitOfWork,
    workshop_id: str,
    reveal: Annotated[bool, typer.Option(help="Show full names (each read is audited).")] = False,
    as_json: JsonFlag = False,
) -> None:
    """List the composed members per party."""
    listed = recruitment.members(uow, OPERATOR, parse_uuid(workshop_id, "workshop"), reveal=reveal)
    show(
        listed,
        as_json,
        ("member id", "party", "role", "name"),
        lambda m: (m.member_id, m.party, m.role, m.name or "(sealed)"),
    )


@workshop_app.command("report")
@in_folder
def workshop_report(
    uow: UnitOfWork,
    workshop_id: str,
    reveal: Annotated[
        bool, typer.Option(help="Show the people's names (each read is audited).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Summarise every element's result for a workshop; --json prints all of it.

    Names appear only with --reveal.
    """
    report = reports.workshop_report(
        uow, OPERATOR, parse_uuid(workshop_id, "workshop"), reveal_names=reveal
    )
    answer(report, as_json, _say_report)


def _say_report(report: reports.WorkshopReport) -> None:
    """Print the report's headlines for people: who, when, what came of it, what is flagged."""
    info = report.workshop
    console.print(f"[bold]{info.title}[/] (workshop {info.sequence}, {info.per_party} per party)"
                  f" · kept until {info.retention_until.isoformat()}", highlight=False)  # fmt: skip
    for facilitator in report.third_party:
        who = facilitator.name or f"facilitator {facilitator.id}"
        console.print(f"third party: {who}{' (lead)' if facilitator.lead else ''}")
        warn(facilitator.flags)
    for party, people in report.members.items():
        named = ", ".join(m.name or f"{m.role} {m.member_id}" for m in people)
        console.print(f"{party}: {len(people)} members: {named}", highlight=False)
    for session in report.schedule:
        where = f" at {session.venue}" if session.venue else ""
        when, party = session.starts_at.replace("T", " "), session.party or "all parties"
        console.print(f"{when} UTC: {session.kind} ({party}), {session.hours:g} h{where}")
    ideas = report.board.ideas
    both = [idea for idea in ideas if idea.supported_by_both]
    console.print(f"ideas both parties support: {len(both)} of {len(ideas)}")
    for idea in both:
        console.print(f"  - {idea.text}", highlight=False)
    if report.contact_conditions:
        for warning in report.contact_conditions.get("warnings", []):
            console.print(f"[yellow]contact condition:[/] {warning}")
    for entry in report.transfers:
        support = "supported by both" if entry.supported_by_both else "NOT supported by both"
        console.print(f"transfer {entry.occurred_on} to {entry.channel} ({entry.result}, "
                      f"{support}): {entry.idea}", highlight=False)  # fmt: skip
    console.print("all of it: --json")


@workshop_app.command("conditions")
@in_folder
def workshop_conditions(uow: UnitOfWork, workshop_id: str, as_json: JsonFlag = False) -> None:
    """Score Hewstone & Brown's five contact conditions from the workshop's own data."""
    report = conditions.contact_conditions(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
    if json_or(report, as_json):
        return
    table = Table("condition", "score", "met", "evidence")
    for condition, score in report.scores.items():
        table.add_row(
            condition.value, f"{score.score:.2f}", "yes" if score.met else "NO", score.evidence
        )
    console.print(table)
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {warning}")


@workshop_app.command("destroy")
@in_folder
def workshop_destroy(
    uow: UnitOfWork,
    workshop_id: str,
    series: Annotated[
        bool,
        typer.Option("--series", help="Destroy every workshop of its series, each with its key."),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: this destroys the data key.")
    ] = False,
) -> None:
    """Delete a workshop at the end of retention and destroy its key; say what later
    workshops of its series keep (carried ideas, returning participants), or, with
    --series, destroy the series whole."""
    wid = parse_uuid(workshop_id, "workshop")
    if not yes:
        print_destruction(
            workshops.destroy_workshop(uow, OPERATOR, wid, series=series, dry_run=True)
        )
        raise typer.BadParameter("destroying a workshop cannot be undone: add --yes")
    print_destruction(workshops.destroy_workshop(uow, OPERATOR, wid, series=series))


@workshop_app.command("facilitator")
@in_folder
def workshop_facilitator(
    uow: UnitOfWork,
    workshop_id: str,
    name: TextOption,
    impartiality: Annotated[float, typer.Option(help="0-1")],
    communication: Annotated[float, typer.Option(help="0-1")],
    sensitivity: Annotated[float, typer.Option(help="0-1")],
    credibility: Annotated[list[str], typer.Option(help="PARTY=SCORE, one per party.")],
    lead: Annotated[bool, typer.Option("--lead")] = False,
    flag_below: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="0-1: flag an impartiality or credibility below this (accepted, audited).",
        ),
    ] = FACILITATOR_FLOOR,
) -> None:
    """Add a member of the third-party team (name sealed at once)."""
    scores: dict[str, float] = {}
    for item in credibility:
        party, _, score = item.rpartition("=")
        try:
            scores[party] = float(score)
        except ValueError:
            raise typer.BadParameter(f"--credibility {item!r}: use PARTY=SCORE") from None
    added = workshops.add_facilitator(
        uow,
        OPERATOR,
        parse_uuid(workshop_id, "workshop"),
        name=name,
        lead=lead,
        impartiality=impartiality,
        communication=communication,
        sensitivity=sensitivity,
        credibility=scores,
        flag_below=flag_below,
    )
    console.print(f"facilitator {added.id}")
    warn(added.warnings)


@workshop_app.command("team")
@in_folder
def workshop_team(
    uow: UnitOfWork,
    workshop_id: str,
    flag_below: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="0-1: flag a quality below this.")
    ] = FACILITATOR_FLOOR,
    as_json: JsonFlag = False,
) -> None:
    """List the third-party team, flagging impartiality or credibility below the floor."""
    team = workshops.third_party(
        uow, OPERATOR, parse_uuid(workshop_id, "workshop"), flag_below=flag_below
    )
    show(
        team,
        as_json,
        ("facilitator", "name", "lead", "impart.", "comm.", "sens.", "credibility", "flags"),
        lambda f: (
            f.id,
            f.name or "(sealed)",
            "yes" if f.lead else "",
            *(f"{score:.2f}" for score in (f.impartiality, f.communication, f.sensitivity)),
            ", ".join(f"{party} {value:.2f}" for party, value in f.credibility.items()),
            "; ".join(f.flags),
        ),
    )


@workshop_app.command("carry")
@in_folder
def workshop_carry(
    uow: UnitOfWork,
    workshop_id: str,
    action: Annotated[
        list[str], typer.Option(help="IDEA=strengthen|expand|modify for an idea of the last one.")
    ] = [],  # noqa: B006
    actions_from: Annotated[
        Path | None,
        typer.Option(
            "--actions-from",
            help="CSV of idea,action rows, as `commonground analyze --carry` writes them.",
        ),
    ] = None,
) -> None:
    """Start a series workshop from the previous workshop's ideas."""
    actions = {}
    chosen = list(read_carry_actions(actions_from).items()) if actions_from else []
    for item in action:
        idea, _, what = item.partition("=")
        chosen.append((idea, what))
    for idea, what in chosen:
        actions[parse_uuid(idea, "idea")] = what
    carried = workshops.carry_ideas(
        uow, OPERATOR, parse_uuid(workshop_id, "workshop"), actions=actions
    )
    console.print(f"carried {len(carried)} ideas")
