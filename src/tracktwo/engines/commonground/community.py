"""Consensus across the known communities of a conflict: support per community, with intervals.

Pol.is finds opinion groups from the votes alone; a feedback round also knows which
community each respondent belongs to. For each statement and community, support is the
share of agrees among all the votes the community cast on it (passes included), with a
Wilson score interval (Wilson 1927), which stays inside [0, 1] and behaves with few votes.

The rule that the pages, the command line and the JSON all state (``RULE_ID``):

* *supported by both communities*: in every community, the lower end of the interval of
  the agreement share is at least ``support_threshold`` (default one half);
* *divides them*: the interval of the difference between the most and the least
  supportive community excludes 0 (Newcombe's hybrid score interval, method 10 of
  Newcombe 1998, built from the two Wilson intervals) and the difference is at least
  ``divide_gap`` (default 20 points);
* *not enough votes yet*: fewer than two communities voted on it, or some community cast
  fewer votes on it than unanimous agreement would need to clear the threshold
  (``n / (n + z^2) >= threshold``: 4 votes at one half and 95%). Below that count no
  outcome of the votes could show the statement as supported by that community.

The two tests are separate: a statement every community supports can still divide them
(95% against 70%), and is then in both lists.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from tracktwo.domain.rules import SUPPRESS_BELOW
from tracktwo.errors import ValidationError

FloatArray = npt.NDArray[np.float64]
RULE_ID = "community-verdict/2"


@dataclass(frozen=True)
class CommunityParameters:
    """``confidence`` of every interval; ``support_threshold`` that the lower end of each
    community's agreement share must reach; ``divide_gap`` the smallest difference in
    agreement between communities that counts as dividing them (both shares in [0, 1])."""

    confidence: float = 0.95
    support_threshold: float = 0.5
    divide_gap: float = 0.2

    def __post_init__(self) -> None:
        for name, value, low_open in (
            ("confidence", self.confidence, True),
            ("support_threshold", self.support_threshold, True),
            ("divide_gap", self.divide_gap, False),
        ):
            if not isinstance(value, int | float) or not (
                (0.0 < value < 1.0) if low_open else (0.0 <= value < 1.0)
            ):
                bounds = "between 0 and 1 (both excluded)" if low_open else "from 0 to below 1"
                raise ValidationError(f"{name} is {value!r}; give a share {bounds}")

    @property
    def z(self) -> float:
        """Return the normal quantile of the two-sided ``confidence``."""
        return NormalDist().inv_cdf(0.5 + self.confidence / 2.0)

    @property
    def min_votes(self) -> int:
        """Return the fewest votes with which unanimous agreement clears the threshold."""
        t = self.support_threshold
        return max(1, math.ceil(t * self.z**2 / (1.0 - t) - 1e-9))

    def describe(self) -> str:
        """Return the rule in one sentence, as the pages and the command line state it."""
        return (
            f"Supported by both communities: in each community the lower end of the "
            f"{self.confidence:.0%} interval of its agreement share (agree votes over all "
            f"votes cast on it, passes included) is at least {self.support_threshold:.0%}. "
            f"Divides them: the {self.confidence:.0%} interval of the difference between "
            f"communities excludes 0 and the difference is at least {self.divide_gap * 100:.0f} "
            "percentage points. "
            f"Not enough votes yet: a community has cast fewer than {self.min_votes} votes "
            "on it."
        )


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
    the second one row per statement: ``statement``, ``cross_community`` (smallest lower
    bound over communities, 0 for a community with too few votes), ``weakest_community``,
    ``support_gap`` (most minus least supportive community) with its interval ``gap_low``
    to ``gap_high``, ``fewest_votes``, and the rule's verdicts ``enough_votes``,
    ``both_support`` and ``divides`` (the module docstring); sorted best first.
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
    ranking = _verdicts(
        statement_ids[columns],
        names,
        n_seen[:, columns],
        support[:, columns],
        low[:, columns],
        high[:, columns],
        params,
    )
    ranking = ranking.sort_values(
        ["cross_community", "support_gap"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    return long, ranking


def _verdicts(
    statements: npt.NDArray[Any],
    names: list[str],
    n_seen: FloatArray,
    support: FloatArray,
    low: FloatArray,
    high: FloatArray,
    params: CommunityParameters,
) -> pd.DataFrame:
    """Apply the rule of the module docstring to each statement; arrays are (community,
    statement)."""
    n_statements = len(statements)
    if len(names) == 0:
        fewest = np.zeros(n_statements, dtype=np.int64)
    else:
        fewest = n_seen.min(axis=0).astype(np.int64)
    enough = (fewest >= params.min_votes) & (len(names) >= 2)
    if len(names) == 0:
        empty = np.full(n_statements, np.nan)
        return pd.DataFrame(
            {
                "statement": statements,
                "cross_community": 0.0,
                "weakest_community": "",
                "support_gap": empty,
                "gap_low": empty,
                "gap_high": empty,
                "fewest_votes": fewest,
                "enough_votes": enough,
                "both_support": False,
                "divides": False,
            }
        )
    bounded = np.where(n_seen >= params.min_votes, low, 0.0)
    weakest = np.argmin(bounded, axis=0)
    cross = bounded.min(axis=0)
    filled = np.where(np.isnan(support), -1.0, support)
    most = np.argmax(filled, axis=0)
    least = np.argmin(np.where(np.isnan(support), 2.0, support), axis=0)
    take = np.arange(n_statements)
    p_hi, p_lo = support[most, take], support[least, take]
    gap = p_hi - p_lo
    # Newcombe (1998), method 10: the difference's interval from the two Wilson intervals.
    gap_low = gap - np.sqrt((p_hi - low[most, take]) ** 2 + (high[least, take] - p_lo) ** 2)
    gap_high = gap + np.sqrt((high[most, take] - p_hi) ** 2 + (p_lo - low[least, take]) ** 2)
    valid = enough & ~np.isnan(gap)
    return pd.DataFrame(
        {
            "statement": statements,
            "cross_community": cross,
            "weakest_community": np.asarray(names, dtype=object)[weakest],
            "support_gap": np.where(valid, gap, np.nan),
            "gap_low": np.where(valid, gap_low, np.nan),
            "gap_high": np.where(valid, gap_high, np.nan),
            "fewest_votes": fewest,
            "enough_votes": enough,
            "both_support": enough & (cross >= params.support_threshold),
            "divides": valid & (gap_low > 0.0) & (gap >= params.divide_gap - 1e-12),
        }
    )


def verdict_lists(
    ranking: pd.DataFrame, support: pd.DataFrame, params: CommunityParameters
) -> dict[str, Any]:
    """Return the rule and its three lists, each statement with its figures per community.

    ``ranking`` and ``support`` are the two frames of :func:`community_support`. Each list
    holds dicts: ``statement``, ``communities`` ({name: n_votes, n_agree, share, low,
    high}, with ``suppressed: True`` where a community cast fewer than ``SUPPRESS_BELOW``
    votes on the statement: it shows only its count, the rest None), ``cross_community``,
    ``support_gap``, ``gap_low``, ``gap_high``. "Both support" is ordered by the weakest
    community's lower bound, "divides" by the lower end of the difference, "not enough
    votes" by the fewest votes a community cast.
    """

    def number(value: Any) -> float | None:
        return None if value is None or math.isnan(float(value)) else float(value)

    per: dict[Any, dict[str, dict[str, Any]]] = {}
    for record in support.to_dict("records"):
        seen = int(record["n_seen"])
        shown = seen >= SUPPRESS_BELOW
        figures: dict[str, Any] = {
            "n_votes": seen,
            "n_agree": int(record["n_agree"]) if shown else None,
            "share": number(record["support"]) if shown else None,
            "low": number(record["low"]) if shown else None,
            "high": number(record["high"]) if shown else None,
        }
        if 0 < seen < SUPPRESS_BELOW:
            figures["suppressed"] = True
        per.setdefault(record["statement"], {})[str(record["community"])] = figures

    def entry(row: Any) -> dict[str, Any]:
        return {
            "statement": row.statement.item() if hasattr(row.statement, "item") else row.statement,
            "communities": per.get(row.statement, {}),
            "cross_community": number(row.cross_community),
            "support_gap": number(row.support_gap),
            "gap_low": number(row.gap_low),
            "gap_high": number(row.gap_high),
            "fewest_votes": int(row.fewest_votes),
        }

    both = ranking[ranking["both_support"]].sort_values(
        "cross_community", ascending=False, kind="stable"
    )
    divides = ranking[ranking["divides"]].sort_values("gap_low", ascending=False, kind="stable")
    waiting = ranking[~ranking["enough_votes"]].sort_values("fewest_votes", kind="stable")
    return {
        "rule": RULE_ID,
        "statement_of_rule": params.describe(),
        "confidence": params.confidence,
        "support_threshold": params.support_threshold,
        "divide_gap": params.divide_gap,
        "min_votes": params.min_votes,
        "both_support": [entry(r) for r in both.itertuples(index=False)],
        "divides": [entry(r) for r in divides.itertuples(index=False)],
        "not_enough_votes": [entry(r) for r in waiting.itertuples(index=False)],
    }


CARRY_ACTIONS = {"both_support": "strengthen", "divides": "modify", "not_enough_votes": None}


def next_workshop(
    lists: Mapping[str, Any], statements: Iterable[Any]
) -> dict[Any, tuple[str, str | None]]:
    """Return, per statement, its verdict and what the next workshop should do with it (the
    seed's "strengthen, expand, or modify"): what both communities support is strengthened,
    what divides them (and is not supported by both) is modified, the rest with enough votes
    is expanded; a statement with not enough votes yet gets no action."""
    verdict = {item["statement"]: "both_support" for item in lists["both_support"]}
    for item in lists["divides"]:
        verdict.setdefault(item["statement"], "divides")
    for item in lists["not_enough_votes"]:
        verdict[item["statement"]] = "not_enough_votes"
    return {
        statement: (
            verdict.get(statement, "neither"),
            CARRY_ACTIONS.get(verdict.get(statement, ""), "expand"),
        )
        for statement in statements
    }
