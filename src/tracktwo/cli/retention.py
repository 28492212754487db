"""``tracktwo retention``: destroy the workshops whose retention date has passed."""

from __future__ import annotations

from typing import Annotated

import typer

from tracktwo.cli.common import OPERATOR, in_folder, parse_date
from tracktwo.cli.output import JsonFlag, console, print_json
from tracktwo.services import retention
from tracktwo.services.transaction import UnitOfWork
from tracktwo.services.workshops import Destruction

retention_app = typer.Typer(
    help="Keep each workshop until its retention date, then destroy it with its key.",
    no_args_is_help=True,
)


def print_destruction(result: Destruction) -> None:
    """Print what was destroyed (ids and titles, never a name) and what copies remain."""
    verb = "destroyed" if result.done else "would destroy"
    for workshop in result.destroyed:
        console.print(
            f"{verb} workshop {workshop.id} {workshop.title!r} (no. {workshop.sequence}, "
            f"kept until {workshop.kept_until.isoformat()}) with its data key",
            highlight=False,
            markup=False,
        )
    if result.series_id:
        console.print(f"{verb} series {result.series_id} whole", highlight=False)
    if not result.left_behind and not result.untraced_identities:
        return
    alone = "this workshop" if len(result.destroyed) == 1 else "these workshops"
    console.print(
        f"NOT destroyed by destroying {alone} alone: the copies other workshops of the series "
        "hold, sealed under their own keys and kept until their own dates:",
        highlight=False,
        markup=False,
    )
    for left in result.left_behind:
        console.print(
            f"  workshop {left.workshop_id} {left.title!r} (no. {left.sequence}, kept until "
            f"{left.kept_until.isoformat()}): {left.carried_ideas} carried idea(s), "
            f"{left.returning_participants} returning participant(s)' identities",
            highlight=False,
            markup=False,
        )
    if result.untraced_identities:
        console.print(
            f"  and {result.untraced_identities} identit(ies) copied out before copies were "
            "traced (which workshop holds them is not recorded)",
            highlight=False,
            markup=False,
        )
    # Before destruction the workshop itself names its series; after it, a workshop kept.
    if not result.done and len(result.destroyed) == 1:
        named = result.destroyed[0].id
    elif len(result.left_behind) == 1:
        named = result.left_behind[0].workshop_id
    elif result.left_behind:
        named = "WORKSHOP (any workshop listed above)"
    else:
        return
    console.print(
        "to destroy the whole series, every workshop with its key: "
        f"tracktwo workshop destroy {named} --series --yes",
        highlight=False,
        markup=False,
    )


@retention_app.command("enforce")
@in_folder
def retention_enforce(
    uow: UnitOfWork,
    today: Annotated[
        str | None, typer.Option(help="Judge as of this date (YYYY-MM-DD); default: today, UTC.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be destroyed; change nothing.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Destroy every workshop past its retention date, rows and data key (safe to rerun)."""
    as_of = parse_date(today, "--today") if today else None
    run = retention.enforce(uow, OPERATOR, today=as_of, dry_run=dry_run)
    if as_json:
        print_json(run.to_dict())
        return
    for workshop in run.pruned:
        console.print(
            f"workshop {workshop}: a joint session ended; kept only what both parties endorsed"
        )
    if not run.destruction.destroyed:
        console.print(f"as of {run.as_of.isoformat()}: no workshop is past its retention date")
        return
    console.print(f"as of {run.as_of.isoformat()}:", highlight=False)
    print_destruction(run.destruction)
