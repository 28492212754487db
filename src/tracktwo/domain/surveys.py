"""Survey measures, their scales, and the survey file a facilitator imports (seed 4.1, 4.3)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from tracktwo.domain.vocabulary import Measure, SurveyWave
from tracktwo.errors import SurveyFileError

SCALES: dict[Measure, tuple[float, float]] = {
    Measure.THERMOMETER_INDIVIDUALS: (0.0, 100.0),
    Measure.THERMOMETER_GROUP: (0.0, 100.0),
    Measure.TRUST_INDIVIDUALS: (1.0, 7.0),
    Measure.TRUST_GROUP: (1.0, 7.0),
    Measure.DEHUMANISATION: (1.0, 7.0),
    Measure.SOLUTION_WITHIN_REACH: (1.0, 7.0),
    Measure.INGROUP_PRESSURE: (1.0, 7.0),
    Measure.MARGINALISATION: (1.0, 7.0),
}
"""Feeling thermometer 0-100; the other measures on 1-7 agreement scales."""

SURVEY_COLUMNS = ("participant", "wave", "measure", "value", "taken_on")
_EXTRA = "\x00extra"


@dataclass(frozen=True)
class SurveyAnswer:
    """One participant's answer to one measure in one wave."""

    participant: str
    wave: SurveyWave
    measure: Measure
    value: float
    taken_on: date


def check_answer(measure: Measure, value: float) -> float:
    """Return ``value`` if it lies on ``measure``'s scale."""
    low, high = SCALES[measure]
    if not low <= value <= high:
        raise SurveyFileError(
            f"{measure.value} is measured from {low:g} to {high:g}, got {value:g}"
        )
    return value


def parse_survey_csv(text: str, *, lenient: bool = False) -> list[SurveyAnswer]:
    """Parse a survey CSV (participant, wave, measure, value, taken_on), naming any bad row.

    A column the format does not know is refused (a misspelt header would otherwise drop
    data silently) unless ``lenient``; a row with more or fewer fields than the header is
    refused, naming the row.
    """
    try:
        return _parse_survey_rows(text.removeprefix("\ufeff"), lenient)
    except csv.Error as error:
        raise SurveyFileError(f"the survey file is not a readable CSV file: {error}") from None


def _parse_survey_rows(text: str, lenient: bool) -> list[SurveyAnswer]:
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey=_EXTRA)
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [column for column in SURVEY_COLUMNS if column not in header]
    if missing:
        raise SurveyFileError(
            f"the survey file lacks column(s) {', '.join(missing)}; "
            f"expected a header of {', '.join(SURVEY_COLUMNS)}"
        )
    unknown = [column for column in header if column not in SURVEY_COLUMNS]
    if unknown and not lenient:
        raise SurveyFileError(
            f"the survey file has column(s) the format does not know: {', '.join(unknown)}; "
            f"expected {', '.join(SURVEY_COLUMNS)} (or pass --lenient to ignore them)"
        )
    answers: list[SurveyAnswer] = []
    for row_number, row in enumerate(reader, start=2):
        where = f"row {row_number}"
        if _EXTRA in row or any(row.get(column) is None for column in header):
            fields = (
                len(header)
                + len(row.get(_EXTRA) or [])
                - sum(row.get(column) is None for column in header)
            )
            raise SurveyFileError(
                f"{where}: has {fields} fields where the header has {len(header)}"
            )
        try:
            wave = SurveyWave(row["wave"].strip())
        except ValueError:
            waves = ", ".join(w.value for w in SurveyWave)
            raise SurveyFileError(f"{where}: wave {row['wave']!r} is not one of {waves}") from None
        try:
            measure = Measure(row["measure"].strip())
        except ValueError:
            raise SurveyFileError(f"{where}: unknown measure {row['measure']!r}") from None
        try:
            value = float(row["value"])
        except (TypeError, ValueError):
            raise SurveyFileError(f"{where}: value {row['value']!r} is not a number") from None
        try:
            taken_on = date.fromisoformat(row["taken_on"].strip())
        except (AttributeError, ValueError):
            raise SurveyFileError(
                f"{where}: taken_on {row['taken_on']!r} is not a date (YYYY-MM-DD)"
            ) from None
        participant = (row["participant"] or "").strip()
        if not participant:
            raise SurveyFileError(f"{where}: participant is empty")
        try:
            check_answer(measure, value)
        except SurveyFileError as error:
            raise SurveyFileError(f"{where}: {error}") from None
        answers.append(SurveyAnswer(participant, wave, measure, value, taken_on))
    if not answers:
        raise SurveyFileError("the survey file has a header but no answers")
    return answers
