"""Commands for the lifecycle before and after the room: conflict, recruitment, follow-up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tracktwo.cli.common import (
    DatabaseUrl,
    DataDir,
    JsonFlag,
    console,
    opened,
    parse_date,
    parse_datetime,
    parse_uuid,
    print_json,
    run,
)
from tracktwo.domain.actors import Actor
from tracktwo.domain.vocabulary import Role
from tracktwo.engines.composition import CompositionRules
from tracktwo.engines.frames import records
from tracktwo.services import (
    conditions,
    conflicts,
    recruitment,
    reports,
    schedule,
    surveys,
    transfers,
    workshops,
)

OPERATOR = Actor.operator()
DEFAULT = Path("data")

conflict_app = typer.Typer(help="Conflict profiles and ripeness.", no_args_is_help=True)
workshop_app = typer.Typer(
    help="Workshops, third party, series, composition.", no_args_is_help=True
)
candidate_app = typer.Typer(help="Recruitment by snowball, briefings.", no_args_is_help=True)
schedule_app = typer.Typer(help="Preliminary and joint sessions.", no_args_is_help=True)
survey_app = typer.Typer(help="Surveys and re-entry follow-up.", no_args_is_help=True)
transfer_app = typer.Typer(help="Transfer of ideas to policy.", no_args_is_help=True)


@conflict_app.command("create")
def conflict_create(
    name: str,
    party: Annotated[list[str], typer.Option("--party", help="A party; give two or more.")],
    stage: Annotated[
        str, typer.Option(help="pre-negotiation | active-negotiation | post-negotiation")
    ],
    kind: Annotated[str, typer.Option(help="inter-state | internal-identity")],
    misperception: Annotated[
        float, typer.Option(help="Share of the conflict that is misperception, 0-1.")
    ],
    context: str = "",
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Open a conflict profile."""
    with opened(data_dir, database_url) as uow:
        conflict_id = conflicts.create_conflict(
            uow,
            OPERATOR,
            name=name,
            parties=party,
            stage=stage,
            kind=kind,
            misperception_share=misperception,
            context=context,
        )
        console.print(f"conflict {conflict_id}")


@conflict_app.command("ripeness")
def conflict_ripeness(
    conflict_id: str,
    party: Annotated[str | None, typer.Option(help="Record an assessment for this party.")] = None,
    on: Annotated[str | None, typer.Option(help="Date of the assessment (YYYY-MM-DD).")] = None,
    can_win_alone: Annotated[bool, typer.Option("--can-win-alone/--cannot-win-alone")] = True,
    pain: Annotated[float, typer.Option(help="How much the stalemate hurts, 0-1.")] = 0.0,
    as_json: JsonFlag = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Record an assessment (with --party) and show the ripeness state over time."""
    with opened(data_dir, database_url) as uow:
        cid = parse_uuid(conflict_id, "conflict")
        if party is not None:
            if on is None:
                raise typer.BadParameter("give --on with --party")
            conflicts.record_ripeness(
                uow,
                OPERATOR,
                cid,
                party=party,
                assessed_on=parse_date(on, "--on"),
                believes_can_win_alone=can_win_alone,
                stalemate_pain=pain,
            )
        timeline = conflicts.ripeness(uow, cid)
        if as_json:
            print_json(timeline.to_dict())
            return
        table = Table("date", "state", "in stalemate", "what moved it")
        for point in timeline.points:
            table.add_row(
                point.on.isoformat(),
                point.state.value,
                ", ".join(point.parties_in_stalemate),
                "; ".join(point.moved_by),
            )
        console.print(table)


@workshop_app.command("create")
def workshop_create(
    conflict_id: str,
    title: Annotated[str, typer.Option()],
    per_party: Annotated[int, typer.Option(help="Members per party, 3-6.")] = 4,
    venue: str = "",
    series: Annotated[str | None, typer.Option(help="Series id: continue that series.")] = None,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a workshop (with its own data key)."""
    with opened(data_dir, database_url) as uow:
        workshop_id = workshops.create_workshop(
            uow,
            OPERATOR,
            parse_uuid(conflict_id, "conflict"),
            title=title,
            per_party=per_party,
            venue=venue,
            series_id=parse_uuid(series, "series") if series else None,
        )
        console.print(f"workshop {workshop_id}")


@workshop_app.command("series")
def workshop_series(
    conflict_id: str, name: str, data_dir: DataDir = DEFAULT, database_url: DatabaseUrl = None
) -> None:
    """Open a continuing series of workshops."""
    with opened(data_dir, database_url) as uow:
        cid = parse_uuid(conflict_id, "conflict")
        console.print(f"series {workshops.create_series(uow, OPERATOR, cid, name=name)}")


@workshop_app.command("compose")
def workshop_compose(
    workshop_id: str,
    per_party: Annotated[int, typer.Option(help="Members per party, 3-6.")] = 4,
    max_status_gap: Annotated[float, typer.Option(help="Bound on the gap of mean status.")] = 0.1,
    min_roles: Annotated[int, typer.Option(help="Distinct roles per party at least.")] = 2,
    require_role: Annotated[list[str], typer.Option(help="ROLE=N: at least N per party.")] = [],  # noqa: B006
    as_json: JsonFlag = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Choose the members by exact optimisation among committed candidates."""
    required: dict[Role, int] = {}
    for item in require_role:
        role, _, count = item.partition("=")
        try:
            required[Role(role)] = int(count or 1)
        except ValueError:
            raise typer.BadParameter(
                f"--require-role {item!r}: use ROLE=N with a known role"
            ) from None
    with opened(data_dir, database_url) as uow:
        rules = run(
            lambda: CompositionRules(
                per_party=per_party,
                max_status_gap=max_status_gap,
                min_distinct_roles=min_roles,
                required_roles=required,
            )
        )
        result = recruitment.compose_workshop(
            uow, OPERATOR, parse_uuid(workshop_id, "workshop"), rules
        )
        if as_json:
            print_json(result.to_dict())
            return
        for line in result.explain():
            console.print(line)


@workshop_app.command("members")
def workshop_members(
    workshop_id: str,
    reveal: Annotated[bool, typer.Option(help="Show full names (each read is audited).")] = False,
    as_json: JsonFlag = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """List the composed members per party."""
    with opened(data_dir, database_url) as uow:
        listed = recruitment.members(
            uow, OPERATOR, parse_uuid(workshop_id, "workshop"), reveal=reveal
        )
        if as_json:
            print_json(listed)
            return
        table = Table("member id", "party", "role", "name")
        for m in listed:
            table.add_row(m["member_id"], m["party"], m["role"], m.get("name", "(sealed)"))
        console.print(table)


@workshop_app.command("report")
def workshop_report(
    workshop_id: str,
    reveal: Annotated[
        bool, typer.Option(help="Show the people's names (each read is audited).")
    ] = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Print every element's result for a workshop as JSON; names only with --reveal."""
    with opened(data_dir, database_url) as uow:
        print_json(
            reports.workshop_report(
                uow, OPERATOR, parse_uuid(workshop_id, "workshop"), reveal_names=reveal
            )
        )


@workshop_app.command("conditions")
def workshop_conditions(
    workshop_id: str,
    as_json: JsonFlag = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Score Hewstone & Brown's five contact conditions from the workshop's own data."""
    with opened(data_dir, database_url) as uow:
        report = conditions.contact_conditions(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
        if as_json:
            print_json(report.to_dict())
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
def workshop_destroy(
    workshop_id: str,
    yes: Annotated[
        bool, typer.Option("--yes", help="Confirm: this destroys the data key.")
    ] = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Delete a workshop at the end of retention and destroy its key."""
    if not yes:
        raise typer.BadParameter("destroying a workshop cannot be undone: add --yes")
    with opened(data_dir, database_url) as uow:
        workshops.destroy_workshop(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
        console.print("workshop and its data key destroyed")


@candidate_app.command("add")
def candidate_add(
    workshop_id: str,
    party: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option()],
    role: Annotated[str, typer.Option(help=", ".join(r.value for r in Role))],
    influence: Annotated[float, typer.Option()],
    credibility: Annotated[float, typer.Option()],
    openness: Annotated[float, typer.Option()],
    status: Annotated[float, typer.Option()],
    email: str | None = None,
    phone: str | None = None,
    key_person: Annotated[bool, typer.Option("--key-person")] = False,
    referred_by: str | None = None,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Add a candidate (identity sealed at once)."""
    with opened(data_dir, database_url) as uow:
        candidate_id = recruitment.add_candidate(
            uow,
            OPERATOR,
            parse_uuid(workshop_id, "workshop"),
            party=party,
            name=name,
            role=role,
            influence=influence,
            credibility=credibility,
            openness=openness,
            status=status,
            email=email,
            phone=phone,
            key_person=key_person,
            referred_by=parse_uuid(referred_by, "candidate") if referred_by else None,
        )
        console.print(f"candidate {candidate_id}")


@candidate_app.command("list")
def candidate_list(
    workshop_id: str,
    reveal: Annotated[bool, typer.Option(help="Show names (audited).")] = False,
    as_json: JsonFlag = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """List candidates with their scores and commitment."""
    with opened(data_dir, database_url) as uow:
        listed = recruitment.candidates(
            uow, OPERATOR, parse_uuid(workshop_id, "workshop"), reveal=reveal
        )
        if as_json:
            print_json(listed)
            return
        table = Table(
            "id", "party", "role", "infl.", "cred.", "open.", "status", "commitment", "name"
        )
        for c in listed:
            table.add_row(
                c["id"],
                c["party"],
                c["role"],
                f"{c['influence']:.2f}",
                f"{c['credibility']:.2f}",
                f"{c['openness']:.2f}",
                f"{c['status']:.2f}",
                c["commitment"],
                c.get("name", "(sealed)"),
            )
        console.print(table)


@candidate_app.command("snowball")
def candidate_snowball(
    workshop_id: str,
    as_json: JsonFlag = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Show the referral graph from each key person."""
    with opened(data_dir, database_url) as uow:
        graph = recruitment.snowball(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
        if as_json:
            print_json(graph.to_dict())
            return
        console.print(graph.centrality().to_string(index=False))


@candidate_app.command("brief")
def candidate_brief(
    candidate_id: str,
    on: Annotated[str, typer.Option(help="Date of the briefing.")],
    commitment: Annotated[str, typer.Option(help="given | declined | pending")],
    rule: Annotated[list[str], typer.Option(help="A ground rule discussed (repeat).")] = [],  # noqa: B006
    purposes: Annotated[bool, typer.Option("--purposes/--no-purposes")] = True,
    procedures: Annotated[bool, typer.Option("--procedures/--no-procedures")] = True,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Record the personal briefing and the commitment it ended with."""
    with opened(data_dir, database_url) as uow:
        recruitment.record_briefing(
            uow,
            OPERATOR,
            parse_uuid(candidate_id, "candidate"),
            held_on=parse_date(on, "--on"),
            purposes=purposes,
            procedures=procedures,
            ground_rules=rule,
            commitment=commitment,
        )
        console.print("briefing recorded")


@schedule_app.command("add")
def schedule_add(
    workshop_id: str,
    kind: Annotated[str, typer.Option(help="preliminary | joint")],
    starts: Annotated[str, typer.Option(help="YYYY-MM-DDTHH:MM (UTC)")],
    hours: Annotated[float, typer.Option()],
    party: str | None = None,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Schedule a preliminary (per party, 4-5 h) or a joint session."""
    with opened(data_dir, database_url) as uow:
        session_id = schedule.schedule_session(
            uow,
            OPERATOR,
            parse_uuid(workshop_id, "workshop"),
            kind=kind,
            starts_at=parse_datetime(starts, "--starts"),
            hours=hours,
            party=party,
        )
        console.print(f"session {session_id}")


@schedule_app.command("ics")
def schedule_ics(
    workshop_id: str,
    out: Annotated[
        Path | None, typer.Option(help="Write to this file instead of printing.")
    ] = None,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Export the schedule as iCalendar."""
    with opened(data_dir, database_url) as uow:
        text = schedule.icalendar(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8", newline="")
            console.print(f"wrote {out}")


@survey_app.command("import")
def survey_import(
    workshop_id: str, path: Path, data_dir: DataDir = DEFAULT, database_url: DatabaseUrl = None
) -> None:
    """Import a survey CSV (participant, wave, measure, value, taken_on); all or nothing."""
    with opened(data_dir, database_url) as uow:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise typer.BadParameter(f"cannot read {path}: {error.strerror}") from None
        count = surveys.import_survey_file(uow, OPERATOR, parse_uuid(workshop_id, "workshop"), text)
        console.print(f"imported {count} answers")


@survey_app.command("effects")
def survey_effects(
    workshop_id: str,
    after: Annotated[str, typer.Option(help="post | follow-up")] = "post",
    min_group: Annotated[int, typer.Option(help="Suppress groups smaller than this.")] = 3,
    as_json: JsonFlag = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Paired change with Cohen's d and bootstrap intervals; small groups suppressed."""
    with opened(data_dir, database_url) as uow:
        effects = surveys.survey_effects(
            uow, OPERATOR, parse_uuid(workshop_id, "workshop"), after=after, min_group=min_group
        )
        if as_json:
            print_json({k: records(v) for k, v in effects.items()})
            return
        console.print(effects["change"].to_string(index=False))
        console.print(effects["individual_group_gap"].to_string(index=False))


@survey_app.command("risks")
def survey_risks(
    workshop_id: str,
    as_json: JsonFlag = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """The re-entry risk register, highest risk first."""
    with opened(data_dir, database_url) as uow:
        register = surveys.risk_register(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
        if as_json:
            print_json(register)
            return
        table = Table("member", "party", "pressure", "marginalisation", "exposed", "risk")
        for r in register:
            table.add_row(
                r["member_id"],
                r["party"],
                f"{r['ingroup_pressure']:.2f}",
                f"{r['marginalisation']:.2f}",
                str(r["publicly_exposed"]),
                r["risk"],
            )
        console.print(table)


@transfer_app.command("log")
def transfer_log(
    idea_id: str,
    channel: Annotated[str, typer.Option()],
    recipient: Annotated[str, typer.Option()],
    on: Annotated[str, typer.Option()],
    result: str = "pending",
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Record that an idea reached a decision-maker, a negotiation text or the media."""
    with opened(data_dir, database_url) as uow:
        transfer_id = transfers.log_transfer(
            uow,
            OPERATOR,
            parse_uuid(idea_id, "idea"),
            channel=channel,
            recipient=recipient,
            occurred_on=parse_date(on, "--on"),
            result=result,
        )
        console.print(f"transfer {transfer_id}")


@transfer_app.command("list")
def transfer_list(
    workshop_id: str, data_dir: DataDir = DEFAULT, database_url: DatabaseUrl = None
) -> None:
    """Print the transfer log as JSON."""
    with opened(data_dir, database_url) as uow:
        print_json(transfers.transfers(uow, OPERATOR, parse_uuid(workshop_id, "workshop")))


@workshop_app.command("facilitator")
def workshop_facilitator(
    workshop_id: str,
    name: Annotated[str, typer.Option()],
    impartiality: Annotated[float, typer.Option(help="0-1")],
    communication: Annotated[float, typer.Option(help="0-1")],
    sensitivity: Annotated[float, typer.Option(help="0-1")],
    credibility: Annotated[list[str], typer.Option(help="PARTY=SCORE, one per party.")],
    lead: Annotated[bool, typer.Option("--lead")] = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Add a member of the third-party team (name sealed at once)."""
    scores: dict[str, float] = {}
    for item in credibility:
        party, _, score = item.rpartition("=")
        try:
            scores[party] = float(score)
        except ValueError:
            raise typer.BadParameter(f"--credibility {item!r}: use PARTY=SCORE") from None
    with opened(data_dir, database_url) as uow:
        facilitator_id = workshops.add_facilitator(
            uow,
            OPERATOR,
            parse_uuid(workshop_id, "workshop"),
            name=name,
            lead=lead,
            impartiality=impartiality,
            communication=communication,
            sensitivity=sensitivity,
            credibility=scores,
        )
        console.print(f"facilitator {facilitator_id}")


@workshop_app.command("carry")
def workshop_carry(
    workshop_id: str,
    action: Annotated[
        list[str], typer.Option(help="IDEA=strengthen|expand|modify for an idea of the last one.")
    ] = [],  # noqa: B006
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Start a series workshop from the previous workshop's ideas."""
    actions = {}
    for item in action:
        idea, _, what = item.partition("=")
        actions[parse_uuid(idea, "idea")] = what
    with opened(data_dir, database_url) as uow:
        carried = workshops.carry_ideas(
            uow, OPERATOR, parse_uuid(workshop_id, "workshop"), actions=actions
        )
        console.print(f"carried {len(carried)} ideas")


@candidate_app.command("refer")
def candidate_refer(
    workshop_id: str,
    referrer: Annotated[str, typer.Option(help="Candidate who referred.")],
    referred: Annotated[str, typer.Option(help="Candidate referred.")],
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Record a referral of the snowball."""
    with opened(data_dir, database_url) as uow:
        recruitment.refer(
            uow,
            OPERATOR,
            parse_uuid(workshop_id, "workshop"),
            referrer=parse_uuid(referrer, "candidate"),
            referred=parse_uuid(referred, "candidate"),
        )
        console.print("referral recorded")


@survey_app.command("reentry")
def survey_reentry(
    member_id: str,
    on: Annotated[str, typer.Option(help="Date of the follow-up.")],
    pressure: Annotated[float, typer.Option(help="In-group pressure felt, 0-1.")],
    marginalisation: Annotated[float, typer.Option(help="Marginalisation at home, 0-1.")],
    exposed: Annotated[bool, typer.Option("--exposed", help="Publicly exposed.")] = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Record a re-entry follow-up of one participant."""
    with opened(data_dir, database_url) as uow:
        surveys.record_reentry(
            uow,
            OPERATOR,
            parse_uuid(member_id, "member"),
            followed_up_on=parse_date(on, "--on"),
            ingroup_pressure=pressure,
            marginalisation=marginalisation,
            publicly_exposed=exposed,
        )
        console.print("follow-up recorded")


@transfer_app.command("result")
def transfer_result(
    transfer_id: str,
    result: Annotated[str, typer.Argument(help="pending | considered | adopted | rejected")],
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Record what came of a transfer."""
    with opened(data_dir, database_url) as uow:
        transfers.update_transfer(uow, OPERATOR, parse_uuid(transfer_id, "transfer"), result=result)
        console.print("recorded")
