"""``tracktwo signin``: fresh single-use sign-in links, printed for the operator to hand over.

A facilitator who signed out (or whose session expired) gets back in with a new link at any
time, with the server running or not. A person's new link voids their earlier unused ones,
and only theirs.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import typer

from tracktwo.cli.common import OPERATOR, errors, in_folder, parse_uuid
from tracktwo.domain.actors import ActorKind
from tracktwo.services import signin
from tracktwo.services.transaction import UnitOfWork

signin_app = typer.Typer(
    help="Fresh single-use sign-in links for the organiser, facilitators and members.",
    no_args_is_help=True,
)

BaseUrl = Annotated[
    str,
    typer.Option(
        "--base-url",
        envvar="TRACKTWO_BASE_URL",
        help="Where the web app is served, as people reach it.",
    ),
]
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def _print_link(base_url: str, token: str) -> None:
    typer.echo(f"{base_url.rstrip('/')}/signin/{token}")
    errors.print("single use; this person's earlier unused links no longer work", highlight=False)


@signin_app.command("facilitator")
@in_folder
def facilitator(
    uow: UnitOfWork,
    workshop_id: str,
    who: Annotated[
        str,
        typer.Option(
            "--facilitator",
            help="The facilitator: their id, 'lead', or their name (each name compared is "
            "read, and so audited).",
        ),
    ],
    base_url: BaseUrl = DEFAULT_BASE_URL,
) -> None:
    """Print a fresh sign-in link for one facilitator of a workshop."""
    workshop = parse_uuid(workshop_id, "workshop")
    facilitator_id = signin.find_facilitator(uow, OPERATOR, workshop, who)
    link = signin.create_link(
        uow, OPERATOR, workshop, kind=ActorKind.FACILITATOR, subject_id=facilitator_id
    )
    _print_link(base_url, link.token)


@signin_app.command("member")
@in_folder
def member(
    uow: UnitOfWork,
    workshop_id: str,
    member_id: Annotated[str, typer.Option("--member", help="The member's id.")],
    base_url: BaseUrl = DEFAULT_BASE_URL,
) -> None:
    """Print a fresh sign-in link for one member of a workshop."""
    workshop = parse_uuid(workshop_id, "workshop")
    subject: UUID = parse_uuid(member_id, "member")
    link = signin.create_link(
        uow, OPERATOR, workshop, kind=ActorKind.PARTICIPANT, subject_id=subject
    )
    _print_link(base_url, link.token)


@signin_app.command("organiser")
@in_folder
def organiser(uow: UnitOfWork, base_url: BaseUrl = DEFAULT_BASE_URL) -> None:
    """Print a single-use link that signs a browser in as the organiser of this data folder:
    who opens conflicts and workshops and forms their teams (valid 12 hours)."""
    link = signin.create_organiser_link(uow, OPERATOR)
    typer.echo(f"{base_url.rstrip('/')}/signin/{link.token}")
    errors.print(
        "single use, for 12 hours; it opens every conflict of this folder", highlight=False
    )
