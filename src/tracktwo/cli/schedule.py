"""``tracktwo schedule``: preliminary and joint sessions and their calendar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracktwo.cli.common import (
    DEFAULT,
    OPERATOR,
    DatabaseUrl,
    DataDir,
    console,
    opened,
    parse_datetime,
    parse_uuid,
)
from tracktwo.services import (
    schedule,
)

schedule_app = typer.Typer(help="Preliminary and joint sessions.", no_args_is_help=True)


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
