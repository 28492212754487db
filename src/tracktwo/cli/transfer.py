"""``tracktwo transfer``: ideas carried to decision-makers, negotiation texts and media."""

from __future__ import annotations

from typing import Annotated

import typer

from tracktwo.cli.common import OPERATOR, TextOption, in_folder, parse_date, parse_uuid
from tracktwo.cli.output import console, print_json
from tracktwo.services import transfers
from tracktwo.services.transaction import UnitOfWork

transfer_app = typer.Typer(help="Transfer of ideas to policy.", no_args_is_help=True)


@transfer_app.command("log")
@in_folder
def transfer_log(
    uow: UnitOfWork,
    idea_id: str,
    channel: TextOption,
    recipient: TextOption,
    on: TextOption,
    result: str = "pending",
) -> None:
    """Record that an idea reached a decision-maker, a negotiation text or the media."""
    idea, day = parse_uuid(idea_id, "idea"), parse_date(on, "--on")
    transfer_id = transfers.log_transfer(
        uow, OPERATOR, idea, channel=channel, recipient=recipient, occurred_on=day, result=result
    )
    console.print(f"transfer {transfer_id}")


@transfer_app.command("list")
@in_folder
def transfer_list(uow: UnitOfWork, workshop_id: str) -> None:
    """Print the transfer log as JSON."""
    logged = transfers.transfers(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
    print_json([entry.to_dict() for entry in logged])


@transfer_app.command("result")
@in_folder
def transfer_result(
    uow: UnitOfWork,
    transfer_id: str,
    result: Annotated[str, typer.Argument(help="pending | considered | adopted | rejected")],
) -> None:
    """Record what came of a transfer."""
    transfers.update_transfer(uow, OPERATOR, parse_uuid(transfer_id, "transfer"), result=result)
    console.print("recorded")
