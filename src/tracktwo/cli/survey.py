"""``tracktwo survey``: surveys before, after and at follow-up; re-entry follow-ups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracktwo.cli.common import OPERATOR, in_folder, one_of, parse_date, parse_uuid
from tracktwo.cli.output import JsonFlag, console, print_json, show
from tracktwo.domain.vocabulary import SurveyWave
from tracktwo.engines.frames import records
from tracktwo.services import surveys
from tracktwo.services.transaction import UnitOfWork

survey_app = typer.Typer(help="Surveys and re-entry follow-up.", no_args_is_help=True)


@survey_app.command("import")
@in_folder
def survey_import(uow: UnitOfWork, workshop_id: str, path: Path) -> None:
    """Import a survey CSV (participant, wave, measure, value, taken_on); all or nothing."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise typer.BadParameter(f"cannot read {path}: {error.strerror}") from None
    count = surveys.import_survey_file(uow, OPERATOR, parse_uuid(workshop_id, "workshop"), text)
    console.print(f"imported {count} answers")


@survey_app.command("effects")
@in_folder
def survey_effects(
    uow: UnitOfWork,
    workshop_id: str,
    after: Annotated[str, one_of(SurveyWave.POST, SurveyWave.FOLLOW_UP)] = "post",
    min_group: Annotated[int, typer.Option(help="Suppress groups smaller than this.")] = 3,
    as_json: JsonFlag = False,
) -> None:
    """Paired change with Cohen's d and bootstrap intervals; small groups suppressed."""
    effects = surveys.survey_effects(
        uow, OPERATOR, parse_uuid(workshop_id, "workshop"), after=after, min_group=min_group
    )
    if as_json:
        print_json(
            {
                "change": records(effects.change),
                "individual_group_gap": records(effects.individual_group_gap),
            }
        )
        return
    console.print(effects.change.to_string(index=False))
    console.print(effects.individual_group_gap.to_string(index=False))


@survey_app.command("risks")
@in_folder
def survey_risks(uow: UnitOfWork, workshop_id: str, as_json: JsonFlag = False) -> None:
    """The re-entry risk register, highest risk first."""
    register = surveys.risk_register(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
    show(
        register,
        as_json,
        ("member", "party", "pressure", "marginalisation", "exposed", "risk"),
        lambda r: (
            r.member_id,
            r.party,
            f"{r.ingroup_pressure:.2f}",
            f"{r.marginalisation:.2f}",
            str(r.publicly_exposed),
            r.risk,
        ),
    )


@survey_app.command("reentry")
@in_folder
def survey_reentry(
    uow: UnitOfWork,
    member_id: str,
    on: Annotated[str, typer.Option(help="Date of the follow-up.")],
    pressure: Annotated[float, typer.Option(help="In-group pressure felt, 0-1.")],
    marginalisation: Annotated[float, typer.Option(help="Marginalisation at home, 0-1.")],
    exposed: Annotated[bool, typer.Option("--exposed", help="Publicly exposed.")] = False,
) -> None:
    """Record a re-entry follow-up of one participant."""
    surveys.record_reentry(
        uow,
        OPERATOR,
        parse_uuid(member_id, "member"),
        followed_up_on=parse_date(on, "--on"),
        ingroup_pressure=pressure,
        marginalisation=marginalisation,
        publicly_exposed=exposed,
    )
    console.print("follow-up recorded")
