"""Trust: beliefs about the other group's intentions, moved by what that group is seen to do.

Contact works on feelings toward the other side's people, through empathy and intergroup
anxiety (Pettigrew & Tropp 2008); what members believe the other group as a whole intends
is a distinct belief (Tam, Hewstone, Kenworthy & Cairns 2009), and the seed ties it to
conduct: participants come to see the other side's statements as credible when later
actions confirm them (4.3, hypothesis confirmation). So trust here is moved by three
things the other side does, never by contact itself:

- events: a costly event (an attack, an escalation) lowers the trust of the side that bears
  it;
- official signals: formal talks opening raise both sides' trust, a breakdown lowers it;
- the visible behaviour of the other side's returning participants: a participant's trust
  moves toward their stance at home (their feelings, weighted by the influence they keep),
  confirming or belying what they said at the workshop; the public sees a little of it.

Evidence that would raise a hostile belief is discounted by its prior negativity, as the
seed's hypothesis confirmation argues (Lord, Ross & Lepper 1979, biased assimilation); bad
news is taken in full. Each day trust falls back part of the way to its starting belief: its
own persistence, shorter than that of feelings.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tracktwo.engines.simulation.fused import SPLIT_FROM, confirm_trust, fall_back, second_thread
from tracktwo.engines.simulation.parameters import (
    HypothesisConfirmationParameters,
    TrustParameters,
)
from tracktwo.engines.simulation.state import AgentState


def visible_stance(state: AgentState, participants: NDArray[np.int64]) -> float | None:
    """Return the influence-weighted mean group image of ``participants``, None if none.

    What the other side sees of them at home: the marginalised are heard less.
    """
    if participants.size == 0:
        return None
    weights = state.influence[participants]
    total = float(weights.sum(dtype=np.float64))
    if total <= 0.0:
        return None
    return float(np.dot(weights.astype(np.float64), state.group[participants])) / total


def credited_share(
    trust: NDArray[np.float32],
    evidence: float,
    confirmation: HypothesisConfirmationParameters,
    *,
    on: bool,
) -> NDArray[np.float32]:
    """Return the share of the evidence's pull each believer takes in (0..1).

    ``1 - strength * (1 - t) / 2`` of a prior trust ``t`` for evidence above it (good news
    about a group one distrusts is discounted), 1 for evidence below it or without
    hypothesis confirmation.
    """
    if not on:
        return np.ones_like(trust)
    discount = np.float32(1.0) - np.float32(confirmation.strength) * (
        np.float32(1.0) - trust
    ) * np.float32(0.5)
    return np.where(np.float32(evidence) > trust, discount, np.float32(1.0)).astype(np.float32)


class TrustDynamics:
    """Each society's trust day by day: decay, events, official signals and confirmation.

    ``members`` holds each society's slice of agents. The day's update of a whole society
    is two or three passes over its members (``trust * keep + decay * anchor + visible``),
    with ``decay * anchor`` kept from the start.
    """

    def __init__(
        self,
        state: AgentState,
        members: tuple[slice, slice],
        trust: TrustParameters,
        confirmation: HypothesisConfirmationParameters,
        *,
        confirm: bool,
    ) -> None:
        self.members = members
        self.parameters = trust
        self.confirmation = confirmation
        self.confirm = confirm
        self.decay = np.float32(trust.decay)
        self._anchored = (
            self.decay * state.trust_anchor if trust.decay > 0.0 else np.empty(0, np.float32)
        )

    def event(self, state: AgentState, society: int, jump: float, mean_jump: float) -> None:
        """Lower ``society``'s trust after a costly event of size ``jump``."""
        if jump <= 0.0 or mean_jump <= 0.0 or self.parameters.event_impact == 0.0:
            return
        share = -math.expm1(-self.parameters.event_impact * jump / mean_jump)
        self._move(state.trust[self.members[society]], share, -1.0)

    def signal(self, state: AgentState, toward: float) -> None:
        """Move both sides' trust toward ``toward`` (+1 talks open, -1 they break down)."""
        self._move(state.trust, self.parameters.official_signal, toward)

    @staticmethod
    def _move(block: NDArray[np.float32], share: float, toward: float) -> None:
        if share <= 0.0:
            return
        block *= np.float32(1.0 - share)
        block += np.float32(share * toward)

    def confirm_statements(
        self,
        state: AgentState,
        participants: NDArray[np.int64],
        stance: float | None,
        *,
        compiled: bool = False,
    ) -> None:
        """Move ``participants``' trust toward the other side's participants' ``stance``.

        ``compiled`` runs :func:`~tracktwo.engines.simulation.fused.confirm_trust`: the
        same numbers in one call.
        """
        if participants.size == 0 or stance is None:
            return
        if compiled:
            confirm_trust(
                state.trust,
                participants,
                stance,
                self.parameters.confirmation_rate,
                self.confirmation.strength,
                self.confirm,
            )
            return
        trust = state.trust[participants]
        rate = np.float32(self.parameters.confirmation_rate) * credited_share(
            trust, stance, self.confirmation, on=self.confirm
        )
        trust += rate * (np.float32(stance) - trust)
        state.trust[participants] = trust

    def daily(
        self,
        state: AgentState,
        stances: tuple[float | None, float | None],
        *,
        compiled: bool = False,
    ) -> None:
        """Let each society's trust decay and follow the other side's participants a little.

        ``stances[s]`` is what society ``s``'s participants are seen to do at home
        (:func:`visible_stance`), None when none are at home; society ``s`` watches the
        other's. ``compiled`` runs :func:`~tracktwo.engines.simulation.fused.fall_back`
        (the same numbers, one call a society; large societies side by side on two threads).
        """
        parameters = self.parameters
        calls: list[tuple[Any, ...]] = []
        for society, members in enumerate(self.members):
            seen = stances[1 - society]
            public = (
                parameters.public_visibility * parameters.confirmation_rate
                if seen is not None
                else 0.0
            )
            keep = 1.0 - parameters.decay - public
            if keep == 1.0:
                continue
            if compiled:
                visible = bool(public) and seen is not None
                added = public * seen if visible and seen is not None else 0.0
                calls.append(
                    (state.trust, self._anchored, members.start, members.stop, keep, added, visible)
                )
                continue
            block = state.trust[members]
            block *= np.float32(keep)
            if self._anchored.size:
                block += self._anchored[members]
            if public and seen is not None:
                block += np.float32(public * seen)
        if len(calls) == 2 and state.trust.size >= 2 * SPLIT_FROM:
            other = second_thread().submit(fall_back, *calls[1])
            fall_back(*calls[0])
            other.result()
            return
        for call in calls:
            fall_back(*call)
