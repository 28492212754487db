"""``tracktwo candidate``: snowball recruitment, referrals and briefings."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tracktwo.cli.common import (
    DEFAULT,
    OPERATOR,
    DatabaseUrl,
    DataDir,
    JsonFlag,
    console,
    opened,
    parse_date,
    parse_uuid,
    print_json,
)
from tracktwo.domain.vocabulary import Role
from tracktwo.services import (
    recruitment,
)

candidate_app = typer.Typer(help="Recruitment by snowball, briefings.", no_args_is_help=True)


@candidate_app.command("add")
def candidate_add(
    workshop_id: str,
    party: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option()],
    role: Annotated[str, typer.Option(help=", ".join(r.value for r in Role))],
    influence: Annotated[float, typer.Option()],
    credibility: Annotated[float, typer.Option()],
    openness: Annotated[float, typer.Option()],
    status: Annotated[float, typer.Option()],
    email: str | None = None,
    phone: str | None = None,
    key_person: Annotated[bool, typer.Option("--key-person")] = False,
    referred_by: str | None = None,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Add a candidate (identity sealed at once)."""
    with opened(data_dir, database_url) as uow:
        candidate_id = recruitment.add_candidate(
            uow,
            OPERATOR,
            parse_uuid(workshop_id, "workshop"),
            party=party,
            name=name,
            role=role,
            influence=influence,
            credibility=credibility,
            openness=openness,
            status=status,
            email=email,
            phone=phone,
            key_person=key_person,
            referred_by=parse_uuid(referred_by, "candidate") if referred_by else None,
        )
        console.print(f"candidate {candidate_id}")


@candidate_app.command("list")
def candidate_list(
    workshop_id: str,
    reveal: Annotated[bool, typer.Option(help="Show names (audited).")] = False,
    as_json: JsonFlag = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """List candidates with their scores and commitment."""
    with opened(data_dir, database_url) as uow:
        listed = recruitment.candidates(
            uow, OPERATOR, parse_uuid(workshop_id, "workshop"), reveal=reveal
        )
        if as_json:
            print_json(listed)
            return
        table = Table(
            "id", "party", "role", "infl.", "cred.", "open.", "status", "commitment", "name"
        )
        for c in listed:
            table.add_row(
                c["id"],
                c["party"],
                c["role"],
                f"{c['influence']:.2f}",
                f"{c['credibility']:.2f}",
                f"{c['openness']:.2f}",
                f"{c['status']:.2f}",
                c["commitment"],
                c.get("name", "(sealed)"),
            )
        console.print(table)


@candidate_app.command("snowball")
def candidate_snowball(
    workshop_id: str,
    as_json: JsonFlag = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Show the referral graph from each key person."""
    with opened(data_dir, database_url) as uow:
        graph = recruitment.snowball(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
        if as_json:
            print_json(graph.to_dict())
            return
        console.print(graph.centrality().to_string(index=False))


@candidate_app.command("brief")
def candidate_brief(
    candidate_id: str,
    on: Annotated[str, typer.Option(help="Date of the briefing.")],
    commitment: Annotated[str, typer.Option(help="given | declined | pending")],
    rule: Annotated[list[str], typer.Option(help="A ground rule discussed (repeat).")] = [],  # noqa: B006
    purposes: Annotated[bool, typer.Option("--purposes/--no-purposes")] = True,
    procedures: Annotated[bool, typer.Option("--procedures/--no-procedures")] = True,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Record the personal briefing and the commitment it ended with."""
    with opened(data_dir, database_url) as uow:
        recruitment.record_briefing(
            uow,
            OPERATOR,
            parse_uuid(candidate_id, "candidate"),
            held_on=parse_date(on, "--on"),
            purposes=purposes,
            procedures=procedures,
            ground_rules=rule,
            commitment=commitment,
        )
        console.print("briefing recorded")


@candidate_app.command("refer")
def candidate_refer(
    workshop_id: str,
    referrer: Annotated[str, typer.Option(help="Candidate who referred.")],
    referred: Annotated[str, typer.Option(help="Candidate referred.")],
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Record a referral of the snowball."""
    with opened(data_dir, database_url) as uow:
        recruitment.refer(
            uow,
            OPERATOR,
            parse_uuid(workshop_id, "workshop"),
            referrer=parse_uuid(referrer, "candidate"),
            referred=parse_uuid(referred, "candidate"),
        )
        console.print("referral recorded")
