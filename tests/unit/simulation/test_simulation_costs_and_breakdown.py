"""Costs of the stalemate as a process, and negotiation that can break down.

Costs drift, spread and jump at seeded events drawn from the run's own stream of events;
once under way, negotiation breaks down with a hazard that falls with readiness and rises
with the clash of interests, and a breakdown adds to both sides' costs. Workshops act on
perceptions and readiness, never on the events themselves.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tracktwo.engines.simulation import Programme, Simulation, simulate
from tracktwo.engines.simulation.experiment import (
    Estimate,
    difference,
    replication_seed,
    with_societies,
)
from tracktwo.engines.simulation.mechanisms.readiness import breakdown_hazard
from tracktwo.engines.simulation.mechanisms.ripeness import bear_costs
from tracktwo.engines.simulation.parameters import (
    ModelParameters,
    ReadinessParameters,
    RipenessParameters,
    SocietyParameters,
)
from tracktwo.engines.simulation.state import SocietyState
from tracktwo.io.scenarios import load_scenario

REPLICATIONS = 10
DAYS = 365


def ripe(breakdown: bool = True, rate: float = 0.05) -> tuple[ModelParameters, Programme]:
    scenario = load_scenario("ripe-inter-state").with_value("societies.members", 1500)
    parameters = scenario.parameters
    parameters = replace(
        parameters,
        readiness=replace(parameters.readiness, breakdown_rate=rate),
        mechanisms=replace(parameters.mechanisms, breakdown=breakdown),
    )
    return parameters, scenario.programme


def test_the_hazard_falls_with_readiness_and_rises_with_the_clash_of_interests() -> None:
    low, high = ReadinessParameters(clash_share=0.1), ReadinessParameters(clash_share=0.7)
    assert breakdown_hazard(0.2, low, interests=True) > breakdown_hazard(0.8, low, interests=True)
    assert breakdown_hazard(0.5, high, interests=True) > breakdown_hazard(0.5, low, interests=True)
    assert breakdown_hazard(1.0, high, interests=True) == 0.0
    assert breakdown_hazard(0.0, high, interests=False) == pytest.approx(high.breakdown_rate / 2)


def test_costs_jump_at_events_and_never_fall() -> None:
    """With jumps but no drift, costs rise only on event days, by exponential amounts."""
    society = SocietyParameters(cost_per_step=0.0, cost_sd=0.0, cost_jump_chance=0.1)
    societies = (society, replace(society, name="B"))
    state = SocietyState()
    rng = np.random.default_rng(2)
    path = []
    for _ in range(2000):
        bear_costs(state, societies, RipenessParameters(), rng, on=True)
        path.append(state.costs[0])
    steps = np.diff([0.0, *path])
    assert np.all(steps >= 0)
    jumps = steps[steps > 0]
    assert 0.07 < jumps.size / steps.size < 0.13
    assert jumps.mean() == pytest.approx(society.cost_jump_size, rel=0.25)


def test_workshops_never_touch_the_events() -> None:
    """The same seed with and without a programme bears the same costs day by day, as long
    as negotiation has not started (only talks, which perceptions open, can change them)."""
    parameters = with_societies(ModelParameters(), members=600)
    costs = []
    for programme in (Programme(), Programme(workshops=0)):
        result = simulate(parameters, programme, steps=200, seed=9)
        frame = result.societies.pivot(index="step", columns="society", values="costs")
        costs.append(frame.to_numpy())
        assert result.negotiation_step is None
    assert np.array_equal(costs[0], costs[1])
    assert costs[0][-1].min() > costs[0][0].max()


@pytest.fixture(scope="module")
def talks() -> dict[bool, list[Simulation]]:
    """The ripe scenario a year on, with breakdowns possible and without, on the same seeds."""
    runs: dict[bool, list[Simulation]] = {}
    for breakdown in (True, False):
        parameters, programme = ripe(breakdown)
        runs[breakdown] = []
        for replication in range(REPLICATIONS):
            simulation = Simulation(
                parameters, programme, seed=replication_seed(21, replication), record=False
            )
            simulation.advance(DAYS)
            runs[breakdown].append(simulation)
    return runs


def test_negotiation_starts_and_breaks_down_in_the_ripe_scenario(
    talks: dict[bool, list[Simulation]],
) -> None:
    assert all(s.negotiation_step is not None for s in talks[True])
    assert sum(len(s.breakdown_steps) for s in talks[True]) >= REPLICATIONS // 2
    assert all(s.breakdown_steps == [] for s in talks[False])
    for simulation in talks[True]:
        assert all(day > simulation.negotiation_step for day in simulation.breakdown_steps)


def test_a_breakdown_raises_costs(talks: dict[bool, list[Simulation]]) -> None:
    """Paired on the same seeds (the same events), runs in which talks can break down end
    the year with higher costs, beyond three Monte Carlo standard errors, on both sides."""
    for side in (0, 1):
        gap: Estimate = difference(
            [s.societies.costs[side] for s in talks[True]],
            [s.societies.costs[side] for s in talks[False]],
        )
        assert gap.mean > 3 * gap.se


def test_a_breakdown_adds_its_cost_on_the_day_it_happens() -> None:
    parameters, programme = ripe(rate=1.0)
    simulation = Simulation(parameters, programme, seed=3, record=False)
    before = None
    for _ in range(DAYS):
        costs = list(simulation.societies.costs)
        broken = len(simulation.breakdown_steps)
        simulation.advance(1)
        if len(simulation.breakdown_steps) > broken:
            before = costs
            break
    assert before is not None
    added = parameters.ripeness.breakdown_cost
    assert all(simulation.societies.costs[side] >= before[side] + added for side in (0, 1))
    assert not simulation.negotiating
