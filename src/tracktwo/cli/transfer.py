"""``tracktwo transfer``: ideas carried to decision-makers, negotiation texts and media."""

from __future__ import annotations

from typing import Annotated

import typer

from tracktwo.cli.common import (
    DEFAULT,
    OPERATOR,
    DatabaseUrl,
    DataDir,
    console,
    opened,
    parse_date,
    parse_uuid,
    print_json,
)
from tracktwo.services import (
    transfers,
)

transfer_app = typer.Typer(help="Transfer of ideas to policy.", no_args_is_help=True)


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
