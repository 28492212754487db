"""Consensus across the known communities of a conflict: support per community, with intervals.

Pol.is finds opinion groups from the votes alone; a feedback round also knows which
community each respondent belongs to. For each statement and community, support is the
share of agrees among the community's voters who saw it, with a Wilson score interval
(Wilson 1927), which stays inside [0, 1] and behaves with few votes. A statement is common
ground only when every community supports it, so the cross-community score is the smallest
lower bound over communities: high only when each community's support is both high and
well measured. The gap between the most and least supportive communities says how much a
statement divides them.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CommunityParameters:
    """``confidence`` of the Wilson interval; ``min_seen`` votes below which a community's
    support on a statement counts as unknown (lower bound 0)."""

    confidence: float = 0.95
    min_seen: int = 1


def wilson_interval(
    successes: FloatArray, trials: FloatArray, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Return the Wilson score interval (low, high) of a binomial share; (0, 1) with no trials."""
    z = NormalDist().inv_cdf(0.5 + confidence / 2.0)
    n = np.asarray(trials, dtype=np.float64)
    safe = np.maximum(n, 1.0)
    share = np.asarray(successes, dtype=np.float64) / safe
    denominator = 1.0 + z * z / safe
    centre = (share + z * z / (2.0 * safe)) / denominator
    half = z * np.sqrt(share * (1.0 - share) / safe + z * z / (4.0 * safe * safe)) / denominator
    low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
    high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), 1.0)
    return low, high


def community_support(
    values: Any,
    seen: Any,
    communities: npt.NDArray[Any],
    statement_ids: npt.NDArray[Any],
    live: npt.NDArray[np.bool_],
    params: CommunityParameters | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (support per statement and community, cross-community ranking).

    ``values``/``seen`` are (n_voters, n_statements), CSR or dense; ``communities`` gives
    each voter's community (None/NaN: unknown, left out). The first frame has columns
    ``statement``, ``community``, ``n_agree``, ``n_seen``, ``support``, ``low``, ``high``;
    the second one row per statement: ``statement``, ``cross_community`` (min of ``low``),
    ``weakest_community``, ``support_gap`` (max - min support), sorted best first.
    """
    params = params or CommunityParameters()
    labels = pd.Series(communities, dtype=object)
    known = labels.notna().to_numpy()
    codes, uniques = pd.factorize(labels[known].astype(str), sort=True)
    names = [str(u) for u in uniques]
    voters = np.flatnonzero(known)
    membership = sp.csr_matrix(
        (np.ones(len(voters)), (codes, voters)), shape=(len(names), len(labels))
    )

    def per_community(matrix: Any) -> FloatArray:
        product = membership @ matrix
        return np.asarray(product.todense() if sp.issparse(product) else product)

    agree = per_community((values > 0).astype(np.float64))
    n_seen = per_community(seen)
    low, high = wilson_interval(agree, n_seen, params.confidence)
    enough = n_seen >= params.min_seen
    low = np.where(enough, low, 0.0)
    support = np.divide(agree, n_seen, out=np.full_like(agree, np.nan), where=n_seen > 0)
    columns = np.flatnonzero(live)
    long = pd.DataFrame(
        {
            "statement": np.tile(statement_ids[columns], len(names)),
            "community": np.repeat(names, len(columns)),
            "n_agree": agree[:, columns].ravel().astype(np.int64),
            "n_seen": n_seen[:, columns].ravel().astype(np.int64),
            "support": support[:, columns].ravel(),
            "low": low[:, columns].ravel(),
            "high": high[:, columns].ravel(),
        }
    )
    if not names:
        ranking = pd.DataFrame(
            {"statement": statement_ids[columns], "cross_community": 0.0,
             "weakest_community": "", "support_gap": np.nan}
        )  # fmt: skip
        return long, ranking
    weakest = np.argmin(low[:, columns], axis=0)
    filled = np.where(np.isnan(support), 0.0, support)[:, columns]
    ranking = pd.DataFrame(
        {
            "statement": statement_ids[columns],
            "cross_community": low[:, columns].min(axis=0),
            "weakest_community": np.asarray(names, dtype=object)[weakest],
            "support_gap": filled.max(axis=0) - filled.min(axis=0),
        }
    )
    ranking = ranking.sort_values(
        ["cross_community", "support_gap"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    return long, ranking
