"""Evaluation: paired change in participants' attitudes between survey waves (seed 4.1, 4.3).

Workshops aim at individual change: warmer feelings, more trust, less dehumanisation and the
sense that a negotiated solution is within reach (seed 4.1, 5). The seed warns that, through
hypothesis confirmation, participants may change their view of the individuals they met
while the image of the other group stays as it was (seed 4.3); :func:`individual_group_gap`
measures exactly that gap.

Input is a long frame with columns ``respondent``, ``party``, ``measure`` (a
:class:`~tracktwo.domain.vocabulary.Measure` value), ``wave`` (a
:class:`~tracktwo.domain.vocabulary.SurveyWave` value) and ``value``. Only respondents who
answered in both waves count. With 3 to 6 members per party a figure about two people can
identify a person, so groups smaller than ``min_group`` are suppressed, and so is the
``all`` row when it would let the suppressed figures be recovered by subtraction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tracktwo.domain.rules import DEFAULT_MIN_GROUP, require_group_floor
from tracktwo.domain.surveys import SCALES
from tracktwo.domain.vocabulary import Measure, SurveyWave
from tracktwo.engines.small_samples import (
    LEVEL,
    METHOD,
    MIN_EFFECT_N,
    MIN_INTERVAL_N,
    bounded_mean_interval,
    describe_change,
    sign_test,
    standardised_effect,
)
from tracktwo.errors import ValidationError

ENGINE_VERSION = "evaluation/2.0"
ALL_PARTIES = "all"
COLUMNS = ("respondent", "party", "measure", "wave", "value")

DEFAULT_PAIRS: tuple[tuple[Measure, Measure], ...] = (
    (Measure.THERMOMETER_INDIVIDUALS, Measure.THERMOMETER_GROUP),
    (Measure.TRUST_INDIVIDUALS, Measure.TRUST_GROUP),
)


def validate_responses(responses: pd.DataFrame) -> pd.DataFrame:
    """Return a clean copy of a long survey frame, or raise ValidationError naming the problem.

    Missing answers (an empty ``value``) are dropped; text in ``value`` is refused.
    """
    if not isinstance(responses, pd.DataFrame):
        raise ValidationError(f"responses must be a pandas DataFrame, not {type(responses)}")
    missing = [c for c in COLUMNS if c not in responses.columns]
    if missing:
        raise ValidationError(
            f"responses lack columns {missing}; give respondent, party, measure, wave, value"
        )
    frame = responses.loc[:, list(COLUMNS)].copy()
    for column in ("respondent", "party", "measure", "wave"):
        empty = frame[column].isna()
        if empty.any():
            raise ValidationError(f"row {frame.index[empty][0]!r} has no {column}; fill it in")
        frame[column] = frame[column].astype(str)
    for column, known in (("measure", Measure), ("wave", SurveyWave)):
        unknown = sorted(set(frame[column]) - {member.value for member in known})
        if unknown:
            raise ValidationError(
                f"unknown {column} values {unknown}; use one of {[m.value for m in known]}"
            )
    values = pd.to_numeric(frame["value"], errors="coerce")
    bad = values.isna() & frame["value"].notna()
    if bad.any():
        row = frame.index[bad][0]
        raise ValidationError(
            f"value {frame.at[row, 'value']!r} in row {row!r} is not a number; fix or empty it"
        )
    frame["value"] = values.astype(float)
    if np.isinf(frame["value"]).any():
        raise ValidationError("responses hold an infinite value; give finite numbers")
    frame = frame[frame["value"].notna()]
    if (frame["party"] == ALL_PARTIES).any():
        raise ValidationError(f"{ALL_PARTIES!r} is reserved for the whole group; rename the party")
    twice = frame.duplicated(["respondent", "measure", "wave"])
    if twice.any():
        who = frame.loc[twice].iloc[0]
        raise ValidationError(
            f"respondent {who['respondent']!r} answered {who['measure']} twice in wave "
            f"{who['wave']}; keep one answer"
        )
    parties_per_person = frame.groupby("respondent")["party"].nunique()
    if (parties_per_person > 1).any():
        who = parties_per_person[parties_per_person > 1].index[0]
        raise ValidationError(f"respondent {who!r} is listed under more than one party")
    return frame


def _check_options(before: SurveyWave, after: SurveyWave, min_group: int) -> None:
    if SurveyWave(before) is SurveyWave(after):
        raise ValidationError(f"before and after are both {before}; compare two waves")
    require_group_floor(min_group)


def _scale(measure: str) -> float:
    """Return the width of ``measure``'s scale: a change lies within plus or minus it."""
    low, high = SCALES[Measure(measure)]
    return high - low


def _paired(frame: pd.DataFrame, measure: str, before: str, after: str) -> pd.DataFrame:
    """Return respondent, party, before, after for those who answered ``measure`` in both."""
    rows = frame[(frame["measure"] == measure) & frame["wave"].isin([before, after])]
    wide = rows.pivot(index=["respondent", "party"], columns="wave", values="value")
    wide = wide.reindex(columns=[before, after]).dropna()
    wide.columns = pd.Index(["before", "after"])
    return wide.reset_index()


def _suppress(rows: list[dict[str, Any]], figures: Sequence[str], min_group: int) -> None:
    """Blank small groups, and the ``all`` row when subtraction would reveal them."""
    hidden = sum(r["n"] for r in rows if r["party"] != ALL_PARTIES and r["n"] < min_group)
    for row in rows:
        small = row["n"] < min_group
        revealing = row["party"] == ALL_PARTIES and 0 < hidden < min_group
        row["suppressed"] = small or revealing
        if row["suppressed"]:
            row.update(dict.fromkeys(figures, math.nan))
            row["summary"] = _WITHHELD.format(k=min_group)
            row["note"] = "too few people to show a figure without pointing at someone"


def _groups(paired: pd.DataFrame, parties: Sequence[str]) -> list[tuple[str, pd.DataFrame]]:
    return [(p, paired[paired["party"] == p]) for p in parties] + [(ALL_PARTIES, paired)]


_CHANGE_FIGURES = (
    "mean_before", "mean_after", "mean_change", "sd_change", "change_low", "change_high",
    "cohen_d", "sign_p",
)  # fmt: skip
_WITHHELD = "withheld: fewer than {k} people answered in both waves"


def paired_change(
    responses: pd.DataFrame,
    *,
    before: SurveyWave = SurveyWave.PRE,
    after: SurveyWave = SurveyWave.POST,
    min_group: int = DEFAULT_MIN_GROUP,
) -> pd.DataFrame:
    """Return the paired change per measure and party, plus party ``all``.

    Change is after - before in the measure's own units (for dehumanisation, in-group
    pressure and marginalisation a fall is an improvement), given first.
    ``change_low``/``change_high`` bound the mean change with the betting interval of
    :mod:`tracktwo.engines.small_samples` (none below 5 people; ``note`` says why).
    ``cohen_d`` is d_z, the mean change over the spread of the changes, given only from 10
    people with a spread above zero; ``sign_p`` is the exact sign test of the direction.
    ``summary`` says in a sentence who moved which way.
    Groups smaller than ``min_group`` keep ``n`` but every figure is NaN.
    """
    _check_options(before, after, min_group)
    frame = validate_responses(responses)
    parties = sorted(frame["party"].unique())
    measures = [m.value for m in Measure if m.value in set(frame["measure"])]
    records: list[dict[str, Any]] = []
    for measure in measures:
        paired = _paired(frame, measure, SurveyWave(before).value, SurveyWave(after).value)
        span = _scale(measure)
        unit = "points on the {:g}-{:g} scale".format(*SCALES[Measure(measure)])
        rows: list[dict[str, Any]] = []
        for party, group in _groups(paired, parties):
            change = (group["after"] - group["before"]).to_numpy(dtype=float)
            n = len(change)
            interval = bounded_mean_interval(change, -span, span)
            d, no_d = standardised_effect(change)
            rows.append(
                {
                    "measure": measure,
                    "party": party,
                    "n": n,
                    "mean_before": float(group["before"].mean()) if n else math.nan,
                    "mean_after": float(group["after"].mean()) if n else math.nan,
                    "mean_change": float(change.mean()) if n else math.nan,
                    "sd_change": float(change.std(ddof=1)) if n > 1 else math.nan,
                    "change_low": interval.low,
                    "change_high": interval.high,
                    "cohen_d": d,
                    "sign_p": sign_test(change)[0] if n else math.nan,
                    "summary": describe_change(change, interval, unit),
                    "note": "; ".join(r for r in (interval.reason, no_d) if r),
                }
            )
        _suppress(rows, _CHANGE_FIGURES, min_group)
        records.extend(rows)
    columns = ["measure", "party", "n", *_CHANGE_FIGURES, "summary", "note", "suppressed"]
    result = pd.DataFrame(records, columns=columns).astype({"n": int, "suppressed": bool})
    result.attrs.update(
        engine_version=ENGINE_VERSION,
        effect_size="d_z",
        before=SurveyWave(before).value,
        after=SurveyWave(after).value,
        ci_level=LEVEL,
        interval_method=METHOD,
        min_interval_n=MIN_INTERVAL_N,
        min_effect_n=MIN_EFFECT_N,
        min_group=min_group,
    )
    return result


_GAP_FIGURES = ("change_individuals", "change_group", "gap", "gap_low", "gap_high")


def individual_group_gap(
    responses: pd.DataFrame,
    *,
    before: SurveyWave = SurveyWave.PRE,
    after: SurveyWave = SurveyWave.POST,
    pairs: Sequence[tuple[Measure, Measure]] = DEFAULT_PAIRS,
    min_group: int = DEFAULT_MIN_GROUP,
) -> pd.DataFrame:
    """Return, per pair of measures and party, how far the group image lags the individuals'.

    For each respondent who answered both measures of a pair in both waves, the gap is the
    change in the image of the individuals met minus the change in the image of their group
    (measure units). ``gap_low``/``gap_high`` bound the mean gap with the betting interval
    (none below 5 people). ``group_image_lags`` is True when the whole interval lies above
    zero: the individuals changed more than the group image (hypothesis confirmation, seed 4.3).
    """
    _check_options(before, after, min_group)
    frame = validate_responses(responses)
    parties = sorted(frame["party"].unique())
    b, a = SurveyWave(before).value, SurveyWave(after).value
    records: list[dict[str, Any]] = []
    for individuals, group_measure in pairs:
        ind, grp = Measure(individuals).value, Measure(group_measure).value
        both = _paired(frame, ind, b, a).merge(
            _paired(frame, grp, b, a), on=["respondent", "party"], suffixes=("_ind", "_grp")
        )
        bound = _scale(ind) + _scale(grp)
        rows: list[dict[str, Any]] = []
        for party, group in _groups(both, parties):
            change_ind = (group["after_ind"] - group["before_ind"]).to_numpy(dtype=float)
            change_grp = (group["after_grp"] - group["before_grp"]).to_numpy(dtype=float)
            gap = change_ind - change_grp
            n = len(gap)
            interval = bounded_mean_interval(gap, -bound, bound)
            rows.append(
                {
                    "individuals": ind,
                    "group": grp,
                    "party": party,
                    "n": n,
                    "change_individuals": float(change_ind.mean()) if n else math.nan,
                    "change_group": float(change_grp.mean()) if n else math.nan,
                    "gap": float(gap.mean()) if n else math.nan,
                    "gap_low": interval.low,
                    "gap_high": interval.high,
                    "summary": describe_change(gap, interval, "points of gap"),
                    "note": interval.reason,
                }
            )
        _suppress(rows, _GAP_FIGURES, min_group)
        for row in rows:
            row["group_image_lags"] = bool(not row["suppressed"] and row["gap_low"] > 0)
        records.extend(rows)
    columns = [
        "individuals", "group", "party", "n", *_GAP_FIGURES, "summary", "note", "suppressed",
        "group_image_lags",
    ]  # fmt: skip
    result = pd.DataFrame(records, columns=columns).astype(
        {"n": int, "suppressed": bool, "group_image_lags": bool}
    )
    result.attrs.update(
        engine_version=ENGINE_VERSION,
        before=b,
        after=a,
        ci_level=LEVEL,
        interval_method=METHOD,
        min_group=min_group,
    )
    return result
