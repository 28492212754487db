"""``tracktwo candidate``: snowball recruitment, referrals and briefings."""

from __future__ import annotations

from typing import Annotated

import typer

from tracktwo.cli.common import OPERATOR, TextOption, in_folder, one_of, parse_date, parse_uuid
from tracktwo.cli.output import JsonFlag, answer, console, print_json, show, warn
from tracktwo.domain.rules import KELMAN_GROUND_RULES
from tracktwo.domain.vocabulary import Commitment
from tracktwo.services import recruitment
from tracktwo.services.transaction import UnitOfWork

candidate_app = typer.Typer(help="Recruitment by snowball, briefings.", no_args_is_help=True)


@candidate_app.command("add")
@in_folder
def candidate_add(
    uow: UnitOfWork,
    workshop_id: str,
    party: TextOption,
    name: TextOption,
    role: Annotated[
        str,
        typer.Option(
            help="One of the roles of the workshop's conflict (set per conflict: `tracktwo "
            "conflict show` lists them, `tracktwo conflict roles` changes them)."
        ),
    ],
    influence: Annotated[float, typer.Option(help="Influence at home, 0-1.")],
    credibility: Annotated[float, typer.Option(help="Credibility in their own community, 0-1.")],
    openness: Annotated[float, typer.Option(help="Interest and ability to learn, 0-1.")],
    status: Annotated[float, typer.Option(help="Standing in their own community, 0-1.")],
    email: str | None = None,
    phone: str | None = None,
    key_person: Annotated[bool, typer.Option("--key-person")] = False,
    referred_by: str | None = None,
) -> None:
    """Add a candidate (identity sealed at once)."""
    added = recruitment.add_candidate(
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
    console.print(f"candidate {added.id}")
    warn(added.warnings)


CANDIDATE_COLUMNS = ("id", "party", "role", "infl.", "cred.", "open.", "status", "commitment",
                     "name", "flags")  # fmt: skip


@candidate_app.command("list")
@in_folder
def candidate_list(
    uow: UnitOfWork,
    workshop_id: str,
    reveal: Annotated[bool, typer.Option(help="Show names (audited).")] = False,
    as_json: JsonFlag = False,
) -> None:
    """List candidates with their scores and commitment."""
    listed = recruitment.candidates(
        uow, OPERATOR, parse_uuid(workshop_id, "workshop"), reveal=reveal
    )
    show(
        listed,
        as_json,
        CANDIDATE_COLUMNS,
        lambda c: (
            c.id,
            c.party,
            c.role,
            *(f"{score:.2f}" for score in (c.influence, c.credibility, c.openness, c.status)),
            c.commitment,
            c.name or "(sealed)",
            "; ".join(c.flags),
        ),
    )


@candidate_app.command("snowball")
@in_folder
def candidate_snowball(uow: UnitOfWork, workshop_id: str, as_json: JsonFlag = False) -> None:
    """Show the referral graph from each key person."""
    answer(
        recruitment.snowball(uow, OPERATOR, parse_uuid(workshop_id, "workshop")),
        as_json,
        lambda graph: console.print(graph.centrality().to_string(index=False)),
    )


@candidate_app.command("brief")
@in_folder
def candidate_brief(
    uow: UnitOfWork,
    candidate_id: str,
    on: Annotated[str, typer.Option(help="Date of the briefing.")],
    commitment: Annotated[str, one_of(Commitment.GIVEN, Commitment.DECLINED, Commitment.PENDING)],
    rule: Annotated[
        list[str],
        typer.Option(help="A ground rule discussed (repeat): " + " | ".join(KELMAN_GROUND_RULES)),
    ] = [],  # noqa: B006
    purposes: Annotated[bool, typer.Option("--purposes/--no-purposes")] = True,
    procedures: Annotated[bool, typer.Option("--procedures/--no-procedures")] = True,
) -> None:
    """Record the personal briefing and the commitment it ended with."""
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
@in_folder
def candidate_refer(
    uow: UnitOfWork,
    workshop_id: str,
    referrer: Annotated[str, typer.Option(help="Candidate who referred.")],
    referred: Annotated[str, typer.Option(help="Candidate referred.")],
) -> None:
    """Record a referral of the snowball."""
    warnings = recruitment.refer(
        uow,
        OPERATOR,
        parse_uuid(workshop_id, "workshop"),
        referrer=parse_uuid(referrer, "candidate"),
        referred=parse_uuid(referred, "candidate"),
    )
    console.print("referral recorded")
    warn(warnings)


@candidate_app.command("approve")
@in_folder
def candidate_approve(
    uow: UnitOfWork,
    candidate_id: str,
    approved: Annotated[
        bool,
        typer.Option(
            "--approved/--not-approved", help="Whether their leadership approves their taking part."
        ),
    ] = True,
) -> None:
    """Record whether a candidate's leadership approves (the supportive-climate condition)."""
    earlier = recruitment.record_leadership_approval(
        uow, OPERATOR, parse_uuid(candidate_id, "candidate"), approved=approved
    )
    console.print(
        "leadership approval recorded"
        + (f" (was {'yes' if earlier else 'no'})" if earlier is not None else "")
    )


@candidate_app.command("return")
@in_folder
def candidate_return(
    uow: UnitOfWork,
    workshop_id: str,
    previous: Annotated[
        list[str],
        typer.Option(help="A candidate id of the series' previous workshop (repeat)."),
    ],
) -> None:
    """Invite participants of the series' previous workshop back as candidates: they keep
    one identity across the series; brief them again."""
    invited = recruitment.invite_returning(
        uow,
        OPERATOR,
        parse_uuid(workshop_id, "workshop"),
        [parse_uuid(candidate, "candidate") for candidate in previous],
    )
    for candidate in invited:
        console.print(f"candidate {candidate}")


@candidate_app.command("reveal")
@in_folder
def candidate_reveal(uow: UnitOfWork, candidate_id: str, as_json: JsonFlag = False) -> None:
    """Show one candidate's name and contact details (the read is written to the audit trail)."""
    found = recruitment.reveal_identity(uow, OPERATOR, parse_uuid(candidate_id, "candidate"))
    if as_json:
        print_json(found.to_dict())
        return
    for field, value in found.to_dict().items():
        console.print(f"{field}: {value or '-'}")
