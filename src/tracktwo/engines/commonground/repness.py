"""Pol.is's representative statements: what sets each opinion group apart, with two z-tests.

Follows ``math/src/polismath/math/repness.clj`` and ``stats.clj`` of compdemocracy/polis.
For a group g and a statement, with ``na``/``nd`` agrees/disagrees and ``ns`` voters who saw
it inside g, and the same counts summed over the other groups:

* ``pa = (na + 1) / (ns + 2)`` (and ``pd``), a Beta(1, 1)-smoothed agree probability;
* ``pat = prop_test(na, ns)``: is the group's agree share above one half?
* ``ra = pa / ((na_rest + 1) / (ns_rest + 2))``: how much likelier the group agrees;
* ``rat = two_prop_test(na, na_rest, ns, ns_rest)``: is that difference significant?

A statement is representative when both tests pass at 90 % (z > 1.2816) for agree, or both
for disagree. Each group keeps its five best by ``repness * repness_test * p * p_test``,
led by its best agreed statement, agrees before disagrees; a group with none gets its best
candidate anyway, as Pol.is's ``select-rep-comments`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]
Z_90 = 1.2816
MAX_PER_GROUP = 5


def prop_test(successes: FloatArray, trials: FloatArray) -> FloatArray:
    """Return Pol.is's one-proportion z statistic against 1/2, with +1 pseudo-counts."""
    s, n = successes + 1.0, trials + 1.0
    return np.asarray(2.0 * np.sqrt(n) * (s / n - 0.5), dtype=np.float64)


def two_prop_test(
    succ_in: FloatArray, succ_out: FloatArray, pop_in: FloatArray, pop_out: FloatArray
) -> FloatArray:
    """Return Pol.is's two-proportion z statistic (in-group above out-group), +1 pseudo-counts.

    Pol.is returns 0 when the pooled share is exactly 1; so does this.
    """
    s1, s2, n1, n2 = succ_in + 1.0, succ_out + 1.0, pop_in + 1.0, pop_out + 1.0
    p1, p2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    variance = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / np.sqrt(variance)
    return np.asarray(np.where(pooled == 1.0, 0.0, z), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class GroupVoteCounts:
    """Agree, disagree and seen counts per group and statement, each shape (k, n_statements)."""

    agree: FloatArray
    disagree: FloatArray
    seen: FloatArray


def count_group_votes(
    values: Any, seen: Any, groups: npt.NDArray[np.int64], k: int
) -> GroupVoteCounts:
    """Count votes per group from (n_voters, n_statements) ``values``/``seen`` (CSR or dense).

    Voters with group -1 are left out.
    """
    members = np.flatnonzero(groups >= 0)
    membership = sp.csr_matrix(
        (np.ones(len(members)), (groups[members], members)), shape=(k, len(groups))
    )

    def per_group(matrix: Any) -> FloatArray:
        product = membership @ matrix
        return np.asarray(product.todense() if sp.issparse(product) else product)

    return GroupVoteCounts(
        agree=per_group((values > 0).astype(np.float64)),
        disagree=per_group((values < 0).astype(np.float64)),
        seen=per_group(seen),
    )


def representative_statements(
    counts: GroupVoteCounts, statement_ids: npt.NDArray[Any], live: npt.NDArray[np.bool_]
) -> pd.DataFrame:
    """Return the representative statements of every group, one row each, in Pol.is's order.

    Columns: ``group``, ``rank``, ``statement``, ``repful`` ("agree"/"disagree"),
    ``n_success``, ``n_trials``, ``p_success``, ``p_test``, ``repness``, ``repness_test``,
    ``best_agree``. ``live`` (n_statements,) excludes moderated-out statements.
    """
    k = counts.agree.shape[0]
    na, nd, ns = counts.agree, counts.disagree, counts.seen
    rest_na, rest_nd, rest_ns = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa, pd_ = (na + 1.0) / (ns + 2.0), (nd + 1.0) / (ns + 2.0)
    pat, pdt = prop_test(na, ns), prop_test(nd, ns)
    ra = pa / ((rest_na + 1.0) / (rest_ns + 2.0))
    rd = pd_ / ((rest_nd + 1.0) / (rest_ns + 2.0))
    rat = two_prop_test(na, rest_na, ns, rest_ns)
    rdt = two_prop_test(nd, rest_nd, ns, rest_ns)
    rows: list[dict[str, Any]] = []
    for g in range(k):
        stats = {
            "na": na[g], "nd": nd[g], "ns": ns[g], "pa": pa[g], "pd": pd_[g], "pat": pat[g],
            "pdt": pdt[g], "ra": ra[g], "rd": rd[g], "rat": rat[g], "rdt": rdt[g],
        }  # fmt: skip
        chosen = _select_for_group(stats, live)
        for rank, (column, best_agree) in enumerate(chosen):
            rows.append(_finalize(g, rank, column, stats, statement_ids, best_agree))
    columns = [
        "group", "rank", "statement", "repful", "n_success", "n_trials", "p_success",
        "p_test", "repness", "repness_test", "best_agree",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _finalize(
    group: int,
    rank: int,
    j: int,
    s: dict[str, FloatArray],
    statement_ids: npt.NDArray[Any],
    best_agree: bool,
) -> dict[str, Any]:
    agree = bool(s["rat"][j] > s["rdt"][j])
    key = ("na", "pa", "pat", "ra", "rat") if agree else ("nd", "pd", "pdt", "rd", "rdt")
    return {
        "group": group,
        "rank": rank,
        "statement": statement_ids[j],
        "repful": "agree" if agree else "disagree",
        "n_success": int(s[key[0]][j]),
        "n_trials": int(s["ns"][j]),
        "p_success": float(s[key[1]][j]),
        "p_test": float(s[key[2]][j]),
        "repness": float(s[key[3]][j]),
        "repness_test": float(s[key[4]][j]),
        "best_agree": best_agree,
    }


def _metric(s: dict[str, FloatArray], j: int) -> float:
    """Return Pol.is's ``repness-metric`` for the side (agree/disagree) the statement stands for."""
    if s["rat"][j] > s["rdt"][j]:
        return float(s["ra"][j] * s["rat"][j] * s["pa"][j] * s["pat"][j])
    return float(s["rd"][j] * s["rdt"][j] * s["pd"][j] * s["pdt"][j])


def _beats_best_agree(s: dict[str, FloatArray], j: int, best: int | None) -> bool:
    """Pol.is's ``beats-best-agr?``: the most agreed statement, representative if possible."""
    if s["na"][j] == 0 and s["nd"][j] == 0:
        return False
    if best is not None and s["ra"][best] > 1.0:
        here = s["ra"][j] * s["rat"][j] * s["pa"][j] * s["pat"][j]
        there = s["ra"][best] * s["rat"][best] * s["pa"][best] * s["pat"][best]
        return bool(here > there)
    if best is not None:
        return bool(s["pa"][j] * s["pat"][j] > s["pa"][best] * s["pat"][best])
    return bool(s["pat"][j] > Z_90 or (s["ra"][j] > 1.0 and s["pa"][j] > 0.5))


def _select_for_group(
    s: dict[str, FloatArray], live: npt.NDArray[np.bool_]
) -> list[tuple[int, bool]]:
    """Return (column, is_best_agree) pairs in Pol.is's final order for one group."""
    sufficient: list[int] = []
    best: int | None = None
    best_test = -np.inf
    best_agree: int | None = None
    for j in np.flatnonzero(live):
        passes = (s["rat"][j] > Z_90 and s["pat"][j] > Z_90) or (
            s["rdt"][j] > Z_90 and s["pdt"][j] > Z_90
        )
        if passes:
            sufficient.append(int(j))
        test = max(s["rat"][j], s["rdt"][j])
        if not sufficient and (best is None or test > best_test):
            best, best_test = int(j), float(test)
        if _beats_best_agree(s, int(j), best_agree):
            best_agree = int(j)
    if not sufficient:
        if best_agree is not None:
            return [(best_agree, True)]
        return [] if best is None else [(best, False)]
    ranked = sorted((j for j in sufficient if j != best_agree), key=lambda j: -_metric(s, j))
    head: list[tuple[int, bool]] = [] if best_agree is None else [(best_agree, True)]
    chosen = (head + [(j, False) for j in ranked])[:MAX_PER_GROUP]
    agrees = [c for c in chosen if s["rat"][c[0]] > s["rdt"][c[0]]]
    disagrees = [c for c in chosen if c not in agrees]
    return agrees + disagrees
