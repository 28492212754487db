"""Commands for the four phases; contributions are recorded as a named workshop member."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tracktwo.cli.common import (
    DEFAULT,
    OPERATOR,
    DatabaseUrl,
    DataDir,
    console,
    opened,
    parse_uuid,
    print_json,
)
from tracktwo.domain.actors import Actor
from tracktwo.services import phases
from tracktwo.services.recruitment import act_as_member

if TYPE_CHECKING:
    from tracktwo.store.unit_of_work import UnitOfWork

Member = Annotated[str, typer.Option("--member", help="Member id of the participant speaking.")]

phase_app = typer.Typer(
    help="The four phases. The third party contributes nothing: give --member.",
    no_args_is_help=True,
)


def _as(uow: UnitOfWork, member: str) -> Actor:
    return act_as_member(uow, OPERATOR, parse_uuid(member, "member"))


@phase_app.command("concern")
def concern(
    workshop_id: str,
    member: Member,
    kind: Annotated[str, typer.Option(help="need | fear | priority | constraint")],
    text: Annotated[str, typer.Option()],
    need: Annotated[
        str | None, typer.Option(help="security | identity | recognition | participation")
    ] = None,
    preliminary: Annotated[
        bool, typer.Option("--preliminary", help="Keep in the party's own space.")
    ] = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """State a concern of the member's party (phase 1)."""
    with opened(data_dir, database_url) as uow:
        concern_id = phases.state_concern(
            uow,
            _as(uow, member),
            parse_uuid(workshop_id, "workshop"),
            kind=kind,
            text=text,
            basic_need=need,
            space="preliminary" if preliminary else "joint",
        )
        console.print(f"concern {concern_id}")


@phase_app.command("acknowledge")
def acknowledge(
    concern_id: str,
    member: Member,
    restatement: Annotated[str, typer.Option()],
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Restate the other side's concern in one's own words."""
    with opened(data_dir, database_url) as uow:
        ack = phases.acknowledge_concern(
            uow, _as(uow, member), parse_uuid(concern_id, "concern"), restatement=restatement
        )
        console.print(f"acknowledgement {ack}")


@phase_app.command("confirm")
def confirm(
    acknowledgement_id: str,
    member: Member,
    satisfied: Annotated[bool, typer.Option("--satisfied/--not-satisfied")] = True,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Say, as the concern's owners, whether the restatement captures it."""
    with opened(data_dir, database_url) as uow:
        phases.confirm_acknowledgement(
            uow,
            _as(uow, member),
            parse_uuid(acknowledgement_id, "acknowledgement"),
            satisfied=satisfied,
        )
        console.print("recorded")


@phase_app.command("idea")
def idea(
    workshop_id: str,
    member: Member,
    text: Annotated[str, typer.Option()],
    answers: Annotated[
        list[str], typer.Option("--answers", help="Concern id it answers (repeat).")
    ],
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Propose an idea linked to the concerns it answers (phase 2)."""
    with opened(data_dir, database_url) as uow:
        idea_id = phases.propose_idea(
            uow,
            _as(uow, member),
            parse_uuid(workshop_id, "workshop"),
            text=text,
            answers=[parse_uuid(a, "concern") for a in answers],
        )
        console.print(f"idea {idea_id}")


@phase_app.command("rate")
def rate(
    idea_id: str,
    member: Member,
    value: Annotated[int, typer.Option(help="1-5")],
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Rate an idea 1-5."""
    with opened(data_dir, database_url) as uow:
        phases.rate_idea(uow, _as(uow, member), parse_uuid(idea_id, "idea"), value=value)
        console.print("rated")


@phase_app.command("constraint")
def constraint(
    workshop_id: str,
    member: Member,
    kind: Annotated[str, typer.Option(help="political | psychological")],
    text: Annotated[str, typer.Option()],
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Name a constraint that keeps the parties from the table (phase 3)."""
    with opened(data_dir, database_url) as uow:
        cid = phases.name_constraint(
            uow, _as(uow, member), parse_uuid(workshop_id, "workshop"), kind=kind, text=text
        )
        console.print(f"constraint {cid}")


@phase_app.command("reassure")
def reassure(
    workshop_id: str,
    member: Member,
    who: Annotated[str, typer.Option()],
    what: Annotated[str, typer.Option()],
    when: Annotated[str, typer.Option()],
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Propose a step of mutual reassurance: who, what, when (phase 4)."""
    with opened(data_dir, database_url) as uow:
        sid = phases.add_reassurance_step(
            uow,
            _as(uow, member),
            parse_uuid(workshop_id, "workshop"),
            who=who,
            what=what,
            when=when,
        )
        console.print(f"reassurance step {sid}")


@phase_app.command("vision")
def vision(
    workshop_id: str,
    member: Member,
    text: Annotated[str, typer.Option()],
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Write a shared-vision statement (phase 4)."""
    with opened(data_dir, database_url) as uow:
        vid = phases.add_shared_vision(
            uow, _as(uow, member), parse_uuid(workshop_id, "workshop"), text=text
        )
        console.print(f"vision {vid}")


@phase_app.command("intervene")
def intervene(
    workshop_id: str,
    phase: Annotated[str, typer.Option()],
    kind: Annotated[str, typer.Option()],
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Log a facilitator intervention by kind (no content is kept)."""
    with opened(data_dir, database_url) as uow:
        phases.log_intervention(
            uow, OPERATOR, parse_uuid(workshop_id, "workshop"), phase=phase, kind=kind
        )
        console.print("logged")


@phase_app.command("board")
def board(workshop_id: str, data_dir: DataDir = DEFAULT, database_url: DatabaseUrl = None) -> None:
    """Print the four phase boards as JSON."""
    with opened(data_dir, database_url) as uow:
        print_json(phases.board(uow, OPERATOR, parse_uuid(workshop_id, "workshop")))


@phase_app.command("link")
def link(
    idea_id: str,
    member: Member,
    concern: Annotated[str, typer.Option(help="Concern id the idea answers.")],
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Link an idea (for example one carried from the last workshop) to a concern it answers."""
    with opened(data_dir, database_url) as uow:
        phases.link_idea(
            uow, _as(uow, member), parse_uuid(idea_id, "idea"), parse_uuid(concern, "concern")
        )
        console.print("linked")
