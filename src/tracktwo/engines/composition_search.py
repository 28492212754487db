"""The search behind :func:`tracktwo.engines.composition.compose`.

Two searches share one contract: an exact mixed-integer program solved by HiGHS
(``scipy.optimize.milp``), and an enumeration of every selection used to check it on small
pools. Both answer the best selection under the rules, or None, and the smallest status gap
the other rules allow.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from tracktwo.errors import CompositionInfeasible

if TYPE_CHECKING:
    from tracktwo.engines.composition import CompositionCandidate, CompositionRules

    Pool = Mapping[str, Sequence[CompositionCandidate]]
    """Committed candidates per party, in the order of ``parties``."""
    Selection = dict[str, tuple[CompositionCandidate, ...]]

GAIN_TOLERANCE = 1e-9
"""Gains below this count as none (a constraint that costs nothing is not binding)."""
_GAP_TOLERANCE = 1e-9


def _ranked(
    candidates: Sequence[CompositionCandidate], weights: tuple[float, float, float]
) -> list[CompositionCandidate]:
    return sorted(candidates, key=lambda c: (-c.score(weights), c.id))


def _objective(selection: Selection, weights: tuple[float, float, float]) -> float:
    return sum(c.score(weights) for chosen in selection.values() for c in chosen)


def _status_gap(selection: Selection) -> float:
    means = [sum(c.status for c in chosen) / len(chosen) for chosen in selection.values()]
    return max(means) - min(means) if means else 0.0


def _meets_party_rules(chosen: Sequence[CompositionCandidate], rules: CompositionRules) -> bool:
    counts: dict[str, int] = {}
    for c in chosen:
        counts[c.role] = counts.get(c.role, 0) + 1
    if any(counts.get(role, 0) < n for role, n in rules.required_roles.items()):
        return False
    if len(counts) < rules.min_distinct_roles:
        return False
    return rules.max_per_role is None or max(counts.values()) <= rules.max_per_role


def _holds_pins(
    chosen: Sequence[CompositionCandidate],
    members: Sequence[CompositionCandidate],
    rules: CompositionRules,
) -> bool:
    """Say whether a party's selection holds every one of its pinned candidates."""
    wanted = {c.id for c in members if c.id in rules.pinned}
    return wanted <= {c.id for c in chosen}


def _solve_by_enumeration(pool: Pool, rules: CompositionRules) -> Selection | None:
    """Enumerate every selection; exponential, for checking on small pools only."""
    k = rules.per_party
    options = []
    for members in pool.values():
        feasible = [
            combo
            for combo in itertools.combinations(members, k)
            if _meets_party_rules(combo, rules) and _holds_pins(combo, members, rules)
        ]
        if not feasible:
            return None
        options.append(feasible)
    best: Selection | None = None
    best_value = -math.inf
    for choice in itertools.product(*options):
        selection = dict(zip(pool, choice, strict=True))
        gap = rules.max_status_gap
        if gap is not None and _status_gap(selection) > gap + _GAP_TOLERANCE:
            continue
        value = _objective(selection, rules.weights)
        if value > best_value + GAIN_TOLERANCE:
            best, best_value = selection, value
    return best


def _smallest_gap_by_enumeration(pool: Pool, rules: CompositionRules) -> float:
    k = rules.per_party
    options = [
        [
            combo
            for combo in itertools.combinations(members, k)
            if _meets_party_rules(combo, rules) and _holds_pins(combo, members, rules)
        ]
        for members in pool.values()
    ]
    gaps = [
        _status_gap(dict(zip(pool, choice, strict=True))) for choice in itertools.product(*options)
    ]
    return min(gaps, default=math.inf)


def _solve_milp(
    pool: Pool, rules: CompositionRules, *, minimise_gap: bool, budget: _Budget
) -> np.ndarray | None:
    """Solve the 0-1 programme exactly with HiGHS; return the solution vector or None.

    Variables: x_i (candidate i chosen, in pool order); y_pr (role r present in party p,
    only when ``min_distinct_roles`` >= 2) with y_pr <= sum of x_i of that role; and, when
    ``minimise_gap``, a continuous t bounding every pairwise gap in mean status, which is then
    the objective instead of the weighted score. Mean status is linear in x because every
    party has exactly ``per_party`` members.
    """
    k = rules.per_party
    candidates = [c for members in pool.values() for c in members]
    n = len(candidates)
    party_members = {p: [i for i, c in enumerate(candidates) if c.party == p] for p in pool}
    role_members: dict[tuple[str, str], list[int]] = {}
    for i, c in enumerate(candidates):
        role_members.setdefault((c.party, c.role), []).append(i)
    for party in pool:
        for role, needed in rules.required_roles.items():
            if needed and (party, role) not in role_members:
                return None
    indicators = list(role_members) if rules.min_distinct_roles >= 2 else []
    gap_column = n + len(indicators)
    width = gap_column + (1 if minimise_gap else 0)
    rows: list[np.ndarray] = []
    lower: list[float] = []
    upper: list[float] = []

    def add(coefficients: dict[int, float], lo: float, hi: float) -> None:
        row = np.zeros(width)
        for j, a in coefficients.items():
            row[j] += a
        rows.append(row)
        lower.append(lo)
        upper.append(hi)

    for members in party_members.values():
        add(dict.fromkeys(members, 1.0), k, k)
    for i, c in enumerate(candidates):
        if c.id in rules.pinned:
            add({i: 1.0}, 1.0, 1.0)
    most = rules.max_per_role if rules.max_per_role is not None else k
    for (_, role), members in role_members.items():
        needed = rules.required_roles.get(role, 0)
        if needed > 0 or most < k:
            add(dict.fromkeys(members, 1.0), needed, most)
    for j, key in enumerate(indicators, start=n):
        coefficients = dict.fromkeys(role_members[key], -1.0)
        coefficients[j] = 1.0
        add(coefficients, -np.inf, 0.0)
    for party in pool:
        own = [n + j for j, key in enumerate(indicators) if key[0] == party]
        if own:
            add(dict.fromkeys(own, 1.0), rules.min_distinct_roles, np.inf)
    for p, q in itertools.combinations(pool, 2):
        difference = {i: candidates[i].status / k for i in party_members[p]}
        difference.update({i: -candidates[i].status / k for i in party_members[q]})
        if minimise_gap:
            add({**difference, gap_column: -1.0}, -np.inf, 0.0)
            add({**difference, gap_column: 1.0}, 0.0, np.inf)
        elif rules.max_status_gap is not None:
            add(difference, -rules.max_status_gap, rules.max_status_gap)

    cost = np.zeros(width)
    if minimise_gap:
        cost[gap_column] = 1.0
    else:
        cost[:n] = [-c.score(rules.weights) for c in candidates]
    integrality = np.ones(width)
    if minimise_gap:
        integrality[gap_column] = 0
    return _run_highs(
        cost,
        integrality=integrality,
        constraints=LinearConstraint(np.vstack(rows), lower, upper),
        budget=budget,
    )


def _run_highs(
    cost: np.ndarray, *, integrality: np.ndarray, constraints: LinearConstraint, budget: _Budget
) -> np.ndarray | None:
    """Run HiGHS to a proven optimum within the budget; None when proven infeasible.

    Presolve is off because HiGHS 1.x can end in a solve error when presolve fixes every
    variable of an infeasible equality; on an error the other setting is tried once.
    """
    for presolve in (False, True):
        result = milp(
            cost,
            integrality=integrality,
            bounds=Bounds(0, 1),
            constraints=constraints,
            options={"mip_rel_gap": 0.0, "presolve": presolve, "time_limit": budget.slice()},
        )
        if result.status == 0 and result.x is not None:
            return np.asarray(result.x)
        if result.status == 2:
            return None
        if result.status == 1:
            if result.x is None:
                raise CompositionInfeasible(
                    f"the solver found no selection within the time limit of "
                    f"{budget.seconds:g} s; relax max_status_gap (an exact gap of 0 between "
                    "continuous statuses is very hard to meet) or allow more time",
                    constraint="time_limit",
                )
            budget.proven = False
            return np.asarray(result.x)
    raise CompositionInfeasible(
        f"the solver stopped without a verdict ({result.message}); "
        "try a smaller pool or report this as a bug",
        constraint="solver",
    )


@dataclass
class _Budget:
    """Seconds allowed for one whole composition, shared by every solve it runs."""

    seconds: float
    started: float = field(default_factory=time.monotonic)
    proven: bool = True

    def slice(self) -> float:
        """Return the time left, but at least one second so that a last solve can finish."""
        return max(1.0, self.seconds - (time.monotonic() - self.started))


def _selection_from(pool: Pool, x: np.ndarray) -> Selection:
    candidates = [c for members in pool.values() for c in members]
    chosen = {c.id for c, value in zip(candidates, x, strict=False) if value > 0.5}
    return {p: tuple(c for c in members if c.id in chosen) for p, members in pool.items()}


class _Search(Protocol):
    @property
    def proven(self) -> bool: ...

    def best(self, pool: Pool, rules: CompositionRules) -> Selection | None: ...

    def smallest_gap(self, pool: Pool, rules: CompositionRules) -> float: ...


class _MilpSearch:
    def __init__(self, time_limit: float) -> None:
        self.budget = _Budget(time_limit)

    @property
    def proven(self) -> bool:
        return self.budget.proven

    def best(self, pool: Pool, rules: CompositionRules) -> Selection | None:
        x = _solve_milp(pool, rules, minimise_gap=False, budget=self.budget)
        return None if x is None else _selection_from(pool, x)

    def smallest_gap(self, pool: Pool, rules: CompositionRules) -> float:
        x = _solve_milp(pool, rules, minimise_gap=True, budget=self.budget)
        return math.inf if x is None else _status_gap(_selection_from(pool, x))


class _EnumerationSearch:
    proven = True

    def best(self, pool: Pool, rules: CompositionRules) -> Selection | None:
        return _solve_by_enumeration(pool, rules)

    def smallest_gap(self, pool: Pool, rules: CompositionRules) -> float:
        return _smallest_gap_by_enumeration(pool, rules)
