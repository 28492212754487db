"""``tracktwo schedule``: preliminary and joint sessions and their calendar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from tracktwo.cli.common import (
    OPERATOR,
    in_folder,
    listing_command,
    one_of,
    parse_uuid,
)
from tracktwo.cli.output import console
from tracktwo.services import recruitment, schedule, workshops
from tracktwo.services.transaction import UnitOfWork

schedule_app = typer.Typer(help="Preliminary and joint sessions.", no_args_is_help=True)


@schedule_app.command("add")
@in_folder
def schedule_add(
    uow: UnitOfWork,
    workshop_id: str,
    kind: Annotated[str, one_of(schedule.PRELIMINARY, schedule.JOINT)],
    starts: Annotated[
        str, typer.Option(help="YYYY-MM-DDTHH:MM in the workshop's time zone (or with +HH:MM).")
    ],
    hours: Annotated[
        float, typer.Option(help="4-5 for a preliminary session; up to 12 for a joint one.")
    ],
    party: str | None = None,
) -> None:
    """Schedule a preliminary (per party, 4-5 h) or a joint session.

    Refused, naming the rule, when a joint session would start before a preliminary one has
    ended, or when a session overlaps a joint one or another of the same party.
    """
    workshop = parse_uuid(workshop_id, "workshop")
    zone = workshops.workshop_summary(uow, OPERATOR, workshop).time_zone
    starts_at = schedule.from_local(starts, zone)
    session_id = schedule.schedule_session(
        uow, OPERATOR, workshop, kind=kind, starts_at=starts_at, hours=hours, party=party
    )
    console.print(f"session {session_id}")


@schedule_app.command("ics")
@in_folder
def schedule_ics(
    uow: UnitOfWork,
    workshop_id: str,
    out: Annotated[
        Path | None, typer.Option(help="Write to this file instead of printing.")
    ] = None,
) -> None:
    """Export the schedule as iCalendar."""
    text = schedule.icalendar(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8", newline="")
        console.print(f"wrote {out}")


def _session_row(session: schedule.Session) -> tuple[str, ...]:
    return (session.id, session.kind, session.party or "both", session.local_start,
            f"{session.hours:g}", str(session.ratings), session.venue)  # fmt: skip


def _sessions(uow: UnitOfWork, workshop: UUID) -> list[schedule.Session]:
    """The sessions of a workshop in time order, in its own time zone, with how many
    participants rated each."""
    return schedule.schedule(uow, OPERATOR, workshop)


COLUMNS = ("session", "kind", "party", "starts", "hours", "ratings", "venue")
listing_command(schedule_app, ("workshop", _sessions), COLUMNS, _session_row)


@schedule_app.command("remove")
@in_folder
def schedule_remove(uow: UnitOfWork, session_id: str) -> None:
    """Take a session off the schedule."""
    schedule.remove_session(uow, OPERATOR, parse_uuid(session_id, "session"))
    console.print(f"session {session_id} removed")


@schedule_app.command("move")
@in_folder
def schedule_move(
    uow: UnitOfWork,
    session_id: str,
    starts: Annotated[
        str, typer.Option(help="YYYY-MM-DDTHH:MM in the workshop's time zone (or with +HH:MM).")
    ],
    hours: Annotated[
        float, typer.Option(help="4-5 for a preliminary session; up to 12 for a joint one.")
    ],
) -> None:
    """Move a session or change its length, under the same rules as a new one."""
    session = parse_uuid(session_id, "session")
    workshop = schedule.workshop_of_session(uow, OPERATOR, session)
    zone = workshops.workshop_summary(uow, OPERATOR, workshop).time_zone
    schedule.move_session(
        uow, OPERATOR, session, starts_at=schedule.from_local(starts, zone), hours=hours
    )
    console.print(f"session {session_id} moved")


@schedule_app.command("rate")
@in_folder
def schedule_rate(
    uow: UnitOfWork,
    session_id: str,
    member: Annotated[str, typer.Option(help="The member whose rating this is (from paper).")],
    value: Annotated[float, typer.Option(min=1, max=5, help="How pleasant and rewarding, 1-5.")],
) -> None:
    """Type in a participant's rating of a session, given on paper (a second replaces it)."""
    actor = recruitment.act_as_member(uow, OPERATOR, parse_uuid(member, "member"))
    replaced = schedule.rate_session(uow, actor, parse_uuid(session_id, "session"), value=value)
    console.print("rating recorded" + (f" (replaced {replaced:g})" if replaced is not None else ""))
