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
from tracktwo.engines.simulation.timing import negotiation_timing
from tracktwo.errors import ValidationError

Z95 = 1.959963984540054
NO_PROGRAMME = "no programme"
"""The name of the baseline design: the same scenario with no workshops, on the same seeds."""


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
        extra = timing_rows(self.outcomes["negotiation_step"], {"scenario": self.scenario})
        return pd.concat([summary, extra], ignore_index=True)


def timing_rows(steps: pd.Series, keys: Mapping[str, object]) -> pd.DataFrame:
    """Return summary rows of negotiation timing: the median day, then the share started.

    ``negotiation_median_day``: the median day among runs that started, its 95% interval
    (``ci_*``, order statistics) and the middle 95% of those runs (``band_*``);
    ``negotiation_share``: the share of runs that started with Wilson's 95% interval.
    """
    timing = negotiation_timing(steps)
    return pd.DataFrame(
        [
            {
                **keys,
                "measure": "negotiation_median_day",
                "mean": timing["negotiation_median_day"],
                "ci_low": timing["negotiation_median_low"],
                "ci_high": timing["negotiation_median_high"],
                "band_low": timing["negotiation_day_band_low"],
                "band_high": timing["negotiation_day_band_high"],
                "runs": int(timing["runs_started"]),
            },
            {
                **keys,
                "measure": "negotiation_share",
                "mean": timing["negotiation_share"],
                "ci_low": timing["negotiation_share_low"],
                "ci_high": timing["negotiation_share_high"],
                "runs": int(timing["runs"]),
            },
        ]
    )


def no_programme(scenario: Scenario) -> Scenario:
    """Return ``scenario`` with no workshops: the baseline a programme is measured against.

    Run on the same seeds, it bears the same events (costs) as the programme until talks
    begin, so the difference is the programme's.
    """
    return replace(scenario, programme=replace(scenario.programme, workshops=0))


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
    continuing series with participants invited at random rather than by influence; and
    no programme at all, the baseline every design is read against.
    """
    return {
        "continuing + feedback": replace(base, continuing=True, feedback_rounds=True),
        "continuing, no feedback": replace(base, continuing=True, feedback_rounds=False),
        "one-off meetings": replace(base, continuing=False, feedback_rounds=False),
        "random invitees": replace(
            base, continuing=True, feedback_rounds=True, selection=SelectionRule.RANDOM
        ),
        NO_PROGRAMME: replace(base, workshops=0),
    }


def compare_programmes(
    scenario: Scenario,
    programmes: Mapping[str, Programme],
    *,
    runs: int,
    seed: int,
    on_run: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Return the outcome summaries of ``scenario`` under each programme, one block per design.

    Each block ends with the negotiation timing rows of :func:`timing_rows`.
    """
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
    runs_frame = pd.concat(frames, ignore_index=True)
    summary = summarise(runs_frame, ["design"], OUTCOMES)
    blocks = []
    for name in programmes:
        timing = timing_rows(
            runs_frame.loc[runs_frame["design"] == name, "negotiation_step"], {"design": name}
        )
        blocks += [summary[summary["design"] == name], timing]
    combined = pd.concat(blocks, ignore_index=True)
    combined.attrs["engine_version"] = ENGINE_VERSION
    return combined
