"""The large network's day in two compiled passes over the members, split between two threads.

At a million members per society the numpy day reads and writes every per-agent array
several times over (the sparse product, then the Friedkin & Johnsen update, the idea
spread, extended contact and fading convictions, each a pass or more), and the day is
bound by memory traffic, not arithmetic. Here one pass (:func:`weigh`) writes each
member's influence-weighted group image and ideas side by side, and a second
(:func:`pull_rows`) visits each member once, after :func:`gather_far` has copied the
far neighbours' pairs into the order it reads them: it sums its neighbours' pairs, then applies,
in the numpy order, extended contact and fading to its convictions, the network and
conviction pull to its images and the spread and decay of its ideas. Two more passes
sum the day's images per role (:func:`block_sums`) and count them into the recorder's bins
(:func:`count_bins`).

The network is read in a compact form (:class:`CompactNetwork`): a small world stores its
members in ring order, so about nine links in ten join members at most :data:`REACH`
places apart, and those are one bit each in a byte per member; only the others (the
rewired shortcuts, the decision-makers' ties to elites) are stored as indices. That reads
about a fifth of the bytes of the CSR index arrays.

The arithmetic is the numpy version's operation for operation, in ``float32``, with the
neighbours summed in CSR order (column by column, as scipy's ``csr_matvec`` sums them):
with ``fastmath`` off numba neither fuses a multiply-add nor reorders a sum, so the result
is the same bits (``tests/unit/simulation/test_simulation_fused.py`` checks it). Random
numbers are never drawn here: the mechanisms that need them run before, in numpy, from the
run's generator.

The kernels release the GIL, so two threads take half the members each. Compiled code is
cached beside the sources (numba's ``cache=True``): only the first run on a machine waits
for the compiler (a few seconds).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numba
import numpy as np
from numpy.typing import NDArray

from tracktwo.engines.simulation.state import AgentState

Function = TypeVar("Function", bound=Callable[..., Any])

REACH = 4
"""Links to members at most this many places away (either side) are stored as bits."""


def _compiled(function: Function) -> Function:
    """Compile ``function`` in nopython mode, cached, GIL released; ``py_func`` keeps it."""
    return numba.njit(cache=True, nogil=True, fastmath=False)(function)  # type: ignore[return-value]


class CompactNetwork:
    """A symmetric 0/1 network as near-link bits plus a CSR list of the far links.

    ``near[m]`` has bit ``k`` set when member ``m`` links to ``m + k - REACH`` (``k <
    REACH``) or ``m + k - REACH + 1`` (``k >= REACH``): the offsets in increasing order.
    ``far_start``/``far`` list the other links of each member in increasing order, those
    below ``m - REACH`` then those above ``m + REACH``; ``far_target`` and ``far_slot`` are
    the same links in order of the member linked to, each with its place in ``far``.
    """

    def __init__(self, within: Any) -> None:
        matrix = within if within.has_sorted_indices else within.sorted_indices()
        size = matrix.shape[0]
        # int32 throughout: at a million members per society each link array is 64 MB
        columns = matrix.indices.astype(np.int32, copy=False)
        rows = np.repeat(np.arange(size, dtype=np.int32), np.diff(matrix.indptr))
        offset = columns - rows
        self.near = np.zeros(size, dtype=np.uint8)
        far = np.ones(columns.size, dtype=np.bool_)
        for bit in range(2 * REACH):
            at = offset == bit - REACH + (1 if bit >= REACH else 0)
            far &= ~at
            linked = np.bincount(rows[at], minlength=size) > 0
            self.near |= linked.astype(np.uint8) << np.uint8(bit)
        del offset
        far_rows = rows[far]
        del rows
        self.far_start = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(far_rows, minlength=size), out=self.far_start[1:])
        self.far = columns[far]
        order = np.argsort(self.far, kind="stable")
        self.far_target = self.far[order]
        self.far_slot = order.astype(np.int32)
        self.size = size


@_compiled
def weigh(
    influence: NDArray[np.float32],
    group: NDArray[np.float32],
    ideas: NDArray[np.float32],
    out: NDArray[np.float32],
    start: int,
    stop: int,
) -> None:
    """Write ``influence * group`` and ``influence * ideas`` of members ``start..stop`` into
    the two columns of ``out`` (members x 2)."""
    for member in range(start, stop):
        weight = influence[member]
        out[member, 0] = weight * group[member]
        out[member, 1] = weight * ideas[member]


@_compiled
def gather_far(
    far_target: NDArray[np.int32],
    far_slot: NDArray[np.int32],
    weighted: NDArray[np.float32],
    out: NDArray[np.float32],
    start: int,
    stop: int,
) -> None:
    """Copy the pairs of far links ``start..stop`` (in order of the member linked to) into
    their places in ``out`` (far links x 2, in the order of :attr:`CompactNetwork.far`).

    Reading ``weighted`` in order and writing each pair to its own place costs a fraction
    of fetching the shortcuts' ends one by one in the member loop, where each waits on
    memory.
    """
    for link in range(start, stop):
        neighbour = far_target[link]
        slot = far_slot[link]
        out[slot, 0] = weighted[neighbour, 0]
        out[slot, 1] = weighted[neighbour, 1]


@_compiled
def pull_rows(
    near: NDArray[np.uint8],
    far_start: NDArray[np.int64],
    far: NDArray[np.int32],
    far_pairs: NDArray[np.float32],
    weighted: NDArray[np.float32],
    weight_sum: NDArray[np.float32],
    attitudes: NDArray[np.float32],
    ideas: NDArray[np.float32],
    keep: NDArray[np.float32],
    pull: NDArray[np.float32],
    rates: NDArray[np.float32],
    away: NDArray[np.bool_],
    extended: NDArray[np.float32],
    anchored: NDArray[np.float32],
    start: int,
    stop: int,
) -> None:
    """Apply one day of the network to members ``start..stop``.

    ``weighted`` comes from :func:`weigh`, ``far_pairs`` from :func:`gather_far`; ``rates``
    holds the conviction pull, the idea spread, whether ideas spread (1 or 0), the share of
    ideas kept after decay and the share of convictions kept while fading. ``extended``
    (empty when extended contact is off) is each member's daily pull of its group conviction
    toward +1; ``anchored`` (2 x members, empty without fading) is what the convictions fade
    toward, times the fading rate.
    Members ``away`` keep their images and ideas; their convictions still change.
    """
    one = np.float32(1.0)
    zero = np.float32(0.0)
    conviction = rates[0]
    spread = rates[1]
    diffusion = rates[2] > zero
    idea_keep = rates[3]
    fade_keep = rates[4]
    contact = extended.size > 0
    fading = anchored.size > 0
    for member in range(start, stop):
        group_total = zero
        ideas_total = zero
        link = far_start[member]
        last = far_start[member + 1]
        while link < last and far[link] < member:
            group_total += far_pairs[link, 0]
            ideas_total += far_pairs[link, 1]
            link += 1
        bits = near[member]
        if bits:
            for k in range(2 * REACH):
                if bits & (1 << k):
                    neighbour = member + k - REACH + (1 if k >= REACH else 0)
                    group_total += weighted[neighbour, 0]
                    ideas_total += weighted[neighbour, 1]
        while link < last:
            group_total += far_pairs[link, 0]
            ideas_total += far_pairs[link, 1]
            link += 1
        total_weight = weight_sum[member]
        group_conviction = attitudes[2, member]
        individual_conviction = attitudes[3, member]
        if contact:
            group_conviction += (one - group_conviction) * extended[member]
        if fading:
            group_conviction = group_conviction * fade_keep + anchored[0, member]
            individual_conviction = individual_conviction * fade_keep + anchored[1, member]
        attitudes[2, member] = group_conviction
        attitudes[3, member] = individual_conviction
        if away[member]:
            continue
        kept = keep[member]
        pulled = group_total / total_weight * pull[member]
        attitudes[0, member] = attitudes[0, member] * kept + pulled + group_conviction * conviction
        attitudes[1, member] = (
            attitudes[1, member] * kept + pulled + individual_conviction * conviction
        )
        held = ideas[member]
        if diffusion:
            gap = ideas_total / total_weight - held
            if gap < zero:
                gap = zero
            held += gap * spread
        ideas[member] = held * idea_keep


@_compiled
def group_means(
    indptr: NDArray[np.int32],
    indices: NDArray[np.int32],
    weighted: NDArray[np.float32],
    weight_sum: NDArray[np.float32],
    agents: NDArray[np.int64],
    out: NDArray[np.float32],
) -> None:
    """Write the neighbours' influence-weighted mean group image of ``agents`` into ``out``."""
    for agent in agents:
        total = np.float32(0.0)
        for link in range(indptr[agent], indptr[agent + 1]):
            total += weighted[indices[link], 0]
        out[agent] = total / weight_sum[agent]


@_compiled
def meet_across(
    attitudes: NDArray[np.float32],
    agents: NDArray[np.int64],
    strength: NDArray[np.float32],
    rates: NDArray[np.float32],
    start: int,
    stop: int,
) -> None:
    """Move the images and convictions of the bridged ``agents[start:stop]`` toward +1, as
    :class:`~tracktwo.engines.simulation.mechanisms.contact.EverydayContact` does in numpy.

    Each by its ``strength``, the group's by the generalised share. ``rates``: the
    generalisation, the confirmation strength, whether hypothesis confirmation is on (1 or
    0) and the negative weight.
    """
    one = np.float32(1.0)
    half = np.float32(0.5)
    generalisation = rates[0]
    confirmation = rates[1]
    confirm = rates[2] > np.float32(0.0)
    for position in range(start, stop):
        agent = agents[position]
        step = strength[position]
        group = attitudes[0, agent]
        if confirm:
            share = (one - (one - group) * half * confirmation) * generalisation * step
        else:
            share = generalisation * step
        attitudes[0, agent] = group + (one - group) * share
        attitudes[2, agent] += (one - attitudes[2, agent]) * share
        attitudes[1, agent] += (one - attitudes[1, agent]) * step
        attitudes[3, agent] += (one - attitudes[3, agent]) * step


@_compiled
def meet_badly(
    attitudes: NDArray[np.float32],
    agents: NDArray[np.int64],
    picks: NDArray[np.int64],
    strength: NDArray[np.float32],
    rates: NDArray[np.float32],
    seen: NDArray[np.bool_],
) -> None:
    """Move the images and convictions of ``agents[picks]`` (repeats counted once) toward -1
    by ``min(1, negative_weight * strength)``, the group's times the generalisation.

    ``rates`` as :func:`meet_across` takes them; ``seen`` (one per agent, all False) is
    scratch, left all False.
    """
    one = np.float32(1.0)
    toward = np.float32(-1.0)
    generalisation = rates[0]
    weight = rates[3]
    for pick in picks:
        if seen[pick]:
            continue
        seen[pick] = True
        agent = agents[pick]
        step = min(one, weight * strength[pick])
        generalised = generalisation * step
        for row in (0, 2):
            attitudes[row, agent] += generalised * (toward - attitudes[row, agent])
        for row in (1, 3):
            attitudes[row, agent] += step * (toward - attitudes[row, agent])
    for pick in picks:
        seen[pick] = False


@_compiled
def block_sums(
    attitudes: NDArray[np.float32],
    ideas: NDArray[np.float32],
    edges: NDArray[np.int64],
    out: NDArray[np.float64],
    start: int,
    stop: int,
) -> None:
    """Write, per block of members ``edges[b]..edges[b + 1]`` (those in ``start..stop``),
    the sums of the group and individual images, of their squares and of ideas into ``out``
    (5 x blocks).

    One pass, summed in ``float64``: at a million members a ``float32`` sum in order would
    lose digits, and numpy's pairwise ``float32`` sums take a pass per quantity.
    """
    for block in range(edges.size - 1):
        group = 0.0
        individual = 0.0
        group_squares = 0.0
        individual_squares = 0.0
        held = 0.0
        for member in range(max(edges[block], start), min(edges[block + 1], stop)):
            image = np.float64(attitudes[0, member])
            met = np.float64(attitudes[1, member])
            group += image
            individual += met
            group_squares += image * image
            individual_squares += met * met
            held += np.float64(ideas[member])
        out[0, block] = group
        out[1, block] = individual
        out[2, block] = group_squares
        out[3, block] = individual_squares
        out[4, block] = held


@_compiled
def count_bins(
    group: NDArray[np.float32],
    split: int,
    bins: int,
    counts: NDArray[np.int64],
    start: int,
    stop: int,
) -> None:
    """Count the group images (-1..1) of members ``start..stop`` into ``bins`` equal bins per
    society, members from ``split`` on in the second ``bins``; ``counts`` (2 x bins) is
    zeroed first."""
    counts[:] = 0
    scale = np.float32(bins / 2)
    one = np.float32(1.0)
    last = bins - 1
    for member in range(start, stop):
        place = int((group[member] + one) * scale)
        if place > last:
            place = last
        society = 1 if member >= split else 0
        counts[society, place] += 1


SPLIT_FROM = 1 << 16
"""Passes over fewer members than this run on one thread: handing half to another costs
more than it saves."""
_EXECUTOR: dict[int, ThreadPoolExecutor] = {}


def _second_thread() -> ThreadPoolExecutor:
    """Return the one worker thread that takes half of a compiled pass (made on first use).

    One per process: a forked worker does not inherit its parent's thread, so it makes its own.
    """
    process = os.getpid()
    if process not in _EXECUTOR:
        _EXECUTOR.clear()
        _EXECUTOR[process] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracktwo-fused")
    return _EXECUTOR[process]


def in_halves(kernel: Callable[..., None], size: int, *arguments: Any) -> None:
    """Run ``kernel(*arguments, start, stop)`` over members ``0..size`` in two halves at once
    (in one piece below :data:`SPLIT_FROM`)."""
    if size < SPLIT_FROM:
        kernel(*arguments, 0, size)
        return
    half = size // 2
    other = _second_thread().submit(kernel, *arguments, half, size)
    kernel(*arguments, 0, half)
    other.result()


def in_two_parts(
    kernel: Callable[..., None], size: int, out: NDArray[Any], *arguments: Any
) -> NDArray[Any]:
    """Run ``kernel(*arguments, part, start, stop)`` over two halves of ``0..size`` at once,
    each into its own array shaped like ``out``, and return their sum in ``out`` (in one
    piece below :data:`SPLIT_FROM`)."""
    if size < SPLIT_FROM:
        kernel(*arguments, out, 0, size)
        return out
    half = size // 2
    second = np.empty_like(out)
    other = _second_thread().submit(kernel, *arguments, second, half, size)
    kernel(*arguments, out, 0, half)
    other.result()
    out += second
    return out


class CompiledDay:
    """The network's part of a day on a large network: :func:`weigh` then :func:`pull_rows`.

    Holds the compact form of ``within`` (the society networks, ``float32`` ones) and the
    scratch arrays kept from day to day; the per-agent rates come from the model's
    :class:`~tracktwo.engines.simulation.mechanisms.influence.SocialInfluence` (``keep`` and
    ``pull``, changed in place when friendships form).
    """

    def __init__(self, within: Any, keep: NDArray[np.float32], pull: NDArray[np.float32]) -> None:
        self.within = within
        self.network = CompactNetwork(within)
        self.size = self.network.size
        self.keep = keep
        self.pull = pull
        self.weighted = np.empty((self.size, 2), dtype=np.float32)
        self.far_pairs = np.empty((self.network.far.size, 2), dtype=np.float32)
        self.away = np.zeros(self.size, dtype=np.bool_)
        self.network_group = np.zeros(self.size, dtype=np.float32)
        self._none = np.empty(0, dtype=np.float32)
        self._no_anchor = np.empty((0, 0), dtype=np.float32)

    def step(
        self,
        state: AgentState,
        away: NDArray[np.int64],
        rates: NDArray[np.float32],
        extended: NDArray[np.float32] | None = None,
        anchored: NDArray[np.float32] | None = None,
    ) -> None:
        """Apply the day's network pull, extended contact and fading to ``state``.

        ``rates`` as :func:`pull_rows` takes them; ``extended`` and ``anchored`` None when
        extended contact or fading is off.
        """
        in_halves(weigh, self.size, state.influence, state.group, state.ideas, self.weighted)
        network = self.network
        in_halves(
            gather_far,
            network.far.size,
            network.far_target,
            network.far_slot,
            self.weighted,
            self.far_pairs,
        )
        self.away[away] = True
        in_halves(
            pull_rows,
            self.size,
            network.near,
            network.far_start,
            network.far,
            self.far_pairs,
            self.weighted,
            state.weight_sum,
            state.attitudes,
            state.ideas,
            self.keep,
            self.pull,
            rates,
            self.away,
            self._none if extended is None else extended,
            self._no_anchor if anchored is None else anchored,
        )
        self.away[away] = False

    def group_means(self, state: AgentState, agents: NDArray[np.int64]) -> NDArray[np.float32]:
        """Return an array holding, for ``agents``, their neighbours' mean group image on the
        day just stepped (before it); other entries are stale."""
        group_means(
            self.within.indptr,
            self.within.indices,
            self.weighted,
            state.weight_sum,
            agents,
            self.network_group,
        )
        return self.network_group
