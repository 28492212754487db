"""Bridging by matrix factorisation, the model of X's Community Notes, fitted by closed-form ALS.

Community Notes (``scoring/src/scoring/matrix_factorization/`` in twitter/communitynotes)
predicts each rating as ``mu + voter intercept + statement intercept + voter factor *
statement factor`` with a one-dimensional factor. The factor soaks up agreement explained
by which side a voter is on; what is left in a statement's intercept is support that comes
from every side, its bridging score. Its loss is the mean squared error plus
``0.03 * mean(factor^2)`` for voters and statements, ``0.15 * mean(intercept^2)`` (intercepts
regularised five times harder) and ``0.15 * mu^2``; Community Notes minimises it with Adam.

Here the same loss is minimised by alternating least squares: with the statements fixed,
each voter's (intercept, factor) pair has a closed-form 2x2 ridge solution, and vice versa;
every sum is a product with the sparse rating matrix, so one sweep costs O(votes). Votes
become ratings on Community Notes' helpfulness scale: agree 1, pass 0.5, disagree 0.
The sign of the factors is fixed as Community Notes fixes it: most voters positive.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from tracktwo.engines.commonground.votes import VoteMatrix

ENGINE_VERSION = "commonground/bridging-1.0"
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class BridgingParameters:
    """Community Notes' regularisation (its ``MatrixFactorization`` defaults) and stopping rule:
    a sweep stops the fit when no statement parameter moved more than ``tolerance``."""

    factor_lambda: float = 0.03
    intercept_lambda: float = 0.03 * 5
    global_lambda: float = 0.03 * 5
    max_sweeps: int = 500
    tolerance: float = 1e-4
    init_scale: float = 0.1


@dataclass(frozen=True, eq=False)
class BridgingModel:
    """A fitted model: ``mu``, voter ``voter_intercepts``/``voter_factors`` (n_voters,),
    ``statement_intercepts``/``statement_factors`` (n_statements,), the final ``loss`` (the
    Community Notes objective) and the number of ``sweeps``."""

    mu: float
    voter_intercepts: FloatArray
    voter_factors: FloatArray
    statement_intercepts: FloatArray
    statement_factors: FloatArray
    loss: float
    sweeps: int


def ratings_from_votes(
    votes: VoteMatrix,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray]:
    """Return (rows, cols, ratings) of the live statements, ratings on a 0..1 helpfulness scale."""
    live = ~votes.left_out[votes.cols]
    ratings = (votes.values[live].astype(np.float64) + 1.0) / 2.0
    return votes.rows[live], votes.cols[live], ratings


def objective(
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    ratings: FloatArray,
    model: BridgingModel,
    params: BridgingParameters,
) -> float:
    """Return Community Notes' regularised loss of ``model`` on the ratings."""
    predicted = (
        model.mu
        + model.voter_intercepts[rows]
        + model.statement_intercepts[cols]
        + model.voter_factors[rows] * model.statement_factors[cols]
    )
    return float(
        np.mean((ratings - predicted) ** 2)
        + params.factor_lambda * np.mean(model.voter_factors**2)
        + params.intercept_lambda * np.mean(model.voter_intercepts**2)
        + params.factor_lambda * np.mean(model.statement_factors**2)
        + params.intercept_lambda * np.mean(model.statement_intercepts**2)
        + params.global_lambda * model.mu**2
    )


def _solve_pairs(
    count: FloatArray,
    sum_other: FloatArray,
    sum_other_sq: FloatArray,
    sum_target: FloatArray,
    sum_target_other: FloatArray,
    ridge_intercept: float,
    ridge_factor: float,
) -> tuple[FloatArray, FloatArray]:
    """Solve every 2x2 ridge system for (intercept, factor) at once."""
    a = count + ridge_intercept
    b = sum_other
    d = sum_other_sq + ridge_factor
    determinant = a * d - b * b
    intercept = (d * sum_target - b * sum_target_other) / determinant
    factor = (a * sum_target_other - b * sum_target) / determinant
    return intercept, factor


def _rebalance(
    mu: float,
    b: FloatArray,
    f: FloatArray,
    c: FloatArray,
    g: FloatArray,
    voter_ridge: tuple[float, float],
    statement_ridge: tuple[float, float],
    mu_ridge: float,
) -> tuple[float, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Move along the directions that leave every prediction unchanged, to the cheapest penalty.

    Scaling voter factors by a and statement factors by 1/a, or shifting a constant between
    mu and the voter (or statement) intercepts, changes only the penalty, whose minimum
    along each direction is closed-form. ALS alone crawls along these directions.
    """
    f_norm, g_norm = float(f @ f), float(g @ g)
    if f_norm > 0.0 and g_norm > 0.0:
        scale = ((statement_ridge[1] * g_norm) / (voter_ridge[1] * f_norm)) ** 0.25
        f, g = f * scale, g / scale
    for intercepts, ridge in ((b, voter_ridge[0]), (c, statement_ridge[0])):
        shift = (ridge * intercepts.sum() - mu_ridge * mu) / (ridge * len(intercepts) + mu_ridge)
        intercepts -= shift
        mu += shift
    return mu, b, f, c, g


def fit_bridging(
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    ratings: FloatArray,
    shape: tuple[int, int],
    params: BridgingParameters | None = None,
    seed: int = 0,
) -> BridgingModel:
    """Fit the Community Notes model to ratings (one per (row, col)) by alternating least squares.

    ``shape`` is (n_voters, n_statements). Deterministic for a given ``seed``.
    """
    seen = sp.csr_matrix((np.ones(len(ratings)), (rows, cols)), shape=shape)
    rated = sp.csr_matrix((ratings, (rows, cols)), shape=shape)
    return _fit(seen, rated, (rows, cols, ratings), params or BridgingParameters(), seed)


def _fit(
    seen: sp.csr_matrix,
    rated: sp.csr_matrix,
    entries: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray],
    params: BridgingParameters,
    seed: int,
) -> BridgingModel:
    """Run the ALS sweeps on the (voters, statements) ``seen`` mask and ``rated`` ratings."""
    rows, cols, ratings = entries
    shape = seen.shape
    n_voters, n_statements = shape
    n = max(len(ratings), 1)
    rng = np.random.default_rng(seed)
    seen_t, rated_t = seen.T.tocsr(), rated.T.tocsr()
    voter_count = np.asarray(seen.sum(axis=1)).ravel()
    statement_count = np.asarray(seen.sum(axis=0)).ravel()
    # Community Notes averages each penalty over entities and the error over ratings
    voter_ridge = (
        params.intercept_lambda * n / max(n_voters, 1),
        params.factor_lambda * n / max(n_voters, 1),
    )
    statement_ridge = (
        params.intercept_lambda * n / max(n_statements, 1),
        params.factor_lambda * n / max(n_statements, 1),
    )
    mu = float(ratings.mean()) if len(ratings) else 0.0
    b = np.zeros(n_voters)
    f = rng.normal(0.0, params.init_scale, n_voters)
    c = np.zeros(n_statements)
    g = rng.normal(0.0, params.init_scale, n_statements)
    statement_totals = rated_t @ np.ones(n_voters)
    voter_totals = rated @ np.ones(n_statements)
    sweeps = 0
    while sweeps < params.max_sweeps:
        sweeps += 1
        previous = np.concatenate([c, g])
        # one sparse product per side: [f, f^2, b, b f] summed over each statement's voters
        sums = seen_t @ np.column_stack([f, f * f, b, b * f])
        target = statement_totals - mu * statement_count - sums[:, 2]
        target_f = rated_t @ f - mu * sums[:, 0] - sums[:, 3]
        c, g = _solve_pairs(
            statement_count, sums[:, 0], sums[:, 1], target, target_f, *statement_ridge
        )
        sums = seen @ np.column_stack([g, g * g, c, c * g])
        target = voter_totals - mu * voter_count - sums[:, 2]
        target_g = rated @ g - mu * sums[:, 0] - sums[:, 3]
        b, f = _solve_pairs(voter_count, sums[:, 0], sums[:, 1], target, target_g, *voter_ridge)
        residual_sum = ratings.sum() - voter_count @ b - statement_count @ c - f @ sums[:, 0]
        mu = float(residual_sum / (n * (1.0 + params.global_lambda)))
        mu, b, f, c, g = _rebalance(
            mu, b, f, c, g, voter_ridge, statement_ridge, n * params.global_lambda
        )
        change = float(np.abs(np.concatenate([c, g]) - previous).max()) if len(c) else 0.0
        if change < params.tolerance:
            break
    loss = objective(rows, cols, ratings, BridgingModel(mu, b, f, c, g, 0.0, sweeps), params)
    if (f > 0).sum() < (f < 0).sum():
        f, g = -f, -g
    return BridgingModel(mu, b, f, c, g, float(loss), sweeps)


def bridging_table(votes: VoteMatrix, model: BridgingModel) -> pd.DataFrame:
    """Return one row per live statement: ``statement``, ``bridging`` (intercept), ``polarity``
    (factor), ``n_votes``, sorted by bridging score, highest first."""
    live = ~votes.left_out
    n_votes = np.bincount(votes.cols, minlength=votes.shape[1])
    frame = pd.DataFrame(
        {
            "statement": votes.statement_ids,
            "bridging": model.statement_intercepts,
            "polarity": model.statement_factors,
            "n_votes": n_votes.astype(np.int64),
        }
    )[live]
    return frame.sort_values("bridging", ascending=False, kind="stable").reset_index(drop=True)


MIN_RATERS = 5
"""Community Notes scores a note only from 5 ratings (``minNumRatingsToGetScore``); a
statement rated by fewer is marked, its score not read as a finding."""
BAND_DRAWS = 30
BAND_LEVEL = 0.90


def bridging_band(
    votes: VoteMatrix,
    params: BridgingParameters | None = None,
    seed: int = 0,
    draws: int = BAND_DRAWS,
) -> pd.DataFrame:
    """Return each live statement's bridging band: the 5th and 95th percentiles of its score
    refitted on ``draws`` bootstrap resamples of the raters (seeded), with ``n_raters`` and
    ``too_few_raters`` (below :data:`MIN_RATERS`). A score is an estimate: two statements
    whose bands overlap are not ranked apart by the data."""
    rng = np.random.default_rng([seed, 104729])
    n = votes.shape[0]
    scores = np.full((draws, votes.shape[1]), np.nan)
    for draw in range(draws):
        picked = np.sort(rng.integers(0, n, n))
        resample = votes.take_voters(picked)
        rated = np.bincount(resample.cols, minlength=votes.shape[1]) > 0
        model, _ = bridging(resample, params, int(rng.integers(2**31)))
        scores[draw, rated] = model.statement_intercepts[rated]
    tail = (1 - BAND_LEVEL) / 2 * 100
    low = high = np.full(votes.shape[1], np.nan)
    if draws:
        with warnings.catch_warnings():  # a statement no resample rated has no band
            warnings.simplefilter("ignore", RuntimeWarning)
            low, high = np.nanpercentile(scores, [tail, 100 - tail], axis=0)
    raters = np.bincount(votes.cols, minlength=votes.shape[1])
    frame = pd.DataFrame(
        {
            "statement": votes.statement_ids,
            "bridging_low": low,
            "bridging_high": high,
            "n_raters": raters.astype(np.int64),
            "too_few_raters": raters < MIN_RATERS,
        }
    )
    return frame[~votes.left_out].reset_index(drop=True)


def bridging(
    votes: VoteMatrix, params: BridgingParameters | None = None, seed: int = 0
) -> tuple[BridgingModel, pd.DataFrame]:
    """Fit the model to a vote matrix and return it with its statement table."""
    entries = ratings_from_votes(votes)
    values, seen = votes.values_csr(), votes.seen_csr()
    if votes.left_out.any():
        keep = sp.diags((~votes.left_out).astype(np.float64))
        values, seen = (values @ keep).tocsr(), (seen @ keep).tocsr()
    rated = ((values + seen) * 0.5).tocsr()
    model = _fit(seen, rated, entries, params or BridgingParameters(), seed)
    return model, bridging_table(votes, model)
