"""``tracktwo round``: a workshop's community feedback rounds, from release to export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from tracktwo.cli.common import OPERATOR, in_folder, listing_command, parse_uuid
from tracktwo.cli.output import JsonFlag, console, json_or
from tracktwo.services import feedback
from tracktwo.services.commonground_rounds import analyse_round, export_round
from tracktwo.services.transaction import UnitOfWork

round_app = typer.Typer(help="Community feedback rounds.", no_args_is_help=True)


def _rounds(uow: UnitOfWork, workshop: UUID) -> list[feedback.ListedRound]:
    """A workshop's rounds: opened, closed, votes and respondents."""
    return feedback.rounds(uow, OPERATOR, workshop)


def _round_row(r: feedback.ListedRound) -> tuple[str, ...]:
    return (r.id, r.title, r.opened_at, r.closed_at or "open", f"{r.votes}", f"{r.respondents}")


listing_command(
    round_app,
    ("workshop", _rounds),
    ("round", "title", "opened", "closed", "votes", "respondents"),
    _round_row,
)


@round_app.command("links")
@in_folder
def round_links(uow: UnitOfWork, round_id: str) -> None:
    """Make new community links for a round; the earlier ones stop working."""
    links = feedback.renew_links(uow, OPERATOR, parse_uuid(round_id, "round"))
    for community, secret in links.items():
        console.print(f"{community}: /r/{secret}")
    console.print("The earlier links of this round no longer let anyone in.")


@round_app.command("close")
@in_folder
def round_close(uow: UnitOfWork, round_id: str) -> None:
    """Close a round: no new respondents, no new votes."""
    feedback.close_round(uow, OPERATOR, parse_uuid(round_id, "round"))
    console.print(f"round {round_id} closed")


@round_app.command("analyse")
@in_folder
def round_analyse(uow: UnitOfWork, round_id: str, as_json: JsonFlag = False) -> None:
    """Analyse the round's votes now and store the result."""
    analysis = analyse_round(uow, OPERATOR, parse_uuid(round_id, "round"))
    if json_or(analysis, as_json):
        return
    console.print(f"{analysis.respondents} respondents, {analysis.votes_counted} votes")
    for title, items in (
        ("both communities support", analysis.both_support),
        ("divides them", analysis.divides),
        ("not enough votes yet", analysis.not_enough_votes),
    ):
        console.print(f"[bold]{title}[/]: " + ("; ".join(s.text for s in items) or "none"))
    if analysis.stability is not None:
        console.print(analysis.stability.sentence)


@round_app.command("export")
@in_folder
def round_export(
    uow: UnitOfWork,
    round_id: str,
    out: Annotated[Path, typer.Argument(help="Folder to write the Pol.is-format export into.")],
) -> None:
    """Write the round as a Pol.is-format folder with communities.csv and votes-long.csv
    (read it back with `commonground analyze OUT --communities OUT/communities.csv`)."""
    export = export_round(uow, OPERATOR, parse_uuid(round_id, "round"))
    try:
        written = export.write(out)
    except OSError as error:
        raise typer.BadParameter(f"cannot write {out}: {error.strerror}") from None
    console.print(f"round written to {written}")
