"""Small-sample figures: intervals that hold at n = 3, 5 and 10 on skewed Likert answers.

The answers are drawn, seeded, from skewed categorical distributions on a 5-point and a
7-point scale (most people near the bottom before, spread upwards after), the shape workshop
surveys produce. The true mean change is computed from the distributions, not estimated.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tracktwo.domain.vocabulary import Measure, SurveyWave
from tracktwo.engines.evaluation import paired_change
from tracktwo.engines.small_samples import (
    LEVEL,
    MIN_EFFECT_N,
    MIN_INTERVAL_N,
    bounded_mean_interval,
    standardised_effect,
)

BEFORE = np.array([0.45, 0.30, 0.15, 0.07, 0.03])
AFTER = np.array([0.15, 0.25, 0.30, 0.18, 0.12])
SIMULATIONS = 200


def _true_change(points: np.ndarray) -> float:
    return float(points @ AFTER - points @ BEFORE)


@pytest.mark.parametrize("n", [3, 5, 10])
def test_a_printed_interval_covers_the_true_change_at_its_nominal_rate_on_a_5_point_scale(
    n: int,
) -> None:
    rng = np.random.default_rng(n)
    points = np.arange(1.0, 6.0)
    truth = _true_change(points)
    printed = covered = 0
    for _ in range(SIMULATIONS):
        change = rng.choice(points, n, p=AFTER) - rng.choice(points, n, p=BEFORE)
        interval = bounded_mean_interval(change, -4.0, 4.0)
        if not interval.given:
            assert "too few" in interval.reason and str(n) in interval.reason
            assert math.isnan(interval.low) and math.isnan(interval.high)
            continue
        printed += 1
        covered += interval.low <= truth <= interval.high
    assert printed == (SIMULATIONS if n >= MIN_INTERVAL_N else 0)
    if printed:
        assert covered / printed >= LEVEL


@pytest.mark.parametrize("n", [3, 5, 10])
def test_the_product_prints_what_holds_for_skewed_7_point_answers(n: int) -> None:
    """Through paired_change, as the CLI, pages and JSON get it: coverage, reasons, no d."""
    rng = np.random.default_rng(100 + n)
    points = np.arange(1.0, 6.0)  # the lower five points of the 1-7 trust scale: skewed
    truth = _true_change(points)
    covered = printed = 0
    for _ in range(SIMULATIONS // 4):
        before, after = rng.choice(points, n, p=BEFORE), rng.choice(points, n, p=AFTER)
        frame = pd.DataFrame(
            [(f"p{i}", "A", Measure.TRUST_GROUP.value, wave, value)
             for i in range(n)
             for wave, value in ((SurveyWave.PRE.value, before[i]),
                                 (SurveyWave.POST.value, after[i]))],
            columns=["respondent", "party", "measure", "wave", "value"],
        )  # fmt: skip
        row = paired_change(frame, min_group=3).query("party == 'A'").iloc[0]
        assert math.isnan(row["cohen_d"]) == (n < MIN_EFFECT_N or row["sd_change"] == 0)
        assert row["summary"].startswith(f"{n} people")
        if math.isnan(row["change_low"]):
            assert n < MIN_INTERVAL_N and "too few for an interval" in row["note"]
            assert "too few to estimate an effect" in row["summary"]
            continue
        printed += 1
        covered += row["change_low"] <= truth <= row["change_high"]
    if n >= MIN_INTERVAL_N:
        assert printed == SIMULATIONS // 4 and covered / printed >= LEVEL


def test_the_interval_narrows_as_people_are_added() -> None:
    rng = np.random.default_rng(5)
    widths = []
    for n in (5, 10, 40, 160):
        change = rng.choice(np.arange(-2.0, 3.0), n, p=[0.05, 0.15, 0.3, 0.3, 0.2])
        interval = bounded_mean_interval(change, -4.0, 4.0)
        assert interval.low <= change.mean() <= interval.high
        widths.append(interval.high - interval.low)
    assert widths == sorted(widths, reverse=True) and widths[-1] < widths[0] / 2


def test_values_outside_the_scale_are_refused() -> None:
    with pytest.raises(ValueError, match="outside the scale"):
        bounded_mean_interval(np.array([1.0, 2.0, 3.0, 4.0, 9.0]), -4.0, 4.0)


def test_no_standardised_effect_below_ten_or_without_spread() -> None:
    assert math.isnan(standardised_effect(np.arange(9.0))[0])
    assert math.isnan(standardised_effect(np.full(12, 2.0))[0])
    d, reason = standardised_effect(np.arange(10.0))
    assert d == pytest.approx(4.5 / np.std(np.arange(10.0), ddof=1)) and not reason
