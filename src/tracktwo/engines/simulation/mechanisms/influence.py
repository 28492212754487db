"""Attitudes and workshop ideas spreading through each society's network.

Friedkin & Johnsen (1990): each day a member moves ``s`` of the way toward the
influence-weighted mean of its neighbours' image of the other group (DeGroot 1974) and
``a`` of the way back toward its own conviction. Ideas spread upward only: a member takes
up part of what its neighbours know beyond it, and forgets a little.

One sparse product per day (influence x group image and influence x ideas) carries the
whole network: no loop over members.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse import _sparsetools

from tracktwo.engines.simulation.parameters import ReentryParameters, SocialInfluenceParameters
from tracktwo.engines.simulation.state import (
    GROUP,
    GROUP_CONVICTION,
    INDIVIDUAL,
    INDIVIDUAL_CONVICTION,
    AgentState,
)


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


PACKED_LIMIT = 1 << 22
"""Networks with fewer links than this take both columns in one complex product."""


class NetworkProduct:
    """The daily sparse product: influence-weighted sums of group images and of ideas.

    Small networks pack both real columns into one complex vector, so that one pass over
    the index arrays serves both (the pass dominates while the arrays fit in cache); large
    ones run two real products, which then move less memory, side by side on two threads
    (scipy's sparse kernels release the GIL, so a free core takes the second).
    """

    def __init__(self, within: Any) -> None:
        self.within = within
        self.packed = within.nnz < PACKED_LIMIT
        if self.packed:
            self.complex = sp.csr_matrix(
                (within.data.astype(np.complex64), within.indices, within.indptr),
                shape=within.shape,
            )
            self.buffer = np.empty(within.shape[0], dtype=np.complex64)
            self.totals = np.empty(within.shape[0], dtype=np.complex64)
            self._real = self.buffer.real
            self._imag = self.buffer.imag
            self._total_real = self.totals.real
            self._total_imag = self.totals.imag
        self._group = np.empty(within.shape[0], dtype=np.float32)
        self._ideas = np.empty(within.shape[0], dtype=np.float32)

    def means(self, state: AgentState) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """Return each member's neighbours' influence-weighted mean group image and ideas.

        The arrays are reused the next day: read them before calling again.
        """
        weight = state.weight_sum
        if self.packed:
            np.multiply(state.influence, state.group, out=self._real)
            np.multiply(state.influence, state.ideas, out=self._imag)
            self.totals.fill(0)
            matrix = self.complex
            rows, columns = matrix.shape
            # scipy's own kernel behind ``matrix @ vector``, summing into a kept array
            _sparsetools.csr_matvec(
                rows, columns, matrix.indptr, matrix.indices, matrix.data, self.buffer, self.totals
            )
            np.divide(self._total_real, weight, out=self._group)
            np.divide(self._total_imag, weight, out=self._ideas)
            return self._group, self._ideas
        ideas = _second_thread().submit(
            self._mean, state.influence, state.ideas, weight, self._ideas
        )
        self._mean(state.influence, state.group, weight, self._group)
        ideas.result()
        return self._group, self._ideas

    def _mean(
        self,
        influence: NDArray[np.float32],
        values: NDArray[np.float32],
        weight: NDArray[np.float32],
        out: NDArray[np.float32],
    ) -> None:
        np.multiply(influence, values, out=out)
        np.divide(self.within @ out, weight, out=out)


_EXECUTOR: list[ThreadPoolExecutor] = []


def _second_thread() -> ThreadPoolExecutor:
    if not _EXECUTOR:
        _EXECUTOR.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracktwo-network"))
    return _EXECUTOR[0]


class SocialInfluence:
    """One day of network pull and conviction pull, with its per-agent rates and buffers.

    Images become ``images * (1 - s - a) + s * m + a * c``: the Friedkin & Johnsen update
    written so that each day makes few passes over memory (``keep = 1 - s - a`` is stored).
    """

    def __init__(self, pull: NDArray[np.float32], social: SocialInfluenceParameters) -> None:
        self.social = social
        self.conviction = np.float32(social.conviction)
        self.pull = pull
        self.keep = np.float32(1.0) - pull - self.conviction
        self._row = np.empty_like(pull)
        self._rows = np.empty((2, pull.size), dtype=np.float32)

    def set_pull(self, agents: NDArray[np.int64], pull: NDArray[np.float32]) -> None:
        """Change the pull of ``agents`` (a friendship formed, say)."""
        self.pull[agents] = pull
        self.keep[agents] = np.float32(1.0) - pull - self.conviction

    def step(
        self,
        state: AgentState,
        network_group: NDArray[np.float32],
        network_ideas: NDArray[np.float32],
        away: NDArray[np.int64],
        *,
        diffusion: bool,
    ) -> None:
        """Apply one day; agents ``away`` (at a workshop) are untouched."""
        if away.size:
            kept, kept_ideas = state.attitudes[:, away], state.ideas[away]
        images = state.attitudes[GROUP : INDIVIDUAL + 1]
        convictions = state.attitudes[GROUP_CONVICTION : INDIVIDUAL_CONVICTION + 1]
        images *= self.keep
        np.multiply(network_group, self.pull, out=self._row)
        images += self._row
        np.multiply(convictions, self.conviction, out=self._rows)
        images += self._rows
        ideas = state.ideas
        if diffusion:
            gap = np.subtract(network_ideas, ideas, out=self._row)
            np.maximum(gap, np.float32(0.0), out=gap)
            gap *= np.float32(self.social.idea_spread)
            ideas += gap
        ideas *= np.float32(1.0 - self.social.idea_decay)
        if away.size:
            state.attitudes[:, away] = kept
            state.ideas[away] = kept_ideas
