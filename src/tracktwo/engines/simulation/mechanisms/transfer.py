"""From the workshop to policy: ideas developed, fed back home and passed to decision-makers.

Seed 5: 'Individual changes ... are not ends in themselves but vehicles for fostering change
at the policy level', and a continuing workshop lets participants 'strengthen, expand, or
modify the ideas developed in the course of a workshop through gathering the reactions of
their own communities'.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from tracktwo.engines.simulation.fused import raise_ideas
from tracktwo.engines.simulation.mechanisms.contact import apply_contact, contact_strength
from tracktwo.engines.simulation.parameters import (
    ContactParameters,
    HypothesisConfirmationParameters,
    TransferParameters,
)
from tracktwo.engines.simulation.state import AgentState


def develop_ideas(
    state: AgentState, participants: NDArray[np.int64], factor: float, transfer: TransferParameters
) -> None:
    """Let a workshop day close ``idea_gain_per_day * factor`` of each participant's gap."""
    gain = np.float32(transfer.idea_gain_per_day * factor)
    values = state.ideas[participants]
    values += gain * (np.float32(1.0) - values)
    state.ideas[participants] = values


def transfer_to_decision_makers(
    state: AgentState,
    participants: NDArray[np.int64],
    decision_makers: slice,
    transfer: TransferParameters,
    *,
    compiled: bool = False,
) -> float:
    """Pass ideas from one society's participants to its decision-makers; return the gain.

    Decision-makers close ``1 - exp(-rate * sum(influence))`` of their gap to the
    participants' influence-weighted mean ideas: the more influential (and the less
    marginalised) the participants, the faster their ideas reach policy, and policy can
    learn no more than the participants hold. ``compiled`` moves the decision-makers' ideas
    in :func:`~tracktwo.engines.simulation.fused.raise_ideas` (the same numbers; the mean
    stays numpy's dot product).
    """
    if participants.size == 0:
        return 0.0
    weights = state.influence[participants]
    total = float(weights.sum(dtype=np.float64))
    if total <= 0.0:
        return 0.0
    held = np.float32(float(np.dot(weights, state.ideas[participants])) / total)
    share = np.float32(-math.expm1(-transfer.rate * total))
    if compiled:
        count: int = decision_makers.stop - decision_makers.start
        gained = raise_ideas(state.ideas, decision_makers.start, decision_makers.stop, held, share)
        return float(gained) / max(1, count)
    values = state.ideas[decision_makers]
    gap = held - values
    np.maximum(gap, np.float32(0.0), out=gap)
    gap *= share
    values += gap
    return float(gap.sum()) / max(1, gap.size)


def feedback_round(
    state: AgentState,
    participants: NDArray[np.int64],
    neighbours: tuple[NDArray[np.int64], NDArray[np.int64]],
    identity: NDArray[np.float32],
    index: float,
    transfer: TransferParameters,
    contact: ContactParameters,
    confirmation: HypothesisConfirmationParameters,
    *,
    confirm: bool,
) -> None:
    """Consult the participants' communities between workshops of a continuing series.

    Neighbours hear the ideas (each keeps at least ``feedback_idea_share`` of the
    participant's) and of the participant's experience across the divide: extended
    contact (Wright et al. 1997) of ``extended_contact_hours`` under the workshop's
    conditions. Participants refine their ideas and are marked as having consulted.
    """
    if participants.size == 0:
        return
    nodes, rows = neighbours
    heard = np.float32(transfer.feedback_idea_share) * state.ideas[participants][rows]
    np.maximum.at(state.ideas, nodes, heard)
    listeners = np.unique(nodes)
    strength = contact_strength(
        np.float32(transfer.extended_contact_hours), index, identity[listeners], contact
    )
    apply_contact(state, listeners, strength, confirmation, confirm=confirm)
    refined = state.ideas[participants]
    refined += np.float32(transfer.feedback_refinement) * (np.float32(1.0) - refined)
    state.ideas[participants] = refined
    state.consulted[participants] = True
