"""``tracktwo round``: a workshop's community feedback rounds, from release to export."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from tracktwo.cli.common import (
    OPERATOR,
    TextOption,
    fail,
    in_folder,
    listing_command,
    one_of,
    parse_uuid,
)
from tracktwo.cli.output import JsonFlag, console, json_or, show
from tracktwo.services import ballots, feedback
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


@round_app.command("release")
@in_folder
def round_release(
    uow: UnitOfWork,
    workshop_id: str,
    ideas: Annotated[list[str], typer.Argument(help="Ids of the ideas to release.")],
    title: TextOption,
    mode: Annotated[str, one_of("open", "invitation")] = "open",
    threshold: Annotated[
        float, typer.Option(help="Agreement a community must show, 0.01 to 0.99.")
    ] = 0.5,
) -> None:
    """Release chosen ideas to both communities as a feedback round (identity stripped)."""
    opened = feedback.release_ideas(
        uow,
        OPERATOR,
        parse_uuid(workshop_id, "workshop"),
        [parse_uuid(i, "idea") for i in ideas],
        title=title,
        support_threshold=threshold,
        mode=mode,
    )
    console.print(f"round {opened.round_id} released")
    for community, secret in opened.links.items():
        console.print(f"{community}: /r/{secret}")
    if not opened.links:
        console.print(f"Make invitations with: tracktwo round invite {opened.round_id} COMMUNITY")


@round_app.command("invite")
@in_folder
def round_invite(
    uow: UnitOfWork,
    round_id: str,
    community: Annotated[str, typer.Argument(help="The community the invitations are for.")],
    out: Annotated[Path, typer.Option(help="CSV file to write the links into (new file).")],
    count: Annotated[
        int, typer.Option(help=f"How many single-use links, 1 to {ballots.MAX_INVITATIONS}.")
    ] = 20,
    base_url: Annotated[str, typer.Option(help="Address the links start with.")] = "",
) -> None:
    """Make single-use respondent links for one community of a round by invitation, into a
    new CSV file readable by you alone (only their hashes are kept)."""
    made = ballots.invite(uow, OPERATOR, parse_uuid(round_id, "round"), community, count)
    table = "".join(f"{community},{base_url.rstrip('/')}/i/{secret}\n" for secret in made)
    try:
        # created readable by the owner alone: each line lets someone in
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as written:
            written.write("community,link\n" + table)
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror}")
    console.print(f"{count} invitations for {community} written to {out}")


def _flag_row(f: ballots.FlaggedBallot) -> tuple[str, ...]:
    return (f.id, f.evidence, ", ".join(f"{v}" for v in f.votes), "yes" if f.accepted else "no")


@round_app.command("flags")
@in_folder
def round_flags(uow: UnitOfWork, round_id: str, as_json: JsonFlag = False) -> None:
    """List the round's flagged ballots (one browser behind several) with their evidence."""
    flags = ballots.flagged_ballots(uow, OPERATOR, parse_uuid(round_id, "round"))
    show(flags, as_json, ("flag", "evidence", "votes per ballot", "accepted"), _flag_row)


@round_app.command("accept")
@in_folder
def round_accept(
    uow: UnitOfWork,
    round_id: str,
    flag: Annotated[str, typer.Argument(help="The flag's id, as `round flags` lists it.")],
) -> None:
    """Count a flagged ballot cookie's ballots in the analysis from now on."""
    accepted = ballots.accept_ballot(uow, OPERATOR, parse_uuid(round_id, "round"), flag)
    console.print(f"{accepted} ballots of flag {flag} now count; analyse the round again")


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
