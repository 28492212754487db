"""Contact with members of the other side, scaled by the five conditions.

Hewstone & Brown (1986; seed 4.3) name five conditions; Pettigrew & Tropp (2006) found
that they work as a bundle and are facilitating, not essential: contact without them still
reduces prejudice, less strongly. So the effect of an episode is scaled by
``floor + (1 - floor) * index``, never by zero.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from tracktwo.engines.simulation.mechanisms.hypothesis import generalised_share
from tracktwo.engines.simulation.parameters import (
    ContactParameters,
    HypothesisConfirmationParameters,
)
from tracktwo.engines.simulation.state import GROUP, INDIVIDUAL, AgentState


def condition_factor(index: float, contact: ContactParameters) -> float:
    """Return how much of contact's full effect the condition index (0..1) allows."""
    return contact.floor + (1.0 - contact.floor) * index


def contact_strength(
    hours: float | np.float32 | NDArray[np.float32],
    index: float,
    identity: NDArray[np.float32],
    contact: ContactParameters,
) -> NDArray[np.float32]:
    """Return the share (0..1) of the distance to +1 that an episode closes per agent.

    ``1 - exp(-rate_per_hour * hours * condition_factor * (1 - identity_damping *
    identity))``: saturating in hours, blunted by a strong social identity (seed 4.3).
    """
    exposure = np.float32(contact.rate_per_hour * condition_factor(index, contact)) * hours
    blunting = np.float32(1.0) - np.float32(contact.identity_damping) * identity
    strength = -np.expm1(-exposure * blunting)
    return np.asarray(strength, dtype=np.float32)


def apply_contact(
    state: AgentState,
    agents: NDArray[np.int64],
    strength: NDArray[np.float32],
    confirmation: HypothesisConfirmationParameters,
    *,
    confirm: bool,
) -> None:
    """Move images and convictions of ``agents`` toward +1 by ``strength``.

    The image of the individuals met moves by the full strength; the image of the group by
    the strength times :func:`generalised_share` of its prior value.
    """
    if agents.size == 0:
        return
    one = np.float32(1.0)
    values = state.attitudes[:, agents]
    group_rows = values[GROUP::2]
    individual_rows = values[INDIVIDUAL::2]
    share = generalised_share(values[GROUP], confirmation, on=confirm) * strength
    group_rows += share * (one - group_rows)
    individual_rows += strength * (one - individual_rows)
    state.attitudes[:, agents] = values


class EverydayContact:
    """Daily contact of the members with ties across the divide, with its buffers kept.

    The same members meet every day at the same strength, so their indices (flat, into
    the four rows of :attr:`AgentState.attitudes`) and the scratch arrays are set up once;
    a day is one gather, a few operations on the bridged members only and one scatter.
    The arithmetic is :func:`apply_contact`'s, operation for operation.
    """

    def __init__(
        self,
        agents: NDArray[np.int64],
        strength: NDArray[np.float32],
        size: int,
        confirmation: HypothesisConfirmationParameters,
        *,
        confirm: bool,
    ) -> None:
        self.agents = agents
        self.strength = strength
        self.confirm = confirm
        self.parameters = confirmation
        self.generalisation = np.float32(confirmation.generalisation)
        self.confirmation = np.float32(confirmation.strength)
        rows = np.arange(4, dtype=np.intp)[:, None] * size
        self._flat = (rows + agents.astype(np.intp)[None, :]).ravel()
        self._values = np.empty((4, agents.size), dtype=np.float32)
        self._share = np.empty(agents.size, dtype=np.float32)
        self._gap = np.empty((2, agents.size), dtype=np.float32)

    def apply(self, state: AgentState) -> None:
        """Move the bridged members' images and convictions toward +1 for one day."""
        if self.agents.size == 0:
            return
        if not state.attitudes.flags.c_contiguous:
            apply_contact(
                state,
                self.agents,
                self.strength,
                self.parameters,
                confirm=self.confirm,
            )
            return
        one = np.float32(1.0)
        flat = state.attitudes.reshape(-1)
        values = np.take(flat, self._flat, out=self._values.reshape(-1)).reshape(4, -1)
        share, gap = self._share, self._gap
        if self.confirm:
            np.subtract(one, values[GROUP], out=share)
            share *= np.float32(0.5)
            share *= self.confirmation
            np.subtract(one, share, out=share)
            share *= self.generalisation
        else:
            share.fill(self.generalisation)
        share *= self.strength
        group_rows = values[GROUP::2]
        np.subtract(one, group_rows, out=gap)
        gap *= share
        group_rows += gap
        individual_rows = values[INDIVIDUAL::2]
        np.subtract(one, individual_rows, out=gap)
        gap *= self.strength
        individual_rows += gap
        flat[self._flat] = self._values.reshape(-1)
