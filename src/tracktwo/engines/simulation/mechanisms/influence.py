"""Attitudes and workshop ideas spreading through each society's network.

Friedkin & Johnsen (1990): each day a member moves ``s`` of the way toward the
influence-weighted mean of its neighbours' image of the other group (DeGroot 1974) and
``a`` of the way back toward its own conviction. Ideas spread upward only: a member takes
up part of what its neighbours know beyond it, and forgets a little.

One sparse product per day (two columns: influence x group image, influence x ideas)
carries the whole network: no loop over members.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from tracktwo.engines.simulation.parameters import ReentryParameters, SocialInfluenceParameters
from tracktwo.engines.simulation.state import AgentState


def susceptibility(
    identity: NDArray[np.float32],
    tie: NDArray[np.float32],
    social: SocialInfluenceParameters,
    reentry: ReentryParameters,
    *,
    diffusion: bool,
    reentry_pressure: bool,
) -> NDArray[np.float32]:
    """Return each member's daily pull toward its network, 0..1.

    ``susceptibility`` (with diffusion) plus ``pull * identity * (1 - tie_protection *
    tie)`` (with re-entry pressure; seed 4.3, fifth point).
    """
    base = np.float32(social.susceptibility if diffusion else 0.0)
    pull = np.zeros_like(identity)
    if reentry_pressure:
        shield = np.float32(1.0) - np.float32(reentry.tie_protection) * tie
        pull = np.float32(reentry.pull) * identity * shield
    return np.asarray(base + pull, dtype=np.float32)


def network_means(
    within: Any, state: AgentState, buffer: NDArray[np.float32]
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Return the influence-weighted neighbour means of group image and of ideas.

    ``buffer`` is an (agents, 2) scratch array, reused from day to day.
    """
    np.multiply(state.influence, state.group, out=buffer[:, 0])
    np.multiply(state.influence, state.ideas, out=buffer[:, 1])
    totals = np.asarray(within @ buffer, dtype=np.float32)
    weight = np.maximum(state.weight_sum, np.float32(1e-12))
    group = cast(NDArray[np.float32], totals[:, 0] / weight)
    ideas = cast(NDArray[np.float32], totals[:, 1] / weight)
    return group, ideas


def influence_step(
    state: AgentState,
    network_group: NDArray[np.float32],
    network_ideas: NDArray[np.float32],
    pull: NDArray[np.float32],
    social: SocialInfluenceParameters,
    away: NDArray[np.int64],
    *,
    diffusion: bool,
) -> None:
    """Apply one day of network pull and conviction pull; agents ``away`` are untouched."""
    kept = [image[away].copy() for image in (state.individual, state.group, state.ideas)]
    conviction = np.float32(social.conviction)
    for image, own in (
        (state.group, state.group_conviction),
        (state.individual, state.individual_conviction),
    ):
        toward_network = network_group - image
        toward_network *= pull
        toward_self = own - image
        toward_self *= conviction
        image += toward_network
        image += toward_self
    if diffusion:
        gap = network_ideas - state.ideas
        np.maximum(gap, np.float32(0.0), out=gap)
        gap *= np.float32(social.idea_spread)
        state.ideas += gap
    state.ideas *= np.float32(1.0 - social.idea_decay)
    for image, values in zip((state.individual, state.group, state.ideas), kept, strict=True):
        image[away] = values
