"""Re-entry: what happens to participants who changed when they return home.

Seed 4.3, fifth point: 'If they allow group pressures to overpower their personal
experiences, then the meetings will have no practical value. If, on the other hand, they
refuse to conform, they are likely to be marginalized.' The pressure itself is part of the
susceptibility (:func:`~tracktwo.engines.simulation.mechanisms.influence.susceptibility`);
this module takes influence from those who stay warmer than their network (Marques,
Yzerbyt & Leyens 1988: deviant in-group members are judged most harshly), in proportion
to the home network's identity.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from tracktwo.engines.simulation.fused import marginalise_compiled
from tracktwo.engines.simulation.parameters import ReentryParameters
from tracktwo.engines.simulation.state import AgentState


def marginalise(
    state: AgentState,
    participants: NDArray[np.int64],
    network_group: NDArray[np.float32],
    home_identity: NDArray[np.float32],
    starting_influence: NDArray[np.float32],
    neighbours: tuple[NDArray[np.int64], NDArray[np.int64]],
    reentry: ReentryParameters,
) -> None:
    """Lower the influence of participants warmer than their network; let it recover.

    Per day: ``influence *= 1 - marginalisation * home_identity * excess`` with ``excess``
    the amount by which the participant's group image exceeds the network's plus
    ``tolerance``, halved by ``feedback_protection`` for a consulted community; then
    ``recovery`` of the gap to the starting influence returns. ``neighbours`` holds, for
    the participants' adjacency rows, the neighbour indices and the row of each.
    """
    if participants.size == 0:
        return
    excess = state.group[participants] - network_group[participants]
    excess -= np.float32(reentry.tolerance)
    np.maximum(excess, np.float32(0.0), out=excess)
    protection = np.where(
        state.consulted[participants], np.float32(1.0 - reentry.feedback_protection), 1.0
    ).astype(np.float32)
    loss = np.float32(reentry.marginalisation) * home_identity[participants] * excess * protection
    before = state.influence[participants]
    after = before * (np.float32(1.0) - np.minimum(loss, np.float32(1.0)))
    after += np.float32(reentry.recovery) * (starting_influence[participants] - after)
    state.influence[participants] = after
    nodes, rows = neighbours
    np.add.at(state.weight_sum, nodes, (after - before)[rows])


class Marginalisation:
    """:func:`marginalise` for one fixed set of participants, its per-participant terms kept.

    The participants at home change only when a workshop opens or ends and their
    protection only in a feedback round, so the model builds one of these per set and
    applies it day after day; the arithmetic is :func:`marginalise`'s, operation for
    operation.
    """

    def __init__(
        self,
        participants: NDArray[np.int64],
        neighbours: tuple[NDArray[np.int64], NDArray[np.int64]],
        consulted: NDArray[np.bool_],
        home_identity: NDArray[np.float32],
        starting_influence: NDArray[np.float32],
        reentry: ReentryParameters,
    ) -> None:
        self.participants = participants
        self.nodes, self.rows = neighbours
        self.tolerance = np.float32(reentry.tolerance)
        self.recovery = np.float32(reentry.recovery)
        self.pressure = np.float32(reentry.marginalisation) * home_identity[participants]
        self.protection = np.where(
            consulted[participants], np.float32(1.0 - reentry.feedback_protection), 1.0
        ).astype(np.float32)
        self.starting = starting_influence[participants]
        self._change = np.empty(participants.size, dtype=np.float32)

    def apply(
        self, state: AgentState, network_group: NDArray[np.float32], *, compiled: bool = False
    ) -> None:
        """Lower the influence of participants warmer than their network; let it recover.

        ``compiled`` runs :func:`~tracktwo.engines.simulation.fused.marginalise_compiled`:
        the same numbers in one call.
        """
        participants = self.participants
        if participants.size == 0:
            return
        if compiled:
            marginalise_compiled(
                state.group,
                network_group,
                state.influence,
                state.weight_sum,
                participants,
                self.pressure,
                self.protection,
                self.starting,
                self.nodes,
                self.rows,
                self.tolerance,
                self.recovery,
                self._change,
            )
            return
        excess = state.group[participants]
        excess -= network_group[participants]
        excess -= self.tolerance
        np.maximum(excess, np.float32(0.0), out=excess)
        loss = np.multiply(self.pressure, excess, out=excess)
        loss *= self.protection
        np.minimum(loss, np.float32(1.0), out=loss)
        before = state.influence[participants]
        after = np.subtract(np.float32(1.0), loss, out=loss)
        after *= before
        recovered = self.starting - after
        recovered *= self.recovery
        after += recovered
        state.influence[participants] = after
        np.subtract(after, before, out=recovered)
        np.add.at(state.weight_sum, self.nodes, recovered[self.rows])
