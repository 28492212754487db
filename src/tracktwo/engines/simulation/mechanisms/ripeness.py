"""Ripeness: each side's costs and its belief that it can win alone (Zartman 1989, 2000).

A mutually hurting stalemate starts when one side sees it cannot win alone and the dead
end hurts; it is complete when the other side sees the same. Costs accumulate day by day
with a random part (events); pain rises and the belief in winning alone erodes with them.
"""

from __future__ import annotations

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
    belief0 = np.array([s.belief_win_alone for s in societies])
    state.pain = -np.expm1(-state.costs / ripeness.pain_scale)
    state.belief = belief0 * np.exp(-state.costs / ripeness.belief_scale)
    state.hurting = state.pain * (1.0 - state.belief)


def bear_costs(
    state: SocietyState,
    societies: tuple[SocietyParameters, SocietyParameters],
    ripeness: RipenessParameters,
    rng: np.random.Generator,
    *,
    on: bool,
) -> None:
    """Add one day's costs (``cost_per_step`` plus a normal draw of ``cost_sd``, never < 0).

    The two draws are taken even when ripeness is off, so that switching it off leaves
    every other random number of the run unchanged.
    """
    draws = rng.standard_normal(2)
    if not on:
        return
    mean = np.array([s.cost_per_step for s in societies])
    spread = np.array([s.cost_sd for s in societies])
    state.costs = state.costs + np.maximum(0.0, mean + spread * draws)
    assess(state, societies, ripeness)


def in_stalemate(state: SocietyState, ripeness: RipenessParameters) -> NDArray[np.bool_]:
    """Tell, per side, whether it sees it cannot win alone and the stalemate hurts."""
    return np.asarray((state.belief < 0.5) & (state.pain >= ripeness.pain_threshold))
