"""Ripeness: each side's costs and its belief that it can win alone (Zartman 1989, 2000).

A mutually hurting stalemate starts when one side sees it cannot win alone and the dead
end hurts; it is complete when the other side sees the same. Costs accumulate as a process:
a daily drift with a random part, jumps at seeded events, and a jump when negotiation
breaks down; pain rises and the belief in winning alone erodes with them.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from tracktwo.engines.simulation.parameters import RipenessParameters, SocietyParameters
from tracktwo.engines.simulation.state import SocietyState


def assess(
    state: SocietyState,
    societies: tuple[SocietyParameters, SocietyParameters],
    ripeness: RipenessParameters,
) -> None:
    """Recompute pain, belief and hurting (``pain * (1 - belief)``) from the costs."""
    for side, society in enumerate(societies):
        costs = state.costs[side]
        state.pain[side] = -math.expm1(-costs / ripeness.pain_scale)
        state.belief[side] = society.belief_win_alone * math.exp(-costs / ripeness.belief_scale)
        state.hurting[side] = state.pain[side] * (1.0 - state.belief[side])


def bear_costs(
    state: SocietyState,
    societies: tuple[SocietyParameters, SocietyParameters],
    ripeness: RipenessParameters,
    rng: np.random.Generator,
    *,
    on: bool,
) -> tuple[float, float]:
    """Add one day's costs: a drift, a diffusion and, now and then, a jump (an event).

    ``max(0, cost_per_step + cost_sd * z)`` plus, with chance ``cost_jump_chance``, an
    exponential jump of mean ``cost_jump_size``. The six draws are taken even when
    ripeness is off, so that switching it off leaves every other random number of the run
    unchanged; ``rng`` is the run's stream of events, which nothing else draws from.
    Returns each side's jump of the day (0.0 without one, or with ripeness off).
    """
    normal = rng.standard_normal(2).tolist()
    event = rng.random(2).tolist()
    jump = rng.standard_exponential(2).tolist()
    jumps = [0.0, 0.0]
    if not on:
        return jumps[0], jumps[1]
    for side, society in enumerate(societies):
        daily = max(0.0, society.cost_per_step + society.cost_sd * normal[side])
        if event[side] < society.cost_jump_chance:
            jumps[side] = society.cost_jump_size * jump[side]
            daily += jumps[side]
        state.costs[side] += daily
    assess(state, societies, ripeness)
    return jumps[0], jumps[1]


def add_costs(
    state: SocietyState,
    societies: tuple[SocietyParameters, SocietyParameters],
    ripeness: RipenessParameters,
    amount: float,
) -> None:
    """Add ``amount`` to both sides' costs (a breakdown of negotiation) and reassess."""
    for side in (0, 1):
        state.costs[side] += amount
    assess(state, societies, ripeness)


def in_stalemate(state: SocietyState, ripeness: RipenessParameters) -> tuple[bool, bool]:
    """Tell, per side, whether it sees it cannot win alone and the stalemate hurts."""
    first, second = (
        state.belief[side] < 0.5 and state.pain[side] >= ripeness.pain_threshold for side in (0, 1)
    )
    return first, second


def stalemate_days(
    belief: NDArray[np.float64], pain: NDArray[np.float64], ripeness: RipenessParameters
) -> NDArray[np.bool_]:
    """Tell, for recorded arrays of belief and pain, where :func:`in_stalemate` holds."""
    stalemated: NDArray[np.bool_] = (belief < 0.5) & (pain >= ripeness.pain_threshold)
    return stalemated
