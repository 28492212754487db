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
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tracktwo.domain.vocabulary import Measure, SurveyWave
from tracktwo.errors import ValidationError

ENGINE_VERSION = "evaluation/1.0"
ALL_PARTIES = "all"
COLUMNS = ("respondent", "party", "measure", "wave", "value")
CI_LEVEL = 0.95
_CHUNK_CELLS = 2_000_000

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


def _check_options(before: SurveyWave, after: SurveyWave, min_group: int, n_boot: int) -> None:
    if SurveyWave(before) is SurveyWave(after):
        raise ValidationError(f"before and after are both {before}; compare two waves")
    if min_group < 1:
        raise ValidationError(f"min_group is {min_group}; give 1 or more (3 protects people)")
    if n_boot < 1:
        raise ValidationError(f"n_boot is {n_boot}; give 1 or more resamples")


def _rng(seed: int, *key: str) -> np.random.Generator:
    """Seed one generator per group so a group's interval does not depend on the others."""
    if seed < 0:
        raise ValidationError(f"seed is {seed}; give a non-negative integer")
    return np.random.default_rng([seed, zlib.crc32("|".join(key).encode())])


def _bootstrap(
    values: np.ndarray, statistic: str, n_boot: int, rng: np.random.Generator
) -> tuple[float, float]:
    """Return the percentile interval of the mean or of d_z over resampled respondents.

    Resamples with no variation give no d_z and are left out of its interval. The values
    are sorted first, so that the draws depend on the answers alone, not on the order of
    the respondents' pseudonyms (random per data folder).
    """
    values = np.sort(np.asarray(values, dtype=np.float64))
    n = len(values)
    chunk = max(1, _CHUNK_CELLS // max(n, 1))
    draws: list[np.ndarray] = []
    for start in range(0, n_boot, chunk):
        sample = values[rng.integers(0, n, size=(min(chunk, n_boot - start), n))]
        means = sample.mean(axis=1)
        if statistic == "mean":
            draws.append(means)
            continue
        sds = sample.std(axis=1, ddof=1) if n > 1 else np.zeros(len(sample))
        d = np.full(len(sample), np.nan)
        np.divide(means, sds, out=d, where=sds > 1e-12)
        draws.append(d)
    found = np.concatenate(draws)
    found = found[np.isfinite(found)]
    if found.size == 0:
        return math.nan, math.nan
    tail = (1 - CI_LEVEL) / 2 * 100
    low, high = np.percentile(found, [tail, 100 - tail])
    return float(low), float(high)


def _paired(frame: pd.DataFrame, measure: str, before: str, after: str) -> pd.DataFrame:
    """Return respondent, party, before, after for those who answered ``measure`` in both."""
    rows = frame[(frame["measure"] == measure) & frame["wave"].isin([before, after])]
    wide = rows.pivot(index=["respondent", "party"], columns="wave", values="value")
    wide = wide.reindex(columns=[before, after]).dropna()
    wide.columns = pd.Index(["before", "after"])
    return wide.reset_index()


def _interval(
    values: np.ndarray, statistic: str, n_boot: int, min_group: int, seed: int, *key: str
) -> tuple[float, float]:
    """Return the bootstrap interval of a group of at least ``min_group`` respondents, drawn
    from the group's own generator (``key`` names the group); a smaller group gets none."""
    if len(values) < min_group:
        return math.nan, math.nan
    return _bootstrap(values, statistic, n_boot, _rng(seed, *key))


def _suppress(rows: list[dict[str, Any]], figures: Sequence[str], min_group: int) -> None:
    """Blank small groups, and the ``all`` row when subtraction would reveal them."""
    hidden = sum(r["n"] for r in rows if r["party"] != ALL_PARTIES and r["n"] < min_group)
    for row in rows:
        small = row["n"] < min_group
        revealing = row["party"] == ALL_PARTIES and 0 < hidden < min_group
        row["suppressed"] = small or revealing
        if row["suppressed"]:
            row.update(dict.fromkeys(figures, math.nan))


def _groups(paired: pd.DataFrame, parties: Sequence[str]) -> list[tuple[str, pd.DataFrame]]:
    return [(p, paired[paired["party"] == p]) for p in parties] + [(ALL_PARTIES, paired)]


_CHANGE_FIGURES = (
    "mean_before", "mean_after", "mean_change", "sd_change", "cohen_d", "ci_low", "ci_high",
)  # fmt: skip


def paired_change(
    responses: pd.DataFrame,
    *,
    before: SurveyWave = SurveyWave.PRE,
    after: SurveyWave = SurveyWave.POST,
    min_group: int = 3,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Return the paired change per measure and party, plus party ``all``.

    Change is after - before in the measure's own units (for dehumanisation, in-group
    pressure and marginalisation a fall is an improvement). ``cohen_d`` is d_z: the mean
    change divided by the standard deviation of the changes (ddof 1), the paired-samples
    effect size; ``ci_low``/``ci_high`` are the 95% percentile bootstrap interval of d_z over
    respondents, seeded per group. Suppressed groups keep ``n`` but every figure is NaN.
    """
    _check_options(before, after, min_group, n_boot)
    frame = validate_responses(responses)
    parties = sorted(frame["party"].unique())
    measures = [m.value for m in Measure if m.value in set(frame["measure"])]
    records: list[dict[str, Any]] = []
    for measure in measures:
        paired = _paired(frame, measure, SurveyWave(before).value, SurveyWave(after).value)
        rows: list[dict[str, Any]] = []
        for party, group in _groups(paired, parties):
            change = (group["after"] - group["before"]).to_numpy(dtype=float)
            n = len(change)
            sd = float(change.std(ddof=1)) if n > 1 else math.nan
            mean = float(change.mean()) if n else math.nan
            d = mean / sd if n > 1 and sd > 1e-12 else math.nan
            low, high = _interval(change, "d", n_boot, min_group, seed, measure, party)
            rows.append(
                {
                    "measure": measure,
                    "party": party,
                    "n": n,
                    "mean_before": float(group["before"].mean()) if n else math.nan,
                    "mean_after": float(group["after"].mean()) if n else math.nan,
                    "mean_change": mean,
                    "sd_change": sd,
                    "cohen_d": d,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        _suppress(rows, _CHANGE_FIGURES, min_group)
        records.extend(rows)
    columns = ["measure", "party", "n", *_CHANGE_FIGURES, "suppressed"]
    result = pd.DataFrame(records, columns=columns).astype({"n": int, "suppressed": bool})
    result.attrs.update(
        engine_version=ENGINE_VERSION,
        effect_size="d_z",
        before=SurveyWave(before).value,
        after=SurveyWave(after).value,
        ci_level=CI_LEVEL,
        min_group=min_group,
    )
    return result


_GAP_FIGURES = ("change_individuals", "change_group", "gap", "ci_low", "ci_high")


def individual_group_gap(
    responses: pd.DataFrame,
    *,
    before: SurveyWave = SurveyWave.PRE,
    after: SurveyWave = SurveyWave.POST,
    pairs: Sequence[tuple[Measure, Measure]] = DEFAULT_PAIRS,
    min_group: int = 3,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Return, per pair of measures and party, how far the group image lags the individuals'.

    For each respondent who answered both measures of a pair in both waves, the gap is the
    change in the image of the individuals met minus the change in the image of their group
    (measure units). ``ci_low``/``ci_high`` are the 95% percentile bootstrap interval of the
    mean gap. ``group_image_lags`` is True when the whole interval lies above zero: the
    individuals changed more than the group image (hypothesis confirmation, seed 4.3).
    """
    _check_options(before, after, min_group, n_boot)
    frame = validate_responses(responses)
    parties = sorted(frame["party"].unique())
    b, a = SurveyWave(before).value, SurveyWave(after).value
    records: list[dict[str, Any]] = []
    for individuals, group_measure in pairs:
        ind, grp = Measure(individuals).value, Measure(group_measure).value
        both = _paired(frame, ind, b, a).merge(
            _paired(frame, grp, b, a), on=["respondent", "party"], suffixes=("_ind", "_grp")
        )
        rows: list[dict[str, Any]] = []
        for party, group in _groups(both, parties):
            change_ind = (group["after_ind"] - group["before_ind"]).to_numpy(dtype=float)
            change_grp = (group["after_grp"] - group["before_grp"]).to_numpy(dtype=float)
            gap = change_ind - change_grp
            n = len(gap)
            low, high = _interval(gap, "mean", n_boot, min_group, seed, ind, grp, party)
            rows.append(
                {
                    "individuals": ind,
                    "group": grp,
                    "party": party,
                    "n": n,
                    "change_individuals": float(change_ind.mean()) if n else math.nan,
                    "change_group": float(change_grp.mean()) if n else math.nan,
                    "gap": float(gap.mean()) if n else math.nan,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        _suppress(rows, _GAP_FIGURES, min_group)
        for row in rows:
            row["group_image_lags"] = bool(not row["suppressed"] and row["ci_low"] > 0)
        records.extend(rows)
    columns = [
        "individuals", "group", "party", "n", *_GAP_FIGURES, "suppressed", "group_image_lags",
    ]  # fmt: skip
    result = pd.DataFrame(records, columns=columns).astype(
        {"n": int, "suppressed": bool, "group_image_lags": bool}
    )
    result.attrs.update(
        engine_version=ENGINE_VERSION, before=b, after=a, ci_level=CI_LEVEL, min_group=min_group
    )
    return result
