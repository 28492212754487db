"""When negotiation starts across runs: the share of runs that start and the day they do.

A planner asks two things of an ensemble: in how many runs does formal negotiation start
within the horizon, and when. The share started carries Wilson's (1927) 95% score interval
(sound near 0 and 1, where the normal interval is not); the median day among the runs that
started carries the distribution-free interval of a median from the order statistics
(the binomial ranks around n/2), and the middle 95% of those runs' days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import binom

Z95 = 1.959963984540054

TIMING_FIELDS = (
    "negotiation_share",
    "negotiation_share_low",
    "negotiation_share_high",
    "negotiation_median_day",
    "negotiation_median_low",
    "negotiation_median_high",
    "negotiation_day_band_low",
    "negotiation_day_band_high",
    "runs",
    "runs_started",
)
"""Keys of :func:`negotiation_timing`; ``*_low``/``*_high`` are 95% intervals."""


def wilson_interval(successes: int | NDArray[np.int64], trials: int) -> tuple[float, float]:
    """Return Wilson's 95% score interval of ``successes / trials`` (0..1)."""
    if trials <= 0:
        return math.nan, math.nan
    share = float(successes) / trials
    z2 = Z95 * Z95
    centre = (share + z2 / (2 * trials)) / (1 + z2 / trials)
    half = Z95 * math.sqrt(share * (1 - share) / trials + z2 / (4 * trials * trials))
    half /= 1 + z2 / trials
    return max(0.0, centre - half), min(1.0, centre + half)


def median_interval(values: NDArray[np.float64]) -> tuple[float, float]:
    """Return a distribution-free 95% interval of the median of ``values`` (order statistics).

    Ranks ``j`` and ``n + 1 - j`` with ``j`` the largest rank for which
    ``P(Binomial(n, 1/2) < j) <= 0.025``; with fewer than 6 values no rank qualifies and
    the interval is the range.
    """
    ordered = np.sort(values)
    n = ordered.size
    if n == 0:
        return math.nan, math.nan
    j = int(binom.ppf(0.025, n, 0.5))
    if j < 1:
        return float(ordered[0]), float(ordered[-1])
    return float(ordered[j - 1]), float(ordered[n - j])


def negotiation_timing(steps: Sequence[float] | pd.Series) -> dict[str, float]:
    """Return :data:`TIMING_FIELDS` of the runs' negotiation days (NaN: never started)."""
    days = np.asarray(steps, dtype=np.float64)
    started = days[~np.isnan(days)]
    runs, count = int(days.size), int(started.size)
    share_low, share_high = wilson_interval(count, runs)
    median_low, median_high = median_interval(started)
    empty = started.size == 0
    return {
        "negotiation_share": count / runs if runs else math.nan,
        "negotiation_share_low": share_low,
        "negotiation_share_high": share_high,
        "negotiation_median_day": math.nan if empty else float(np.median(started)),
        "negotiation_median_low": median_low,
        "negotiation_median_high": median_high,
        "negotiation_day_band_low": math.nan if empty else float(np.quantile(started, 0.025)),
        "negotiation_day_band_high": math.nan if empty else float(np.quantile(started, 0.975)),
        "runs": float(runs),
        "runs_started": float(count),
    }


def started_by_day(societies: pd.DataFrame) -> pd.DataFrame:
    """Return, per step, the share of runs in which negotiation has started by that day.

    ``societies`` is an ensemble's per-run societies frame (``step``, ``society``, ``run``,
    ``negotiating``). Columns: ``step``, ``share``, ``low``, ``high`` (Wilson 95%), ``runs``.
    A run counts from the first day it negotiated on, whether or not talks later broke down,
    so the share never falls.
    """
    negotiating = societies.groupby(["run", "step"], sort=True)["negotiating"].max().unstack("step")
    ever = negotiating.astype(bool).cummax(axis=1)
    runs = int(ever.shape[0])
    counts = ever.sum(axis=0).to_numpy(dtype=np.int64)
    intervals = [wilson_interval(int(c), runs) for c in counts]
    return pd.DataFrame(
        {
            "step": ever.columns.to_numpy(dtype=np.int64),
            "share": counts / runs,
            "low": [i[0] for i in intervals],
            "high": [i[1] for i in intervals],
            "runs": runs,
        }
    )
