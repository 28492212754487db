"""What a run leaves behind, as one row of numbers: the unit of ensembles and sweeps."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from tracktwo.engines.simulation.model import Simulation
from tracktwo.engines.simulation.population import AgentRole

OUTCOMES = (
    "participant_individual_change",
    "participant_group_change",
    "participant_standing",
    "public_group_change",
    "public_group_image",
    "ideas_transferred",
    "readiness",
    "negotiation_step",
)
"""Changes run from selection (participants) or day 0 (the public: members who never
attended) to the last day, averaged over both societies; ``ideas_transferred`` is the
decision-makers' mean share of the ideas; ``negotiation_step`` is NaN when none started."""


def run_outcomes(simulation: Simulation, public_start: NDArray[np.float32]) -> dict[str, float]:
    """Return :data:`OUTCOMES` of ``simulation`` as it stands, given day 0's group images."""
    state = simulation.state
    population = simulation.population
    agents = simulation.participants
    public = state.attended == 0
    decision_makers = np.concatenate(
        [population.indices(s, AgentRole.DECISION_MAKER) for s in (0, 1)]
    )

    def mean(values: NDArray[np.float32]) -> float:
        return float(np.mean(values, dtype=np.float64)) if values.size else math.nan

    step = simulation.negotiation_step
    return {
        "participant_individual_change": mean(
            state.individual[agents] - simulation.baseline_individual[agents]
        ),
        "participant_group_change": mean(state.group[agents] - simulation.baseline_group[agents]),
        "participant_standing": mean(state.influence[agents] / population.influence[agents]),
        "public_group_change": mean(state.group[public] - public_start[public]),
        "public_group_image": mean(state.group[public]),
        "ideas_transferred": mean(state.ideas[decision_makers]),
        "readiness": sum(simulation.societies.readiness) / 2.0,
        "negotiation_step": math.nan if step is None else float(step),
    }
