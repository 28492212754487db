"""The model's changing state: per-agent arrays and per-society scalars."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from tracktwo.engines.simulation.population import Population


@dataclass
class AgentState:
    """Per-agent arrays, one row per agent, ``float32`` unless said otherwise.

    ``individual`` and ``group`` are the images (-1..1) of the other side's individuals met
    and of the other group as a whole; the ``*_conviction`` twins are the member's own
    convictions that talk at home does not move. ``ideas`` (0..1) is the share of the
    workshops' ideas a member holds; ``tie`` is 1 for a close friend across the divide;
    ``attended`` (int16) counts workshops; ``consulted`` (bool) marks participants whose
    community was consulted in a feedback round; ``weight_sum`` is each member's total
    neighbour influence, the denominator of the network's mean.
    """

    individual: NDArray[np.float32]
    group: NDArray[np.float32]
    individual_conviction: NDArray[np.float32]
    group_conviction: NDArray[np.float32]
    ideas: NDArray[np.float32]
    influence: NDArray[np.float32]
    tie: NDArray[np.float32]
    attended: NDArray[np.int16]
    consulted: NDArray[np.bool_]
    weight_sum: NDArray[np.float32]

    @classmethod
    def starting(cls, population: Population) -> AgentState:
        """Return the state on day 0, before any influence step."""
        size = population.size
        weight_sum = np.asarray(population.within @ population.influence, dtype=np.float32)
        return cls(
            individual=population.individual_image.copy(),
            group=population.group_image.copy(),
            individual_conviction=population.individual_image.copy(),
            group_conviction=population.group_image.copy(),
            ideas=np.zeros(size, dtype=np.float32),
            influence=population.influence.copy(),
            tie=np.zeros(size, dtype=np.float32),
            attended=np.zeros(size, dtype=np.int16),
            consulted=np.zeros(size, dtype=np.bool_),
            weight_sum=weight_sum,
        )


def _pair() -> NDArray[np.float64]:
    return np.zeros(2, dtype=np.float64)


@dataclass
class SocietyState:
    """Per-society scalars, each an array of two (society 0, society 1)."""

    costs: NDArray[np.float64] = field(default_factory=_pair)
    pain: NDArray[np.float64] = field(default_factory=_pair)
    belief: NDArray[np.float64] = field(default_factory=_pair)
    hurting: NDArray[np.float64] = field(default_factory=_pair)
    perception: NDArray[np.float64] = field(default_factory=_pair)
    readiness: NDArray[np.float64] = field(default_factory=_pair)
    transferred: NDArray[np.float64] = field(default_factory=_pair)
