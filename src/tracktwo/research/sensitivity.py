"""Global sensitivity of the planner's outcomes to the model's assumptions (Morris screening).

Every parameter labelled ``assumption`` in :mod:`tracktwo.engines.simulation.labels` is a
factor that ranges from half to double its value in the scenario (clipped to what the
parameter accepts; a parameter at 0 ranges over :data:`ZERO_RANGES`). Morris's
elementary-effects method (Morris 1991, with Campolongo, Cariboni & Saltelli 2007's
``mu*``) moves one factor at a time along ``trajectories`` random paths through the
factors' grid; SALib draws the design and computes, per outcome and factor, ``mu*`` (the
mean absolute effect of moving the factor: how much the outcome depends on it), its
bootstrap 95% interval, and ``sigma`` (the spread of the effects: interactions or
non-linearity).

Each design point is a variant of the scenario run ``runs`` times on the seeds
``SeedSequence([seed, r])``, the same for every point (common random numbers), and
summarised as the planner's outcomes (:data:`PLANNER_OUTCOMES`).
"""

from __future__ import annotations

import math
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tracktwo.engines.simulation.ensemble import run_scenario
from tracktwo.engines.simulation.labels import Basis, paths
from tracktwo.engines.simulation.model import ENGINE_VERSION
from tracktwo.engines.simulation.scenarios import Scenario
from tracktwo.errors import TrackTwoError, ValidationError

METHOD = "morris-elementary-effects/salib-1.6"
"""Recorded with every result: the method and the library that computed it."""

PLANNER_OUTCOMES = {
    "negotiation_day": "day negotiation starts (runs that never start count at the horizon)",
    "negotiation_share": "share of runs in which negotiation starts",
    "public_group_image": "the public's image of the other group at the horizon",
    "participant_standing": "participants' standing at home (influence against their own at "
    "the start)",
}
"""The outcomes a programme planner reads, with what each measures."""

ZERO_RANGES: dict[str, tuple[float, float]] = {
    "societies.initial_costs": (0.0, 0.5),
    "social_influence.conviction_decay": (0.0, 0.005),
}
"""Ranges of assumptions whose usual value is 0 (half and double would not move them)."""

READINESS_WEIGHTS = (
    "readiness.ideas_weight",
    "readiness.decision_maker_image_weight",
    "readiness.public_image_weight",
)
"""Perception's three weights must sum to 1: they vary as relative weights, renormalised."""

INFLUENTIAL_SHARE = 0.1
"""A factor counts as one an outcome depends on when its ``mu*`` is at least this share of
the largest ``mu*`` for that outcome and its interval excludes 0."""


@dataclass(frozen=True)
class Factor:
    """One assumption varied: its dotted path, its value in the scenario and its range."""

    path: str
    value: float
    low: float
    high: float
    integer: bool = False


def _section_and_field(scenario: Scenario, path: str) -> tuple[Any, str]:
    head, _, name = path.partition(".")
    owner = scenario.parameters.societies[0] if head == "societies" else None
    if owner is None:
        owner = getattr(scenario.parameters, head)
    if name not in {f.name for f in fields(owner)}:
        raise ValidationError(f"parameter {path!r} names nothing in the model")
    return owner, name


def apply_factors(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """Return ``scenario`` with each dotted path set to its value, all at once.

    Whole-number fields are rounded (``network.mean_degree`` to an even number); the three
    readiness weights of perception are renormalised to sum to 1.
    """
    changes: dict[str, dict[str, Any]] = {}
    for path, value in values.items():
        owner, name = _section_and_field(scenario, path)
        current = getattr(owner, name)
        if isinstance(current, int) and not isinstance(current, bool):
            whole = round(value / 2) * 2 if path == "network.mean_degree" else round(value)
            changes.setdefault(path.split(".")[0], {})[name] = int(whole)
        else:
            changes.setdefault(path.split(".")[0], {})[name] = float(value)
    readiness = changes.get("readiness", {})
    if any(path in values for path in READINESS_WEIGHTS):
        section = scenario.parameters.readiness
        weights = {
            path.split(".")[1]: readiness.get(
                path.split(".")[1], getattr(section, path.split(".")[1])
            )
            for path in READINESS_WEIGHTS
        }
        total = sum(weights.values())
        readiness.update({name: weight / total for name, weight in weights.items()})
    parameters = scenario.parameters
    for head, table in changes.items():
        if head == "societies":
            first, second = parameters.societies
            parameters = replace(
                parameters, societies=(replace(first, **table), replace(second, **table))
            )
        else:
            parameters = replace(parameters, **{head: replace(getattr(parameters, head), **table)})
    return replace(scenario, parameters=parameters)


def _accepts(scenario: Scenario, path: str, value: float) -> bool:
    try:
        apply_factors(scenario, {path: value})
    except TrackTwoError:
        return False
    return True


def _reach(scenario: Scenario, path: str, start: float, target: float) -> float:
    """Return ``target`` if the parameter accepts it, else the accepted value nearest it."""
    if _accepts(scenario, path, target):
        return target
    for bound in (1.0, 0.0, -1.0):
        if min(start, target) < bound < max(start, target) and _accepts(scenario, path, bound):
            return bound
    good, bad = start, target
    for _ in range(30):
        middle = (good + bad) / 2
        good, bad = (middle, bad) if _accepts(scenario, path, middle) else (good, middle)
    return good


def assumption_factors(scenario: Scenario, chosen: Sequence[str] | None = None) -> list[Factor]:
    """Return the factors of the ``assumption`` parameters (or of ``chosen`` paths).

    Each ranges from half to double its value in ``scenario``, within what it accepts. The
    elite share keeps enough elites to invite (``participants_per_party`` per workshop, or
    per series when it is continuing).
    """
    factors = []
    for path in chosen if chosen is not None else paths(Basis.ASSUMPTION):
        owner, name = _section_and_field(scenario, path)
        value = getattr(owner, name)
        integer = isinstance(value, int) and not isinstance(value, bool)
        if value == 0:
            low, high = ZERO_RANGES.get(path, (0.0, 0.1))
        else:
            low, high = sorted((value / 2, value * 2))
            low = _reach(scenario, path, float(value), low)
            high = _reach(scenario, path, float(value), high)
        if path == "societies.elite_share":
            programme = scenario.programme
            invited = programme.participants_per_party * (
                1 if programme.continuing else max(programme.workshops, 1)
            )
            members = min(s.members for s in scenario.parameters.societies)
            low = max(low, min((invited + 0.5) / members, value))
        factors.append(
            Factor(
                path,
                float(value),
                float(low),
                float(high),
                integer=integer,
            )
        )
    return factors


def planner_outcomes(scenario: Scenario, *, runs: int, seed: int) -> dict[str, float]:
    """Run ``scenario`` ``runs`` times and return :data:`PLANNER_OUTCOMES` over the runs."""
    days, images, standing = [], [], []
    for run in range(runs):
        _, outcomes = run_scenario(scenario, run, seed, record=False)
        step = outcomes["negotiation_step"]
        days.append(step)
        images.append(outcomes["public_group_image"])
        standing.append(outcomes["participant_standing"])
    started = [not math.isnan(day) for day in days]
    return {
        "negotiation_day": float(
            np.mean(
                [
                    day if ok else float(scenario.steps)
                    for day, ok in zip(days, started, strict=True)
                ]
            )
        ),
        "negotiation_share": float(np.mean(started)),
        "public_group_image": float(np.nanmean(images)),
        "participant_standing": float(np.nanmean(standing))
        if not np.all(np.isnan(standing))
        else math.nan,
    }


def _point_outcomes(
    scenario: Scenario, names: Sequence[str], row: Sequence[float], runs: int, seed: int
) -> dict[str, float]:
    """Run one design point (a process pool's task: a module-level function)."""
    variant = apply_factors(scenario, dict(zip(names, row, strict=True)))
    return planner_outcomes(variant, runs=runs, seed=seed)


@dataclass(frozen=True)
class SensitivityResult:
    """Morris indices per outcome and factor, the design with its outcomes, and the settings.

    ``indices``: one row per outcome and factor: ``outcome``, ``parameter``, ``low``,
    ``high``, ``mu``, ``mu_star``, ``mu_star_low``, ``mu_star_high`` (bootstrap 95%
    interval), ``sigma``, ``rank`` (1 = largest ``mu*`` for that outcome) and
    ``influential`` (see :data:`INFLUENTIAL_SHARE`). ``design``: one row per design point,
    the factors' values then the outcomes.
    """

    indices: pd.DataFrame
    design: pd.DataFrame
    settings: dict[str, Any]

    def depends_on(self, outcome: str) -> list[str]:
        """Return the factors ``outcome`` depends on, most influential first."""
        rows = self.indices[(self.indices["outcome"] == outcome) & self.indices["influential"]]
        return rows.sort_values("rank")["parameter"].tolist()

    def to_dict(self) -> dict[str, Any]:
        """Return the settings and the indices as plain JSON-ready values."""
        records = self.indices.replace({np.nan: None}).to_dict(orient="records")
        return {
            **self.settings,
            "outcomes": dict(PLANNER_OUTCOMES),
            "depends_on": {o: self.depends_on(o) for o in self.indices["outcome"].unique()},
            "indices": records,
        }


def morris_indices(
    factors: Sequence[Factor],
    evaluate: Callable[[Sequence[NDArray[np.float64]]], list[dict[str, float]]],
    *,
    trajectories: int,
    levels: int = 4,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the Morris indices and the design for ``evaluate`` over ``factors``.

    ``evaluate(rows)`` returns one mapping of outcome to value per design row (a row holds
    the factors' values in order). The design has ``trajectories * (len(factors) + 1)``
    rows.
    """
    from SALib.analyze import morris as analyse
    from SALib.sample import morris as sample

    if trajectories < 2:
        raise ValidationError(f"trajectories is {trajectories}; give 2 or more")
    if len(factors) < 1:
        raise ValidationError("give at least one factor to vary")
    factor_names = [f.path for f in factors]
    problem: dict[str, Any] = {
        "num_vars": len(factors),
        "names": factor_names,
        "bounds": [[f.low, f.high] if f.high > f.low else [f.low, f.low + 1e-12] for f in factors],
    }
    design = sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    results = evaluate(list(design))
    names = list(results[0]) if results else []
    frame = pd.DataFrame(np.asarray(design, dtype=np.float64), columns=factor_names)
    outcomes = pd.DataFrame(results, columns=names)
    rows = []
    for outcome in names:
        values = outcomes[outcome].to_numpy(dtype=np.float64)
        if np.isnan(values).any():
            # an undefined outcome (no participants) at a point takes the outcome's mean, so it
            # adds no effect rather than poisoning every effect of its trajectory
            values = np.where(
                np.isnan(values), np.nanmean(values) if not np.isnan(values).all() else 0.0, values
            )
        found = analyse.analyze(
            problem, design, values, num_levels=levels, num_resamples=500, seed=seed
        )
        for index, factor in enumerate(factors):
            mu_star = float(found["mu_star"][index])
            conf = float(found["mu_star_conf"][index])
            rows.append(
                {
                    "outcome": outcome,
                    "parameter": factor.path,
                    "low": factor.low,
                    "high": factor.high,
                    "mu": float(found["mu"][index]),
                    "mu_star": mu_star,
                    "mu_star_low": max(mu_star - conf, 0.0),
                    "mu_star_high": mu_star + conf,
                    "sigma": float(found["sigma"][index]),
                }
            )
    indices = pd.DataFrame(rows)
    if not indices.empty:
        indices["rank"] = (
            indices.groupby("outcome")["mu_star"].rank(ascending=False, method="first").astype(int)
        )
        largest = indices.groupby("outcome")["mu_star"].transform("max")
        indices["influential"] = (
            (largest > 0)
            & (indices["mu_star"] >= INFLUENTIAL_SHARE * largest)
            & (indices["mu_star_low"] > 0)
        )
    return indices, pd.concat([frame, outcomes], axis=1)


def sensitivity_analysis(
    scenario: Scenario,
    *,
    trajectories: int = 4,
    runs: int = 2,
    seed: int = 0,
    workers: int = 1,
    factors: Sequence[Factor] | None = None,
    on_point: Callable[[int], None] | None = None,
) -> SensitivityResult:
    """Screen the assumptions of ``scenario`` for their effect on the planner's outcomes.

    Runs ``trajectories * (factors + 1) * runs`` simulations; ``workers`` above 1 spreads
    the design points over that many processes. ``on_point(i)`` is called as each point
    finishes (progress).
    """
    if runs < 1:
        raise ValidationError(f"runs is {runs}; give 1 or more")
    chosen = list(factors) if factors is not None else assumption_factors(scenario)
    names = [f.path for f in chosen]

    def evaluate(rows: Sequence[NDArray[np.float64]]) -> list[dict[str, float]]:
        results: list[dict[str, float]] = []
        if workers <= 1:
            for done, row in enumerate(rows):
                results.append(_point_outcomes(scenario, names, row.tolist(), runs, seed))
                if on_point is not None:
                    on_point(done)
            return results
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [
                pool.submit(_point_outcomes, scenario, names, row.tolist(), runs, seed)
                for row in rows
            ]
            for done, future in enumerate(futures):
                results.append(future.result())
                if on_point is not None:
                    on_point(done)
        return results

    indices, design = morris_indices(chosen, evaluate, trajectories=trajectories, seed=seed)
    settings = {
        "scenario": scenario.name,
        "method": METHOD,
        "engine_version": ENGINE_VERSION,
        "trajectories": trajectories,
        "runs_per_point": runs,
        "points": len(design),
        "simulations": len(design) * runs,
        "days": scenario.steps,
        "members": scenario.parameters.societies[0].members,
        "seed": seed,
        "factors": len(chosen),
    }
    indices.attrs["engine_version"] = ENGINE_VERSION
    design.attrs["engine_version"] = ENGINE_VERSION
    return SensitivityResult(indices=indices, design=design, settings=settings)


def design_points(factors: int, trajectories: int) -> int:
    """Return how many design points a Morris screening of ``factors`` takes."""
    return trajectories * (factors + 1)
