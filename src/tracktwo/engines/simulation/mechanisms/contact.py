"""Contact with members of the other side, scaled by the five conditions.

Hewstone & Brown (1986; seed 4.3) name five conditions; Pettigrew & Tropp (2006) found
that they work as a bundle and are facilitating, not essential: contact without them still
reduces prejudice, less strongly. So the effect of an episode is scaled by
``floor + (1 - floor) * index``, never by zero.

Contact can also go badly. Barlow et al. (2012, 'The contact caveat') found negative
contact more strongly associated with prejudice than positive contact with its reduction,
and Graf, Paolini & Rubin (2014) that it is rarer; so an episode is negative with a chance
that grows as the conditions fail (:func:`negative_chance`) and then moves the images
toward -1 by ``negative_weight`` times what a positive one under full conditions would
move them toward +1: the conditions decide whether an episode goes well, not how much a
bad one hurts.
A negative episode is not discounted by hypothesis confirmation: it confirms the prior
image, and negative contact makes the other's group membership salient (Paolini, Harwood
& Rubin 2010), so it reaches the group image as fully as contact can.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from tracktwo.engines.simulation.fused import in_halves, meet_across, meet_badly
from tracktwo.engines.simulation.mechanisms.hypothesis import generalised_share
from tracktwo.engines.simulation.parameters import (
    ContactParameters,
    HypothesisConfirmationParameters,
)
from tracktwo.engines.simulation.state import GROUP, GROUP_CONVICTION, INDIVIDUAL, AgentState

_NO_PICKS = np.empty(0, dtype=np.int64)


def condition_factor(index: float, contact: ContactParameters) -> float:
    """Return how much of contact's full effect the condition index (0..1) allows."""
    return contact.floor + (1.0 - contact.floor) * index


def negative_chance(index: float, contact: ContactParameters, *, everyday: bool) -> float:
    """Return the chance that an episode at condition index ``index`` goes badly.

    ``negative_chance * (1 - index) ** 2`` for a workshop day, times ``everyday_negative_share``
    for an everyday encounter along an existing tie.
    """
    chance = contact.negative_chance * (1.0 - index) ** 2
    return chance * contact.everyday_negative_share if everyday else chance


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
    share = generalised_share(state.attitudes[GROUP, agents], confirmation, on=confirm)
    _move_images(state, agents, (share * strength, strength), 1.0)


Steps = tuple[NDArray[np.float32], NDArray[np.float32]]


def _move_images(state: AgentState, agents: NDArray[np.int64], steps: Steps, toward: float) -> None:
    """Move the group images of ``agents`` by the first of ``steps`` and the images of the
    individuals met by the second, each a share of the distance to ``toward`` (+1 or -1)."""
    group_step, individual_step = steps
    target = np.float32(toward)
    values = state.attitudes[:, agents]
    group_rows = values[GROUP::2]
    individual_rows = values[INDIVIDUAL::2]
    group_rows += group_step * (target - group_rows)
    individual_rows += individual_step * (target - individual_rows)
    state.attitudes[:, agents] = values


def apply_negative_contact(
    state: AgentState,
    agents: NDArray[np.int64],
    strength: NDArray[np.float32],
    contact: ContactParameters,
    confirmation: HypothesisConfirmationParameters,
) -> None:
    """Move images and convictions of ``agents`` toward -1 after a negative episode.

    Each image closes ``min(1, negative_weight * strength)`` of its distance to -1; the
    group image that times ``generalisation`` (no subtyping of confirming evidence).
    """
    if agents.size == 0:
        return
    share = np.minimum(np.float32(1.0), np.float32(contact.negative_weight) * strength)
    generalised = np.float32(confirmation.generalisation) * share
    _move_images(state, agents, (generalised, share), -1.0)


def split_episodes(
    agents: NDArray[np.int64], chance: float, rng: np.random.Generator
) -> NDArray[np.bool_]:
    """Return which of ``agents``' episodes go badly: one uniform draw each, always taken."""
    bad: NDArray[np.bool_] = rng.random(agents.size) < chance
    return bad


class EverydayContact:
    """Daily contact of the members with ties across the divide, with its buffers kept.

    The same members meet every day at the same strength, so their indices (flat, into
    the four rows of :attr:`AgentState.attitudes`) and the scratch arrays are set up once;
    a day is one gather, a few operations on the bridged members only and one scatter.
    The arithmetic is :func:`apply_contact`'s, operation for operation. On top of the
    day's positive encounter, each bridged member has a negative one with chance
    ``negative`` (:func:`negative_chance` of the everyday index): the day draws how many
    from a binomial and whom uniformly, so its cost grows with the few, not the many.
    """

    def __init__(
        self,
        agents: NDArray[np.int64],
        strength: NDArray[np.float32],
        size: int,
        confirmation: HypothesisConfirmationParameters,
        *,
        confirm: bool,
        contact: ContactParameters | None = None,
        negative: float = 0.0,
        negative_strength: NDArray[np.float32] | None = None,
    ) -> None:
        self.negative_strength = strength if negative_strength is None else negative_strength
        self.agents = agents
        self.contact = contact
        self.negative = negative if contact is not None else 0.0
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
        self._seen = np.empty(0, dtype=np.bool_)
        self._rates = np.empty(0, dtype=np.float32)

    def apply(
        self,
        state: AgentState,
        rng: np.random.Generator | None = None,
        *,
        compiled: bool = False,
    ) -> None:
        """Move the bridged members' images and convictions for one day.

        Toward +1 for everyone; then toward -1 for those whose encounter went badly (drawn
        from ``rng`` when there is a chance of it). ``compiled`` runs the day compiled
        (:func:`~tracktwo.engines.simulation.fused.meet_across` on two threads, then
        :func:`~tracktwo.engines.simulation.fused.meet_badly`): the same draws and the same
        numbers.
        """
        if self.agents.size == 0:
            return
        if compiled:
            self._apply_compiled(state, rng)
            return
        self._apply_positive(state)
        if self.negative > 0.0 and rng is not None and self.contact is not None:
            count = int(rng.binomial(self.agents.size, self.negative))
            if count:
                picks = np.unique(rng.integers(0, self.agents.size, count))
                apply_negative_contact(
                    state,
                    self.agents[picks],
                    self.negative_strength[picks],
                    self.contact,
                    self.parameters,
                )

    def _apply_compiled(self, state: AgentState, rng: np.random.Generator | None) -> None:
        picks = _NO_PICKS
        if self.negative > 0.0 and rng is not None and self.contact is not None:
            count = int(rng.binomial(self.agents.size, self.negative))
            if count:
                picks = rng.integers(0, self.agents.size, count)
        if self._seen.size != self.agents.size:
            self._seen = np.zeros(self.agents.size, dtype=np.bool_)
            weight = self.contact.negative_weight if self.contact is not None else 0.0
            self._rates = np.array(
                [self.generalisation, self.confirmation, float(self.confirm), weight],
                dtype=np.float32,
            )
        in_halves(
            meet_across, self.agents.size, state.attitudes, self.agents, self.strength, self._rates
        )
        if picks.size:
            meet_badly(
                state.attitudes, self.agents, picks, self.negative_strength, self._rates, self._seen
            )

    def _apply_positive(self, state: AgentState) -> None:
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


class ExtendedContact:
    """Extended contact: members whose in-group friends have friends across the divide.

    Wright, Aron, McLaughlin-Volpe & Ropp (1997): knowing that in-group members have
    out-group friends improves attitudes toward the out-group, through the perceived norms
    of both groups and less anxiety; Zhou et al. (2019) find it holds net of direct
    friendship. Each in-group friend who has a tie across the divide (everyday, or a close
    friendship formed at a workshop) gives a member ``extended_share`` of one tie's everyday
    contact a day, on the conviction behind its feelings toward the other group (not on the
    image of individuals met: it has met none). A day is three passes over one row.
    """

    def __init__(
        self,
        within: Any,
        bridged: NDArray[np.bool_],
        identity: NDArray[np.float32],
        contact: ContactParameters,
    ) -> None:
        self.within = within
        self.contact = contact
        self.identity = identity
        self.bridged = bridged.copy()
        self.friends = np.asarray(within @ bridged.astype(np.float32), dtype=np.float32)
        self.strength = self._strength(self.friends, identity)
        self._heard = bool(np.any(self.friends))
        self._gap = np.empty_like(self.strength)

    def _strength(
        self, friends: NDArray[np.float32], identity: NDArray[np.float32]
    ) -> NDArray[np.float32]:
        contact = self.contact
        hours = np.float32(contact.everyday_hours_per_tie * contact.extended_share) * friends
        return contact_strength(hours, contact.everyday_index, identity, contact)

    @property
    def active(self) -> bool:
        """Tell whether anybody hears of a friend's tie across the divide."""
        return self.contact.extended_share > 0.0 and self._heard

    def befriend(self, agents: NDArray[np.int64]) -> None:
        """Count the new ties across the divide of ``agents`` among their friends'."""
        new = agents[~self.bridged[agents]]
        if new.size == 0:
            return
        self.bridged[new] = True
        rows = self.within[new]
        hearers = rows.indices.astype(np.int64)
        np.add.at(self.friends, hearers, np.float32(1.0))
        self._heard = self._heard or bool(hearers.size)
        touched = np.unique(hearers)
        self.strength[touched] = self._strength(self.friends[touched], self.identity[touched])

    def apply(self, state: AgentState) -> None:
        """Move every member's conviction behind its group image toward +1 for one day."""
        conviction = state.attitudes[GROUP_CONVICTION]
        gap = np.subtract(np.float32(1.0), conviction, out=self._gap)
        gap *= self.strength
        conviction += gap
