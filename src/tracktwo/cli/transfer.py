"""``tracktwo transfer``: ideas carried to decision-makers, negotiation texts and media."""

from __future__ import annotations

from typing import Annotated

import typer

from tracktwo.cli.common import OPERATOR, TextOption, in_folder, one_of, parse_date, parse_uuid
from tracktwo.cli.output import JsonFlag, console, show, warn
from tracktwo.domain.vocabulary import TransferChannel, TransferResult
from tracktwo.services import transfers
from tracktwo.services.transaction import UnitOfWork

transfer_app = typer.Typer(help="Transfer of ideas to policy.", no_args_is_help=True)

CHANNELS = tuple(channel.value for channel in TransferChannel)
RESULTS = tuple(result.value for result in TransferResult)


@transfer_app.command("log")
@in_folder
def transfer_log(
    uow: UnitOfWork,
    idea_id: str,
    channel: Annotated[str, one_of(*CHANNELS)],
    recipient: TextOption,
    on: Annotated[str, typer.Option(help="Date it happened (YYYY-MM-DD).")],
    result: Annotated[str, one_of(*RESULTS)] = TransferResult.PENDING.value,
    reason: Annotated[
        str | None,
        typer.Option(
            help="Why an idea not supported by both parties goes to a negotiation text or "
            "the media (required then; sealed)."
        ),
    ] = None,
) -> None:
    """Record that an idea reached a decision-maker, a negotiation text or the media."""
    idea, day = parse_uuid(idea_id, "idea"), parse_date(on, "--on")
    logged = transfers.log_transfer(
        uow, OPERATOR, idea, channel=channel, recipient=recipient, occurred_on=day,
        result=result, reason=reason,
    )  # fmt: skip
    console.print(f"transfer {logged.id}")
    warn(logged.warnings)


def _transfer_row(entry: transfers.Transfer) -> tuple[str, ...]:
    return (entry.id, entry.occurred_on, entry.channel, entry.idea,
            "yes" if entry.supported_by_both else "NO", entry.recipient, entry.result,
            entry.reason or "")  # fmt: skip


@transfer_app.command("list")
@in_folder
def transfer_list(uow: UnitOfWork, workshop_id: str, as_json: JsonFlag = False) -> None:
    """List the transfer log: each idea's text and whether both parties support it."""
    logged = transfers.transfers(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
    columns = ("transfer", "on", "channel", "idea", "both support", "recipient", "result",
               "reason")  # fmt: skip
    show(logged, as_json, columns, _transfer_row)


@transfer_app.command("result")
@in_folder
def transfer_result(
    uow: UnitOfWork,
    transfer_id: str,
    result: Annotated[str, typer.Argument(help=" | ".join(RESULTS))],
) -> None:
    """Record what came of a transfer."""
    transfers.update_transfer(uow, OPERATOR, parse_uuid(transfer_id, "transfer"), result=result)
    console.print("recorded")
