"""Monte Carlo: many runs of one scenario, their frames, and intervals across runs.

Run ``r`` of a scenario with seed ``s`` draws from ``SeedSequence([s, r])``; the same
seeds serve every scenario and grid point, so comparisons use common random numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from tracktwo.engines.simulation.model import ENGINE_VERSION, Simulation
from tracktwo.engines.simulation.outcomes import OUTCOMES, run_outcomes
from tracktwo.engines.simulation.programme import Programme, SelectionRule
from tracktwo.engines.simulation.recording import IMAGE_FIELDS, SOCIETY_FIELDS
from tracktwo.engines.simulation.scenarios import Scenario
from tracktwo.errors import ValidationError

Z95 = 1.959963984540054


def run_seed(seed: int, run: int) -> np.random.SeedSequence:
    """Return the seed of run ``run``."""
    return np.random.SeedSequence([seed, run])


def summarise(frame: pd.DataFrame, keys: Sequence[str], measures: Sequence[str]) -> pd.DataFrame:
    """Return, per ``keys`` and measure, the mean across runs with its 95% intervals.

    ``ci_low``/``ci_high``: the Monte Carlo interval of the mean (mean -/+ 1.96 SE);
    ``band_low``/``band_high``: where the middle 95% of runs lie (2.5th, 97.5th centiles).
    """
    numbers = frame[[*keys, "run"]].join(frame[list(measures)].astype(np.float64))
    long = numbers.melt(id_vars=[*keys, "run"], value_vars=list(measures), var_name="measure")
    grouped = long.groupby([*keys, "measure"], sort=False)["value"]
    summary = grouped.agg(
        mean="mean",
        sd="std",
        runs="count",
        band_low=lambda values: values.quantile(0.025),
        band_high=lambda values: values.quantile(0.975),
    ).reset_index()
    summary["se"] = summary["sd"] / np.sqrt(summary["runs"])
    summary["ci_low"] = summary["mean"] - Z95 * summary["se"]
    summary["ci_high"] = summary["mean"] + Z95 * summary["se"]
    columns = [*keys, "measure", "mean", "se", "ci_low", "ci_high", "band_low", "band_high", "runs"]
    summary = summary[columns]
    summary.attrs["engine_version"] = ENGINE_VERSION
    return summary


@dataclass(frozen=True)
class Ensemble:
    """All runs of one scenario: per-run frames (with a ``run`` column) and outcomes."""

    scenario: str
    seed: int
    images: pd.DataFrame
    societies: pd.DataFrame
    outcomes: pd.DataFrame

    @property
    def runs(self) -> int:
        """Return the number of runs."""
        return len(self.outcomes)

    def images_summary(self) -> pd.DataFrame:
        """Return images per step, society and role with intervals across runs."""
        return summarise(self.images, ["step", "society", "role"], IMAGE_FIELDS[1:])

    def societies_summary(self) -> pd.DataFrame:
        """Return the society measures per step with intervals across runs."""
        return summarise(self.societies, ["step", "society"], SOCIETY_FIELDS)

    def outcomes_summary(self) -> pd.DataFrame:
        """Return each outcome's mean with intervals; negotiation over the runs that began."""
        frame = self.outcomes.assign(scenario=self.scenario)
        summary = summarise(frame, ["scenario"], OUTCOMES)
        started = self.outcomes["negotiation_step"].notna()
        extra = pd.DataFrame(
            [
                {
                    "scenario": self.scenario,
                    "measure": "negotiation_share",
                    "mean": started.mean(),
                    "runs": len(started),
                }
            ]
        )
        return pd.concat([summary, extra], ignore_index=True)


def run_scenario(
    scenario: Scenario, run: int, seed: int, *, record: bool = True
) -> tuple[Simulation, dict[str, float]]:
    """Run one run of ``scenario`` to its horizon; return it and its outcomes."""
    simulation = Simulation(
        scenario.parameters, scenario.programme, seed=run_seed(seed, run), record=record
    )
    public_start = simulation.state.group.copy()
    simulation.advance(scenario.steps)
    return simulation, run_outcomes(simulation, public_start)


def run_ensemble(
    scenario: Scenario,
    runs: int,
    seed: int,
    *,
    on_run: Callable[[int], None] | None = None,
) -> Ensemble:
    """Run ``scenario`` ``runs`` times; ``on_run(run)`` is called after each (progress)."""
    if runs < 1:
        raise ValidationError(f"runs is {runs}; give 1 or more")
    images, societies, outcomes = [], [], []
    for run in range(runs):
        simulation, outcome = run_scenario(scenario, run, seed)
        result = simulation.result()
        images.append(result.images.assign(run=run))
        societies.append(result.societies.assign(run=run))
        outcomes.append({"run": run, **outcome})
        if on_run is not None:
            on_run(run)
    ensemble = Ensemble(
        scenario=scenario.name,
        seed=seed,
        images=pd.concat(images, ignore_index=True),
        societies=pd.concat(societies, ignore_index=True),
        outcomes=pd.DataFrame(outcomes),
    )
    for frame in (ensemble.images, ensemble.societies, ensemble.outcomes):
        frame.attrs["engine_version"] = ENGINE_VERSION
    return ensemble


def programme_designs(base: Programme) -> dict[str, Programme]:
    """Return the designs a programme designer weighs, as variants of ``base``.

    Continuing series with feedback rounds (seed 5), the same without feedback, one-off
    meetings of new people each time (seed 4.3: 'arranged on a casual basis'), and the
    continuing series with participants invited at random rather than by influence.
    """
    return {
        "continuing + feedback": replace(base, continuing=True, feedback_rounds=True),
        "continuing, no feedback": replace(base, continuing=True, feedback_rounds=False),
        "one-off meetings": replace(base, continuing=False, feedback_rounds=False),
        "random invitees": replace(
            base, continuing=True, feedback_rounds=True, selection=SelectionRule.RANDOM
        ),
    }


def compare_programmes(
    scenario: Scenario,
    programmes: Mapping[str, Programme],
    *,
    runs: int,
    seed: int,
    on_run: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Return the outcome summaries of ``scenario`` under each programme, one block per design."""
    if runs < 2:
        raise ValidationError(f"runs is {runs}; give 2 or more to compare designs")
    frames = []
    done = 0
    for name, programme in programmes.items():
        variant = replace(scenario, programme=programme)
        rows = []
        for run in range(runs):
            _, outcomes = run_scenario(variant, run, seed, record=False)
            rows.append({"design": name, "run": run, **outcomes})
            if on_run is not None:
                on_run(done)
            done += 1
        frames.append(pd.DataFrame(rows))
    summary = summarise(pd.concat(frames, ignore_index=True), ["design"], OUTCOMES)
    return summary
