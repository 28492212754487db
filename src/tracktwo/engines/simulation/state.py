"""The model's changing state: per-agent arrays and per-society scalars."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from tracktwo.engines.simulation.population import Population

GROUP = 0
"""Row of :attr:`AgentState.attitudes` holding the image of the other group."""
INDIVIDUAL = 1
"""Row holding the image of the other side's individuals met."""
GROUP_CONVICTION = 2
INDIVIDUAL_CONVICTION = 3


@dataclass
class AgentState:
    """Per-agent arrays, one column per agent, ``float32`` unless said otherwise.

    ``attitudes`` (4 x agents) holds, row by row, the image (-1..1) of the other group as a
    whole, the image of the other side's individuals met, and their two convictions: what
    the member holds personally, which talk at home does not move. Rows are stored together
    so that one call updates all four. ``ideas`` (0..1) is the share of the workshops'
    ideas a member holds; ``tie`` is 1 for a close friend across the divide; ``attended``
    (int16) counts workshops; ``consulted`` (bool) marks participants whose community was
    consulted in a feedback round; ``weight_sum`` is each member's total neighbour
    influence, the denominator of the network's mean.

    The two images are feelings toward the other side's people (the affect that empathy
    raises and intergroup anxiety lowers, the mediators through which contact works:
    Pettigrew & Tropp 2008); ``trust`` (-1..1) is a separate belief, about the other group's
    intentions, moved by what that group is seen to do
    (:mod:`~tracktwo.engines.simulation.mechanisms.trust`); ``trust_anchor`` is the belief
    it falls back to.
    """

    attitudes: NDArray[np.float32]
    ideas: NDArray[np.float32]
    influence: NDArray[np.float32]
    tie: NDArray[np.float32]
    attended: NDArray[np.int16]
    consulted: NDArray[np.bool_]
    weight_sum: NDArray[np.float32]
    trust: NDArray[np.float32]
    trust_anchor: NDArray[np.float32]

    @property
    def group(self) -> NDArray[np.float32]:
        """Return the image of the other group (a view)."""
        row: NDArray[np.float32] = self.attitudes[GROUP]
        return row

    @property
    def individual(self) -> NDArray[np.float32]:
        """Return the image of the other side's individuals met (a view)."""
        row: NDArray[np.float32] = self.attitudes[INDIVIDUAL]
        return row

    @property
    def group_conviction(self) -> NDArray[np.float32]:
        """Return the conviction behind the group image (a view)."""
        row: NDArray[np.float32] = self.attitudes[GROUP_CONVICTION]
        return row

    @property
    def individual_conviction(self) -> NDArray[np.float32]:
        """Return the conviction behind the individual image (a view)."""
        row: NDArray[np.float32] = self.attitudes[INDIVIDUAL_CONVICTION]
        return row

    @classmethod
    def starting(cls, population: Population) -> AgentState:
        """Return the state on day 0, before any influence step."""
        size = population.size
        attitudes = np.empty((4, size), dtype=np.float32)
        attitudes[GROUP] = population.group_image
        attitudes[INDIVIDUAL] = population.individual_image
        attitudes[GROUP_CONVICTION] = population.group_image
        attitudes[INDIVIDUAL_CONVICTION] = population.individual_image
        return cls(
            attitudes=attitudes,
            ideas=np.zeros(size, dtype=np.float32),
            influence=population.influence.copy(),
            tie=np.zeros(size, dtype=np.float32),
            attended=np.zeros(size, dtype=np.int16),
            consulted=np.zeros(size, dtype=np.bool_),
            weight_sum=np.asarray(population.within @ population.influence, dtype=np.float32),
            trust=population.group_image.copy(),
            trust_anchor=population.group_image.copy(),
        )


def _pair() -> list[float]:
    return [0.0, 0.0]


@dataclass
class SocietyState:
    """Per-society scalars, each a list of two floats (society 0, society 1)."""

    costs: list[float] = field(default_factory=_pair)
    pain: list[float] = field(default_factory=_pair)
    belief: list[float] = field(default_factory=_pair)
    hurting: list[float] = field(default_factory=_pair)
    trust: list[float] = field(default_factory=_pair)
    """Mean trust of each society's members in the other group's intentions."""
    perception: list[float] = field(default_factory=_pair)
    readiness: list[float] = field(default_factory=_pair)
    transferred: list[float] = field(default_factory=_pair)
