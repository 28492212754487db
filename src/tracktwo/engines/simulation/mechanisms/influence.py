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


def fade_convictions(state: AgentState, anchored: NDArray[np.float32], rate: np.float32) -> None:
    """Let the convictions fall back ``rate`` of the way to the starting images.

    ``anchored`` holds ``rate`` times the starting group and individual images (2 x agents):
    the persistence of feelings toward the other side's people, apart from trust's.
    """
    convictions = state.attitudes[GROUP_CONVICTION : INDIVIDUAL_CONVICTION + 1]
    convictions *= np.float32(1.0) - rate
    convictions += anchored


PACKED_LIMIT = 1 << 22
"""Networks with fewer links than this take both columns in one complex product."""


BAND_SHARE = 0.5
"""A ring offset joins the band when at least this share of its ring pairs are linked."""
BAND_WIDEST = 32


def _ring_band(within: Any, rings: tuple[NDArray[np.int64], ...]) -> int:
    """Return how many ring neighbours on each side most members are linked to (0: none)."""
    size = within.shape[0]
    indptr = within.indptr.astype(np.int64)
    keys = np.repeat(np.arange(size, dtype=np.int64), np.diff(indptr)) * size + within.indices
    width = 0
    for offset in range(1, BAND_WIDEST + 1):
        pairs = [ring * size + np.roll(ring, -offset) for ring in rings if ring.size > 2 * offset]
        if len(pairs) != len(rings):
            break
        wanted = np.concatenate(pairs)
        found = np.searchsorted(keys, wanted)
        found = np.minimum(found, keys.size - 1)
        if np.count_nonzero(keys[found] == wanted) < BAND_SHARE * wanted.size:
            break
        width = offset
    return width


class _Band:
    """The ring links of a small world as a band, plus a sparse correction for the rest.

    In ring order a member's first ``width`` neighbours on each side are at fixed
    distances, so their sum is ``2 * width`` shifted additions over one padded copy of
    the vector (the ring wraps round through the padding). The links the band gets wrong
    (rewired away, added by rewiring or for decision-makers) form a sparse matrix of
    +1 and -1 over the same padded copy, about a fifth of the network's links.
    """

    def __init__(self, within: Any, rings: tuple[NDArray[np.int64], ...], width: int) -> None:
        size = within.shape[0]
        self.width = width
        padded, place, rows, columns = [], np.empty(size, dtype=np.int64), [], []
        base = 0
        for ring in rings:
            members = ring.size
            padded.append(ring[np.arange(-width, members + width) % members])
            place[ring] = base + np.arange(members, dtype=np.int64)
            for offset in range(1, width + 1):
                for step in (-offset, offset):
                    rows.append(ring)
                    columns.append(np.roll(ring, -step))
            base += members + 2 * width
        self.padded = np.concatenate(padded)
        self.place = place
        self.length = self.padded.size
        band = sp.csr_matrix(
            (
                np.ones(sum(r.size for r in rows), dtype=np.float32),
                (np.concatenate(rows), np.concatenate(columns)),
            ),
            shape=within.shape,
        )
        correction = (within.astype(np.float32) - band).tocoo()
        keep = correction.data != 0
        # each column read from its member's own (central) copy in the padded vector
        central = place[correction.col[keep]] + width
        matrix = sp.csr_matrix(
            (correction.data[keep].astype(np.complex64), (correction.row[keep], central)),
            shape=(size, self.length),
        )
        matrix.sum_duplicates()
        # kept as (row, column, value) triples in row order: no per-row cost in the product
        self.correction = matrix.tocoo()
        self._rows = self.correction.row.astype(matrix.indices.dtype)
        self._columns = self.correction.col.astype(matrix.indices.dtype)
        self.extended = np.empty(self.length, dtype=np.complex64)
        self.sums = np.empty(self.length - 2 * width, dtype=np.complex64)

    def multiply(self, vector: NDArray[np.complex64], out: NDArray[np.complex64]) -> None:
        """Write the network product of ``vector`` into ``out``."""
        width = self.width
        extended = np.take(vector, self.padded, out=self.extended)
        span = self.sums.size
        sums = np.add(
            extended[width - 1 : width - 1 + span],
            extended[width + 1 : width + 1 + span],
            out=self.sums,
        )
        for offset in range(2, width + 1):
            sums += extended[width - offset : width - offset + span]
            sums += extended[width + offset : width + offset + span]
        np.take(sums, self.place, out=out)
        correction = self.correction
        _sparsetools.coo_matvec(
            correction.nnz, self._rows, self._columns, correction.data, extended, out
        )


class NetworkProduct:
    """The daily sparse product: influence-weighted sums of group images and of ideas.

    Small networks pack both real columns into one complex vector, so that one pass over
    the index arrays serves both (the pass dominates while the arrays fit in cache); large
    ones run two real products, which then move less memory, side by side on two threads
    (scipy's sparse kernels release the GIL, so a free core takes the second). A small
    network built on rings (``rings``, each society's members in ring order) takes most
    links as a band of shifted additions (:class:`_Band`): the same sums up to rounding.
    """

    def __init__(self, within: Any, rings: tuple[NDArray[np.int64], ...] = ()) -> None:
        self.within = within
        self.packed = within.nnz < PACKED_LIMIT
        self.band: _Band | None = None
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
            width = _ring_band(within, rings) if rings else 0
            if width:
                band = _Band(within, rings, width)
                if band.correction.nnz < BAND_SHARE * within.nnz:
                    self.band = band
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
            if self.band is not None:
                self.band.multiply(self.buffer, self.totals)
            else:
                self.totals.fill(0)
                matrix = self.complex
                rows, columns = matrix.shape
                # scipy's own kernel behind ``matrix @ vector``, summing into a kept array
                _sparsetools.csr_matvec(
                    rows,
                    columns,
                    matrix.indptr,
                    matrix.indices,
                    matrix.data,
                    self.buffer,
                    self.totals,
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
