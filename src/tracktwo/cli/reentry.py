"""``tracktwo reentry``: checks on participants back home, planned and recorded."""

from __future__ import annotations

from typing import Annotated

import typer

from tracktwo.cli.common import OPERATOR, in_folder, parse_date, parse_uuid
from tracktwo.cli.output import JsonFlag, console, print_json, show
from tracktwo.services import reentry
from tracktwo.services.transaction import UnitOfWork

reentry_app = typer.Typer(
    help="Re-entry checks on participants back home (per person: facilitators only).",
    no_args_is_help=True,
)


@reentry_app.command("plan")
@in_folder
def reentry_plan(
    uow: UnitOfWork,
    member_id: str,
    due: Annotated[str, typer.Option(help="When the check is due (YYYY-MM-DD).")],
) -> None:
    """Plan a check on one member."""
    check = reentry.schedule_check(
        uow, OPERATOR, parse_uuid(member_id, "member"), due_on=parse_date(due, "--due")
    )
    console.print(f"check {check}")


@reentry_app.command("record")
@in_folder
def reentry_record(
    uow: UnitOfWork,
    check_id: str,
    on: Annotated[str, typer.Option(help="When it was done (YYYY-MM-DD).")],
    contacted: Annotated[
        bool, typer.Option("--contacted/--not-contacted", help="Whether the person was reached.")
    ],
    pressure: Annotated[
        float | None, typer.Option(min=0, max=1, help="In-group pressure, 0-1 (if reached).")
    ] = None,
    marginalisation: Annotated[
        float | None, typer.Option(min=0, max=1, help="Marginalisation, 0-1 (if reached).")
    ] = None,
    exposed: Annotated[bool, typer.Option("--exposed", help="Publicly exposed.")] = False,
    mitigation: Annotated[str, typer.Option(help="The mitigation agreed (kept sealed).")] = "",
) -> None:
    """Record a planned check as done: reached or not, the mitigation, and the reading."""
    reading = reentry.record_check(
        uow,
        OPERATOR,
        parse_uuid(check_id, "re-entry check"),
        done_on=parse_date(on, "--on"),
        contacted=contacted,
        mitigation=mitigation,
        ingroup_pressure=pressure,
        marginalisation=marginalisation,
        publicly_exposed=exposed,
    )
    console.print("check recorded" + (f"; reading {reading}" if reading else ""))


@reentry_app.command("list")
@in_folder
def reentry_list(uow: UnitOfWork, workshop_id: str, as_json: JsonFlag = False) -> None:
    """Every check planned and done, then every reading with its risk level."""
    found = reentry.history(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
    if as_json:
        print_json(found.to_dict())
        return
    show(found.checks, False, ("check", "member", "due", "done", "reached", "mitigation"),
         lambda c: (c.id, c.member, c.due_on.isoformat() + (" overdue" if c.overdue else ""),
                    c.done_on.isoformat() if c.done_on else "",
                    "" if c.contacted is None else ("yes" if c.contacted else "no"),
                    c.mitigation))  # fmt: skip
    show(found.readings, False, ("member", "on", "pressure", "marginalisation", "exposed", "risk"),
         lambda r: (r.member, r.on.isoformat(), f"{r.ingroup_pressure:.2f}",
                    f"{r.marginalisation:.2f}", "yes" if r.publicly_exposed else "no",
                    r.risk))  # fmt: skip
