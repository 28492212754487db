"""``tracktwo survey``: surveys before, after and at follow-up; re-entry follow-ups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracktwo.cli.common import OPERATOR, in_folder, one_of, parse_date, parse_uuid
from tracktwo.cli.output import JsonFlag, console, print_json, show
from tracktwo.domain.rules import DEFAULT_MIN_GROUP
from tracktwo.domain.surveys import SCALES
from tracktwo.domain.vocabulary import SurveyWave
from tracktwo.engines.frames import records
from tracktwo.io.text_files import read_text_file
from tracktwo.services import surveys
from tracktwo.services.transaction import UnitOfWork

survey_app = typer.Typer(help="Surveys and re-entry follow-up.", no_args_is_help=True)


@survey_app.command("import")
@in_folder
def survey_import(
    uow: UnitOfWork,
    workshop_id: str,
    path: Path,
    lenient: Annotated[
        bool, typer.Option("--lenient", help="Ignore columns the format does not know.")
    ] = False,
) -> None:
    """Import a survey CSV (participant, wave, measure, value, taken_on); all or nothing.

    UTF-8 with or without a byte-order mark; other encodings and unknown columns are refused.
    """
    text = read_text_file(path, "survey file")
    stored = surveys.import_survey_file(
        uow, OPERATOR, parse_uuid(workshop_id, "workshop"), text, lenient=lenient
    )
    console.print(stored.sentence())


@survey_app.command("measures")
def survey_measures(as_json: JsonFlag = False) -> None:
    """The measures a survey file may hold, each with its scale (the column `measure`)."""
    if as_json:
        print_json(
            {
                "measures": {m.value: [low, high] for m, (low, high) in SCALES.items()},
                "waves": [w.value for w in SurveyWave],
            }
        )
        return
    for measure, (low, high) in SCALES.items():
        console.print(f"{measure.value}: {low:g} to {high:g}", highlight=False)
    console.print("waves: " + ", ".join(w.value for w in SurveyWave), highlight=False)


After = Annotated[str, one_of(SurveyWave.POST, SurveyWave.FOLLOW_UP)]
MinGroup = Annotated[
    int,
    typer.Option(help="Withhold groups smaller than this: 5 by default, at least 3 (audited)."),
]


@survey_app.command("effects")
@in_folder
def survey_effects(
    uow: UnitOfWork,
    workshop_id: str,
    after: After = "post",
    min_group: MinGroup = DEFAULT_MIN_GROUP,
    as_json: JsonFlag = False,
) -> None:
    """Paired change on each measure's scale, in a sentence per group; small groups withheld.

    The interval (a betting interval for a bounded mean) is given from 5 people, Cohen's d
    from 10; below that the sentence says what can and cannot be said.
    """
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
    for frame, label in (
        (effects.change, "measure"),
        (effects.individual_group_gap, "individuals"),
    ):
        for row in frame.itertuples(index=False):
            console.print(f"{getattr(row, label)} · {row.party}: {row.summary}")
    console.print(f"interval: {effects.change.attrs['interval_method']}")


@survey_app.command("series")
@in_folder
def survey_series(
    uow: UnitOfWork,
    workshop_id: str,
    after: After = "post",
    min_group: MinGroup = DEFAULT_MIN_GROUP,
    as_json: JsonFlag = False,
) -> None:
    """Change of the series' returning participants, paired person by person from the first
    workshop's pre survey to this workshop's --after wave."""
    found = surveys.series_effects(
        uow, OPERATOR, parse_uuid(workshop_id, "workshop"), after=after, min_group=min_group
    )
    if as_json:
        print_json(
            {
                "first_workshop": found.first_workshop,
                "this_workshop": found.this_workshop,
                "returning": found.returning,
                "change": records(found.change),
            }
        )
        return
    console.print(
        f"{found.returning} returning participants, workshop {found.first_workshop} (pre) to "
        f"workshop {found.this_workshop} ({after})"
    )
    for row in found.change.itertuples(index=False):
        console.print(f"{row.measure} · {row.party}: {row.summary}")


@survey_app.command("risks")
@in_folder
def survey_risks(uow: UnitOfWork, workshop_id: str, as_json: JsonFlag = False) -> None:
    """The re-entry risk register per person, highest risk first, on this screen only.

    With --json, only the counts pooled across parties (none below 5 members followed up):
    a per-person register never leaves the facilitator's screen.
    """
    register = surveys.risk_register(uow, OPERATOR, parse_uuid(workshop_id, "workshop"))
    if as_json:
        print_json(surveys.ReentrySummary.of(register).to_dict())
        return
    show(
        register,
        False,
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
