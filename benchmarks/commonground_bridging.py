"""Time the bridging fit (closed-form ALS) against gradient descent as Community Notes fits it.

Baseline, written here and run in the same process on the same ratings: full-batch Adam on
the very same loss (mean squared error plus Community Notes' penalties), from the same
starting point, stopped as Community Notes stops (loss change below 1e-7) or after
``MAX_EPOCHS``. Community Notes runs Adam in PyTorch; this numpy version does the same
arithmetic per epoch.

Two rating sets: vTaiwan's UberX conversation (real, ~50,000 votes) when ../shared is
there, and a synthetic round with planted groups (200,000 votes). Prints a table, then one
line of JSON with the medians, the time ratio baseline/ALS, the Spearman correlation of the
statement intercepts, the final losses and the peak memory traced by Python.
"""

from __future__ import annotations

import json
import statistics
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from scipy.stats import spearmanr

from tracktwo.engines.commonground.bridging import (
    BridgingModel,
    BridgingParameters,
    fit_bridging,
    objective,
    ratings_from_votes,
)
from tracktwo.engines.commonground.synthetic import planted_round
from tracktwo.io.polis import read_export

REPEATS = 3
MAX_EPOCHS = 3_000
LEARNING_RATE = 0.05
CONVERGENCE = 1e-7
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polis"

FloatArray = npt.NDArray[np.float64]
T = TypeVar("T")
IntArray = npt.NDArray[np.int64]


def adam_baseline(
    rows: IntArray,
    cols: IntArray,
    ratings: FloatArray,
    shape: tuple[int, int],
    params: BridgingParameters,
    seed: int = 0,
) -> tuple[BridgingModel, int]:
    """Fit the Community Notes model by full-batch Adam on its own loss; return (model, epochs)."""
    n_voters, n_statements = shape
    n = len(ratings)
    rng = np.random.default_rng(seed)
    theta = {
        "mu": np.array([ratings.mean()]),
        "b": np.zeros(n_voters),
        "f": rng.normal(0.0, params.init_scale, n_voters),
        "c": np.zeros(n_statements),
        "g": rng.normal(0.0, params.init_scale, n_statements),
    }
    first = {k: np.zeros_like(v) for k, v in theta.items()}
    second = {k: np.zeros_like(v) for k, v in theta.items()}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    previous = np.inf
    epoch = 0
    for epoch in range(1, MAX_EPOCHS + 1):
        mu, b, f, c, g = theta["mu"][0], theta["b"], theta["f"], theta["c"], theta["g"]
        error = mu + b[rows] + c[cols] + f[rows] * g[cols] - ratings
        loss = float(
            np.mean(error**2)
            + params.factor_lambda * (np.mean(f**2) + np.mean(g**2))
            + params.intercept_lambda * (np.mean(b**2) + np.mean(c**2))
            + params.global_lambda * mu**2
        )
        if abs(previous - loss) < CONVERGENCE:
            break
        previous = loss
        scaled = 2.0 * error / n
        grads = {
            "mu": np.array([scaled.sum() + 2.0 * params.global_lambda * mu]),
            "b": np.bincount(rows, scaled, n_voters) + 2.0 * params.intercept_lambda * b / n_voters,
            "f": np.bincount(rows, scaled * g[cols], n_voters)
            + 2.0 * params.factor_lambda * f / n_voters,
            "c": np.bincount(cols, scaled, n_statements)
            + 2.0 * params.intercept_lambda * c / n_statements,
            "g": np.bincount(cols, scaled * f[rows], n_statements)
            + 2.0 * params.factor_lambda * g / n_statements,
        }
        for key, grad in grads.items():
            first[key] = beta1 * first[key] + (1 - beta1) * grad
            second[key] = beta2 * second[key] + (1 - beta2) * grad * grad
            step = first[key] / (1 - beta1**epoch)
            scale = np.sqrt(second[key] / (1 - beta2**epoch)) + eps
            theta[key] = theta[key] - LEARNING_RATE * step / scale
    model = BridgingModel(
        float(theta["mu"][0]), theta["b"], theta["f"], theta["c"], theta["g"], 0.0, epoch
    )
    return model, epoch


def rating_sets() -> dict[str, tuple[IntArray, IntArray, FloatArray, tuple[int, int]]]:
    """Return the rating sets to time: the real conversation if present, and a synthetic one."""
    sets = {}
    folder = SHARED / "vtaiwan.uberx"
    if folder.is_dir():
        votes = read_export(folder).votes
        sets["vtaiwan.uberx"] = (*ratings_from_votes(votes), votes.shape)
    planted = planted_round(20_000, 1_000, 10, n_groups=2, popularity=0.8, seed=7).votes
    sets["synthetic-200k"] = (*ratings_from_votes(planted), planted.shape)
    return sets


def timed(function: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Return (median seconds, last result) of calling ``function`` ``repeats`` times."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    """Run both fits on every rating set and print the table and one JSON line."""
    params = BridgingParameters()
    report: dict[str, object] = {"benchmark": "commonground_bridging", "baseline": "adam"}
    tracemalloc.start()
    for name, (rows, cols, ratings, shape) in rating_sets().items():
        als_time, als = timed(partial(fit_bridging, rows, cols, ratings, shape, params), REPEATS)
        gd_time, (gd, epochs) = timed(partial(adam_baseline, rows, cols, ratings, shape, params), 1)
        rho = float(spearmanr(als.statement_intercepts, gd.statement_intercepts)[0])
        als_loss = objective(rows, cols, ratings, als, params)
        gd_loss = objective(rows, cols, ratings, gd, params)
        print(
            f"{name}: {len(ratings)} ratings; ALS {als_time:.3f} s ({als.sweeps} sweeps, "
            f"loss {als_loss:.6f}); Adam {gd_time:.3f} s ({epochs} epochs, loss {gd_loss:.6f}); "
            f"ratio {gd_time / als_time:.1f}x; Spearman {rho:.4f}"
        )
        report[name] = {
            "ratings": len(ratings),
            "als_median_s": round(als_time, 4),
            "adam_s": round(gd_time, 4),
            "time_ratio_adam_over_als": round(gd_time / als_time, 2),
            "spearman_intercepts": round(rho, 5),
            "als_loss": round(als_loss, 7),
            "adam_loss": round(gd_loss, 7),
            "als_sweeps": als.sweeps,
            "adam_epochs": epochs,
        }
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report["peak_traced_mb"] = round(peak / 1e6, 1)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
