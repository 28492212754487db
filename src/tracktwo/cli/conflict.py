"""``tracktwo conflict``: conflict profiles and ripeness assessments over time."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tracktwo.cli.common import OPERATOR, in_folder, one_of, parse_date, parse_uuid
from tracktwo.cli.output import JsonFlag, answer, console, json_or, print_json, show
from tracktwo.domain.vocabulary import ConflictKind, NegotiationStage
from tracktwo.services import conflicts
from tracktwo.services.transaction import UnitOfWork

conflict_app = typer.Typer(help="Conflict profiles and ripeness.", no_args_is_help=True)


@conflict_app.command("create")
@in_folder
def conflict_create(
    uow: UnitOfWork,
    name: str,
    party: Annotated[list[str], typer.Option("--party", help="A party; give two or more.")],
    stage: Annotated[str, one_of(*NegotiationStage)],
    kind: Annotated[str, one_of(*ConflictKind)],
    misperception: Annotated[
        float, typer.Option(help="Share of the conflict that is misperception, 0-1.")
    ],
    context: str = "",
    role: Annotated[
        list[str],
        typer.Option(
            "--role",
            help="A role its candidates may hold (repeat, in order); roles are set per "
            "conflict, and by default they are the seven of Kelman's workshops.",
        ),
    ] = [],  # noqa: B006
) -> None:
    """Open a conflict profile."""
    conflict_id = conflicts.create_conflict(
        uow,
        OPERATOR,
        name=name,
        parties=party,
        stage=stage,
        kind=kind,
        misperception_share=misperception,
        context=context,
        roles=role or None,
    )
    console.print(f"conflict {conflict_id}")


@conflict_app.command("roles")
@in_folder
def conflict_roles(
    uow: UnitOfWork,
    conflict_id: str,
    role: Annotated[
        list[str],
        typer.Option(
            "--role",
            help="A role its candidates may hold (repeat, in order): the list replaces the "
            "conflict's roles; a role a candidate holds cannot go. Roles are set per conflict.",
        ),
    ] = [],  # noqa: B006
    as_json: JsonFlag = False,
) -> None:
    """Show the roles a conflict's candidates may hold, or set them with --role."""
    cid = parse_uuid(conflict_id, "conflict")
    if role:
        roles = conflicts.set_roles(uow, OPERATOR, cid, roles=role)
    else:
        roles = conflicts.conflict_profile(uow, OPERATOR, cid).roles
    if as_json:
        print_json(roles)
        return
    console.print("\n".join(roles), highlight=False, markup=False)


@conflict_app.command("ripeness")
@in_folder
def conflict_ripeness(
    uow: UnitOfWork,
    conflict_id: str,
    party: Annotated[str | None, typer.Option(help="Record an assessment for this party.")] = None,
    on: Annotated[str | None, typer.Option(help="Date of the assessment (YYYY-MM-DD).")] = None,
    can_win_alone: Annotated[bool, typer.Option("--can-win-alone/--cannot-win-alone")] = True,
    pain: Annotated[float, typer.Option(help="How much the stalemate hurts, 0-1.")] = 0.0,
    assessor: Annotated[str, typer.Option(help="Who made the assessment.")] = "",
    basis: Annotated[str, typer.Option(help="On what evidence (kept sealed).")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Record an assessment (with --party) and show the ripeness state over time."""
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
            assessor=assessor,
            basis=basis,
        )
    timeline = conflicts.ripeness(uow, OPERATOR, cid)
    if json_or(timeline, as_json):
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


@conflict_app.command("list")
@in_folder
def conflict_list(uow: UnitOfWork, as_json: JsonFlag = False) -> None:
    """Every conflict of the data folder: id, name, parties, stage."""
    show(
        conflicts.conflicts(uow, OPERATOR),
        as_json,
        ("conflict", "name", "parties", "stage", "kind"),
        lambda c: (c.id, c.name, ", ".join(p.name for p in c.parties), c.stage, c.kind),
    )


@conflict_app.command("show")
@in_folder
def conflict_show(uow: UnitOfWork, conflict_id: str, as_json: JsonFlag = False) -> None:
    """One conflict's profile: parties, stage, kind, context and the diagnosis."""
    profile = conflicts.conflict_profile(uow, OPERATOR, parse_uuid(conflict_id, "conflict"))
    answer(profile, as_json, _say_profile)


def _say_profile(c: conflicts.ConflictProfile) -> None:
    console.print(
        f"{c.name} ({c.id})\nparties: {', '.join(p.name for p in c.parties)}\n"
        f"stage: {c.stage}; kind: {c.kind}; misperception {c.misperception_share:.0%}\n"
        f"roles: {', '.join(c.roles)}\n"
        f"context: {c.context or '-'}\ndiagnosis: {c.diagnosis_note or '-'}",
        highlight=False,
        markup=False,
    )


@conflict_app.command("assessments")
@in_folder
def conflict_assessments(uow: UnitOfWork, conflict_id: str, as_json: JsonFlag = False) -> None:
    """Every ripeness assessment by date: who assessed it and on what evidence."""
    found = conflicts.assessments(uow, OPERATOR, parse_uuid(conflict_id, "conflict"))
    show(found, as_json, ("date", "party", "can win alone", "pain", "assessed by", "evidence"),
         lambda a: (a.assessed_on.isoformat(), a.party,
                    "yes" if a.believes_can_win_alone else "no", f"{a.stalemate_pain:.2f}",
                    a.assessor, a.basis))  # fmt: skip
