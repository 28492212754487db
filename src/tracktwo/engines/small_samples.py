"""Honest figures for the few people a workshop has: an interval that holds at any n, or none.

A party brings 3 to 6 people; their survey answers are bounded (a 1-7 agreement scale, a 0-100
thermometer), discrete and often skewed. The usual tools fail there: the percentile bootstrap
of three changes has 10 distinct resamples and covers far less than it claims; a t interval
assumes a normal mean; a sign-flip test of 3 changes has 8 patterns and cannot reach 95%.

The interval here is the betting confidence interval for a bounded mean (Waudby-Smith and
Ramdas, "Estimating means of bounded random variables by betting", JRSS B 2024): for each
candidate mean m, a gambler bets that the answers come out above or below m, with stakes set
from the answers seen so far; if the mean really were m, no betting strategy can multiply
its capital by 1/alpha except with probability alpha (Ville's / Markov's inequality). The
interval is every m at which the capital stays below 1/alpha. It needs nothing but the
bounds of the scale and independent respondents, so its coverage holds at every n and for
every distribution on the scale, skewed and discrete included. The capital is averaged over
a fixed set of orderings of the sorted answers, so the interval does not depend on the
order in which people answered (an average of e-values is an e-value).

Below :data:`MIN_INTERVAL_N` people no interval is printed: it would hold, but it would span
most of the scale and read as a finding. Below :data:`MIN_EFFECT_N` no standardised effect
(Cohen's d) is given: its spread is not estimable from a handful of changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest

LEVEL = 0.95
MIN_INTERVAL_N = 5
MIN_EFFECT_N = 10
METHOD = (
    "betting interval for a bounded mean (Waudby-Smith & Ramdas 2024): hedged capital, "
    "averaged over 64 fixed orderings; valid at any n for answers on the scale's bounds"
)
_ORDERINGS = 64
_GRID = 2001
_TRUNCATION = 0.75
_CELLS = 4_000_000


@dataclass(frozen=True)
class Interval:
    """An interval for a mean, or the reason there is none (``low``/``high`` then NaN)."""

    low: float
    high: float
    reason: str = ""

    @property
    def given(self) -> bool:
        return not self.reason


def _log_capital(x: np.ndarray, grid: np.ndarray, alpha: float) -> np.ndarray:
    """Log of the hedged capital after betting on ``x`` (rows: orderings) at each grid mean."""
    orderings, n = x.shape
    seen = np.arange(1, n + 1)
    running_mean = (0.5 + np.cumsum(x, axis=1)) / (seen + 1)
    previous_mean = np.concatenate([np.full((orderings, 1), 0.5), running_mean[:, :-1]], axis=1)
    running_var = (0.25 + np.cumsum((x - previous_mean) ** 2, axis=1)) / (seen + 1)
    previous_var = np.concatenate([np.full((orderings, 1), 0.25), running_var[:, :-1]], axis=1)
    stake = np.sqrt(2 * math.log(2 / alpha) / (n * previous_var))  # fixed-n tuning
    m = grid[None, None, :]
    lam = stake[:, :, None]
    above = np.minimum(lam, _TRUNCATION / m)
    below = np.minimum(lam, _TRUNCATION / (1 - m))
    centred = x[:, :, None] - m
    log_up = np.log1p(above * centred).sum(axis=1)
    log_down = np.log1p(-below * centred).sum(axis=1)
    hedged = np.logaddexp(log_up, log_down) - math.log(2)
    # Mean of the capital over orderings, in logs: an average of e-values is an e-value.
    mean_capital: np.ndarray = np.logaddexp.reduce(hedged, axis=0) - math.log(orderings)
    return mean_capital


def bounded_mean_interval(
    values: np.ndarray, low: float, high: float, *, level: float = LEVEL
) -> Interval:
    """Return the betting interval for the mean of ``values``, each known to lie in [low, high].

    Fewer than :data:`MIN_INTERVAL_N` values give no interval, with the reason.
    """
    values = np.sort(np.asarray(values, dtype=np.float64))
    n = len(values)
    if n < MIN_INTERVAL_N:
        return Interval(
            math.nan,
            math.nan,
            f"{n} {'person' if n == 1 else 'people'}: too few for an interval that holds; "
            f"one is given from {MIN_INTERVAL_N} people",
        )
    if not high > low:
        raise ValueError(f"the scale's bounds {low}..{high} are not an interval")
    if values[0] < low or values[-1] > high:
        raise ValueError(f"values lie outside the scale's bounds {low}..{high}")
    x = (values - low) / (high - low)
    orders = np.random.default_rng(20240101).permuted(
        np.tile(np.arange(n), (_ORDERINGS, 1)), axis=1
    )
    grid = np.linspace(0, 1, _GRID)[1:-1]
    chunk = max(1, _CELLS // (_ORDERINGS * n))
    capital = np.concatenate(
        [
            _log_capital(x[orders], grid[start : start + chunk], 1 - level)
            for start in range(0, grid.size, chunk)
        ]
    )
    kept = grid[capital < math.log(1 / (1 - level))]
    if kept.size == 0:  # cannot happen at the sample mean; guard against rounding
        centre = float(x.mean())
        kept = np.array([centre])
    step = grid[1] - grid[0]
    lo = max(0.0, float(kept.min()) - step)
    hi = min(1.0, float(kept.max()) + step)
    return Interval(low + lo * (high - low), low + hi * (high - low))


def standardised_effect(changes: np.ndarray) -> tuple[float, str]:
    """Return d_z (mean change over the spread of the changes) or NaN with the reason."""
    n = len(changes)
    if n < MIN_EFFECT_N:
        return math.nan, f"no standardised effect below {MIN_EFFECT_N} people"
    spread = float(np.std(changes, ddof=1))
    if not spread > 1e-12:
        return math.nan, "no standardised effect: everyone changed by the same amount"
    return float(np.mean(changes)) / spread, ""


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def sign_test(changes: np.ndarray) -> tuple[float, str]:
    """Return the two-sided exact sign test's p for "as many rise as fall", and what it says.

    It assumes nothing about the spread of the changes, only that people answered
    independently; ties (no change) are left out. With n changes it has 2**n patterns, so
    below 6 changes no outcome reaches p < 0.05, and the sentence says so.
    """
    rose, fell = int(np.sum(changes > 0)), int(np.sum(changes < 0))
    moved = rose + fell
    if moved == 0:
        return math.nan, ""
    p = float(binomtest(max(rose, fell), moved, 0.5).pvalue)
    smallest = min(1.0, 2 * 0.5**moved)
    if smallest >= 1 - LEVEL:
        return p, (
            f"a sign test of {moved} change{'s' if moved > 1 else ''} has {2**moved} patterns "
            f"and cannot reach 95%"
        )
    if p < 1 - LEVEL:
        way = "rose" if rose > fell else "fell"
        return p, f"more {way} than chance would give (sign test p = {p:.3f})"
    return p, f"no clear direction (sign test p = {p:.2f})"


def describe_change(changes: np.ndarray, interval: Interval, unit: str) -> str:
    """One plain sentence on what happened: who moved which way, and what can be said of it."""
    n = len(changes)
    if n == 0:
        return "nobody answered in both waves"
    rose = int(np.sum(changes > 0))
    fell = int(np.sum(changes < 0))
    moves = []
    for count, word in ((rose, "rose"), (fell, "fell"), (n - rose - fell, "did not change")):
        if count == n:
            moves.append(f"{'both' if n == 2 else f'all {n}' if n > 1 else 'the one'} {word}")
        elif count:
            moves.append(f"{count} {word}")
    head = f"{_people(n)}; "
    direction = "".join(f"; {said}" for said in [sign_test(changes)[1]] if said)
    if not interval.given:
        return head + "too few to estimate an effect; " + ", ".join(moves) + direction
    return (
        head
        + ", ".join(moves)
        + f"{direction}; mean change {float(np.mean(changes)):+.2f} {unit}, "
        + f"95% interval {interval.low:+.2f} to {interval.high:+.2f}"
    )
