"""The large network's day in compiled passes over the members, shared by two threads.

At a million members per society the numpy day reads and writes every per-agent array
several times over (the sparse product, then the Friedkin & Johnsen update, the idea
spread, extended contact and fading convictions, each a pass or more), and the day is
bound by memory traffic, not arithmetic. Here one pass (:func:`weigh`) writes each
member's influence-weighted group image and ideas, :func:`stage_far` copies the far
neighbours' pairs into the order they are summed in, and :func:`pull_pieces` visits each
piece of members once: it sums their neighbours' pairs, then applies, in the numpy order,
extended contact and fading to their convictions, the network and conviction pull to
their images and the spread and decay of their ideas. Two more passes sum the day's
images per role (:func:`block_sums`) and count them into the recorder's bins
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

The kernels release the GIL, so two threads share each pass (:class:`CompiledDay` says
how). Compiled code is cached beside the sources (numba's ``cache=True``): only the first
run on a machine waits for the compiler (a few seconds).
"""

from __future__ import annotations

import itertools
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
PIECE = 1024
"""Members updated together by :func:`pull_pieces`: a piece's arrays stay in the first-level
cache through its passes."""
SLOTS = 3
"""Far links on each side of a member summed in :func:`pull_pieces`'s vectorised pass; a
member with more is summed alone."""
PARTS = 16
"""Runs of whole pieces into which :class:`CompiledDay` cuts the update for its two threads."""
ENDS = 2 * SLOTS * PIECE
"""Places from here on hold a crowded member's far links (see :meth:`CompactNetwork._places`)."""


def _compiled(function: Function) -> Function:
    """Compile ``function`` in nopython mode, cached, GIL released; ``py_func`` keeps it.

    Division by zero gives what numpy gives (``error_model="numpy"``) instead of raising,
    which also leaves the compiler free to vectorise loops that divide.
    """
    compile_ = numba.njit(cache=True, nogil=True, fastmath=False, error_model="numpy")
    return compile_(function)  # type: ignore[return-value]


def _helper(function: Function) -> Function:
    """Compile a helper called from the kernels: as :func:`_compiled`, the GIL aside."""
    compile_ = numba.njit(cache=True, fastmath=False, error_model="numpy")
    return compile_(function)  # type: ignore[return-value]


class CompactNetwork:
    """A symmetric 0/1 network as near-link bits plus a CSR list of the far links.

    ``near[m]`` has bit ``k`` set when member ``m`` links to ``m + k - REACH`` (``k <
    REACH``) or ``m + k - REACH + 1`` (``k >= REACH``): the offsets in increasing order.
    ``far_start``/``far`` list the other links of each member in increasing order, those
    below ``m - REACH`` then those above ``m + REACH``. :func:`stage_far` copies the far ends
    piece by piece (a :data:`PIECE` of members), each piece's in order of the member linked
    to: ``stage_target`` lists the links in order of the member linked to, ``stage_place``
    each one's place in that piece-by-piece order, and ``far_place`` gives, in that order,
    each link's place in :func:`pull_pieces` (see :meth:`_places`). ``crowded`` lists the
    members whose far links :func:`pull_pieces` sums alone.
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
        self.size = size
        self.crowded, place = self._places(far_rows)
        # the links piece by piece, each piece's in order of the member linked to
        order = np.lexsort((self.far, far_rows // PIECE))
        self.far_place = place[order]
        by_target = np.argsort(self.far, kind="stable")
        self.stage_target = self.far[by_target]
        in_pieces = np.empty(order.size, dtype=np.int32)
        in_pieces[order] = np.arange(order.size, dtype=np.int32)
        self.stage_place = in_pieces[by_target]

    def _places(self, far_rows: NDArray[np.int32]) -> tuple[NDArray[np.int64], NDArray[np.uint32]]:
        """Return the crowded members, those with more than :data:`SLOTS` far links on a
        side (sorted), and each far link's place for :func:`pull_pieces` (in the order of
        :attr:`far`).

        A link's place is ``rank * PIECE`` plus its member's column in its piece (ranks
        0..SLOTS-1 the links below in order, then those above); a crowded member's link is
        :data:`ENDS` plus its place among the crowded members' links of its piece, in the
        order of :attr:`far`.
        """
        size = self.size
        start = self.far_start
        counts = np.diff(start)
        below = self.far < far_rows
        below_counts = np.bincount(far_rows[below], minlength=size)
        crowded = (below_counts > SLOTS) | (counts - below_counts > SLOTS)
        rank = np.arange(self.far.size, dtype=np.int64) - start[far_rows]
        rank = np.where(below, rank, rank - below_counts[far_rows] + SLOTS)
        crowded_links = crowded[far_rows]
        crowded_before = np.concatenate([[0], np.cumsum(crowded_links)])
        first_of_piece = start[far_rows // PIECE * PIECE]
        among = np.arange(self.far.size, dtype=np.int64)
        among = crowded_before[among] - crowded_before[first_of_piece]
        place = np.where(crowded_links, ENDS + among, rank * PIECE + far_rows % PIECE)
        return np.flatnonzero(crowded).astype(np.int64), place.astype(np.uint32)


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
    the two rows of ``out`` (2 x members + 2 :data:`REACH`), :data:`REACH` places in."""
    # over slices, whose indices the compiler knows are not negative: it vectorises the loop
    weights = influence[start:stop]
    images = group[start:stop]
    held = ideas[start:stop]
    weighted_images = out[0, start + REACH : stop + REACH]
    weighted_ideas = out[1, start + REACH : stop + REACH]
    for member in range(weights.size):
        weight = weights[member]
        weighted_images[member] = weight * images[member]
        weighted_ideas[member] = weight * held[member]


@_compiled
def stage_far(
    stage_target: NDArray[np.int32],
    stage_place: NDArray[np.int32],
    weighted: NDArray[np.float32],
    staged: NDArray[np.float32],
    start: int,
    stop: int,
) -> None:
    """Copy the weighted image and ideas at the far end of links ``start..stop`` (in order
    of the member linked to, :attr:`CompactNetwork.stage_target`) into their places in
    ``staged`` (far links x 2, piece by piece); ``weighted`` as :func:`weigh` writes it.

    ``weighted`` is read in order, and the writes advance through each piece's part in
    order: every access streams, none waits on a random place in memory (which fetching
    each far end where it is summed did, and writing each into the order of :attr:`far`
    did too).
    """
    for link in range(start, stop):
        neighbour = stage_target[link] + REACH
        place = stage_place[link]
        staged[place, 0] = weighted[0, neighbour]
        staged[place, 1] = weighted[1, neighbour]


@_helper
def _sum_crowded(
    member: int,
    near: NDArray[np.uint8],
    far_start: NDArray[np.int64],
    far: NDArray[np.int32],
    pairs: NDArray[np.float32],
    weighted: NDArray[np.float32],
) -> tuple[np.float32, np.float32]:
    """Return the sums of the neighbours' weighted images and ideas of one member, in CSR
    order: its far links below, its near links, its far links above (``pairs``: its far
    ends, in the order of :attr:`CompactNetwork.far`)."""
    group_total = np.float32(0.0)
    ideas_total = np.float32(0.0)
    first = far_start[member]
    link = first
    last = far_start[member + 1]
    while link < last and far[link] < member:
        group_total += pairs[link - first, 0]
        ideas_total += pairs[link - first, 1]
        link += 1
    bits = near[member]
    for k in range(2 * REACH):
        linked = np.float32((bits >> k) & 1)
        place = member + k + (1 if k >= REACH else 0)
        group_total += linked * weighted[0, place]
        ideas_total += linked * weighted[1, place]
    while link < last:
        group_total += pairs[link - first, 0]
        ideas_total += pairs[link - first, 1]
        link += 1
    return group_total, ideas_total


@_compiled
def pull_pieces(
    near: NDArray[np.uint8],
    far_place: NDArray[np.uint32],
    crowded: NDArray[np.int64],
    far_start: NDArray[np.int64],
    far: NDArray[np.int32],
    staged: NDArray[np.float32],
    weighted: NDArray[np.float32],
    weight_sum: NDArray[np.float32],
    attitudes: NDArray[np.float32],
    ideas: NDArray[np.float32],
    keep: NDArray[np.float32],
    pull: NDArray[np.float32],
    rates: NDArray[np.float32],
    away: NDArray[np.int64],
    extended: NDArray[np.float32],
    anchored: NDArray[np.float32],
    start: int,
    stop: int,
) -> None:
    """Apply one day of the network to members ``start..stop`` (``start`` a multiple of
    :data:`PIECE`), a piece at a time.

    ``weighted`` comes from :func:`weigh`, ``staged`` from :func:`stage_far`; ``far_place``
    and ``crowded`` are :class:`CompactNetwork`'s. ``rates`` holds the conviction pull, the
    idea spread, whether ideas spread (1 or 0), the share of ideas kept after decay and the
    share of convictions kept while fading. ``extended`` (empty when extended contact is
    off) is each member's daily pull of its group conviction toward +1; ``anchored`` (2 x
    members, empty without fading) is what the convictions fade toward, times the fading
    rate. Members ``away`` keep their images and ideas; their convictions still change.

    Per piece: its far pairs are put, in one read in order, each in its member's column of
    a row per rank (first far link below, second, ..., first above, ...; zero elsewhere),
    or a crowded member's in a list in the order of :attr:`CompactNetwork.far`. Each
    member's sums start from zero and take those rows below, its eight near places (each
    times 0 or 1), those rows above, in that order, which is CSR order (a missing link adds
    a zero, which changes no sum), in one pass over the piece that the compiler vectorises.
    A member with more than :data:`SLOTS` far links on a side (``crowded``) is summed
    again, alone, in full. Then the day's update as :class:`BandDay` applies it
    (:func:`_update`), in vectorised passes over the piece.
    """
    totals = np.empty((2, PIECE), dtype=np.float32)
    ends = np.zeros((4 * SLOTS, PIECE), dtype=np.float32)
    means = np.empty(PIECE, dtype=np.float32)
    listed = np.empty((PIECE, 2), dtype=np.float32)
    kept, which = _keep_away(attitudes, ideas, away, start, stop)
    fading = anchored.size > 0
    contact = extended.size > 0
    hard = np.searchsorted(crowded, start)
    for first in range(start, stop, PIECE):
        last = min(stop, first + PIECE)
        size = last - first
        low = far_start[first]
        high = far_start[last]
        if listed.shape[0] < high - low:
            listed = np.empty((high - low, 2), dtype=np.float32)
        _place_ends(far_place[low:high], staged[low:high], ends, listed)
        group_totals = totals[0, :size]
        ideas_totals = totals[1, :size]
        _sum_neighbours(
            near[first:last],
            weighted[0, first : last + 2 * REACH],
            weighted[1, first : last + 2 * REACH],
            ends,
            group_totals,
            ideas_totals,
        )
        _clear(ends)
        taken = 0
        while hard < crowded.size and crowded[hard] < last:
            member = crowded[hard]
            hard += 1
            links = far_start[member + 1] - far_start[member]
            group_totals[member - first], ideas_totals[member - first] = _sum_crowded(
                member, near, far_start, far, listed[taken : taken + links], weighted
            )
            taken += links
        _update(
            group_totals,
            ideas_totals,
            weight_sum[first:last],
            attitudes[0, first:last],
            attitudes[1, first:last],
            attitudes[2, first:last],
            attitudes[3, first:last],
            ideas[first:last],
            keep[first:last],
            pull[first:last],
            rates,
            extended[first:last] if contact else extended,
            anchored[0, first:last] if fading else extended[:0],
            anchored[1, first:last] if fading else extended[:0],
            means[:size],
        )
    _put_back(attitudes, ideas, kept, which)


@_helper
def _place_ends(
    places: NDArray[np.uint32],
    pairs: NDArray[np.float32],
    ends: NDArray[np.float32],
    listed: NDArray[np.float32],
) -> None:
    """Put the far ``pairs`` of a piece into their ``places`` in ``ends``, or a crowded
    member's into ``listed``."""
    for link in range(places.size):
        place = places[link]
        if place >= ENDS:
            listed[place - ENDS, 0] = pairs[link, 0]
            listed[place - ENDS, 1] = pairs[link, 1]
            continue
        row = 2 * (place // PIECE)
        column = place % PIECE
        ends[row, column] = pairs[link, 0]
        ends[row + 1, column] = pairs[link, 1]


@_helper
def _clear(values: NDArray[np.float32]) -> None:
    """Set every element of ``values`` (C order) to zero."""
    flat = values.reshape(values.size)
    for at in range(flat.size):
        flat[at] = np.float32(0.0)


@_helper
def _sum_neighbours(
    bits: NDArray[np.uint8],
    images: NDArray[np.float32],
    ideas: NDArray[np.float32],
    ends: NDArray[np.float32],
    group_totals: NDArray[np.float32],
    ideas_totals: NDArray[np.float32],
) -> None:
    """Sum each member's neighbours in CSR order, as :func:`pull_pieces` describes: its far
    ends below (``ends``' first :data:`SLOTS` pairs of rows, image then ideas), its near
    places (``images``/``ideas`` from :data:`REACH` places before the first member), its
    far ends above (the other rows)."""
    zero = np.float32(0.0)
    for member in range(bits.size):
        held = bits[member]
        group_total = zero
        ideas_total = zero
        for rank in range(SLOTS):
            group_total += ends[2 * rank, member]
            ideas_total += ends[2 * rank + 1, member]
        for k in range(2 * REACH):
            linked = np.float32((held >> k) & 1)
            place = member + k + (1 if k >= REACH else 0)
            group_total += linked * images[place]
            ideas_total += linked * ideas[place]
        for rank in range(SLOTS, 2 * SLOTS):
            group_total += ends[2 * rank, member]
            ideas_total += ends[2 * rank + 1, member]
        group_totals[member] = group_total
        ideas_totals[member] = ideas_total


@_helper
def _keep_away(
    attitudes: NDArray[np.float32],
    ideas: NDArray[np.float32],
    away: NDArray[np.int64],
    start: int,
    stop: int,
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Return the images and ideas (3 x n) of the members ``away`` in ``start..stop``, and
    those members."""
    count = 0
    for member in away:
        if start <= member < stop:
            count += 1
    kept = np.empty((3, count), dtype=np.float32)
    which = np.empty(count, dtype=np.int64)
    count = 0
    for member in away:
        if start <= member < stop:
            which[count] = member
            kept[0, count] = attitudes[0, member]
            kept[1, count] = attitudes[1, member]
            kept[2, count] = ideas[member]
            count += 1
    return kept, which


@_helper
def _put_back(
    attitudes: NDArray[np.float32],
    ideas: NDArray[np.float32],
    kept: NDArray[np.float32],
    which: NDArray[np.int64],
) -> None:
    """Give the members ``which`` back the images and ideas ``kept`` (as :func:`_keep_away`
    returned them)."""
    for at in range(which.size):
        member = which[at]
        attitudes[0, member] = kept[0, at]
        attitudes[1, member] = kept[1, at]
        ideas[member] = kept[2, at]


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
            total += weighted[0, indices[link] + REACH]
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
    if bins == 8:
        _count_eight(group, split, scale, counts, start, stop)
        return
    for member in range(start, stop):
        place = int((group[member] + one) * scale)
        if place > last:
            place = last
        society = 1 if member >= split else 0
        counts[society, place] += 1


@_helper
def _count_eight(
    group: NDArray[np.float32],
    split: int,
    scale: np.float32,
    counts: NDArray[np.int64],
    start: int,
    stop: int,
) -> None:
    """:func:`count_bins` for eight bins, without a store per member.

    For an image of -1 or above, ``min(int(x), 7)`` of its scaled image ``x`` is the number
    of the edges 1..7 that ``x`` reaches, so each society's members are counted at each
    edge (seven running counts, a comparison each, which the compiler vectorises) and a
    bin holds the members that reach its edge but not the next.
    """
    one = np.float32(1.0)
    for society in range(2):
        first = max(start, split) if society else start
        end = stop if society else min(stop, split)
        if end <= first:
            continue
        images = group[first:end]
        reached = np.zeros(8, dtype=np.int64)
        at1 = at2 = at3 = at4 = at5 = at6 = at7 = np.int32(0)
        for member in range(images.size):
            scaled = (images[member] + one) * scale
            at1 += np.int32(1) if scaled >= np.float32(1.0) else np.int32(0)
            at2 += np.int32(1) if scaled >= np.float32(2.0) else np.int32(0)
            at3 += np.int32(1) if scaled >= np.float32(3.0) else np.int32(0)
            at4 += np.int32(1) if scaled >= np.float32(4.0) else np.int32(0)
            at5 += np.int32(1) if scaled >= np.float32(5.0) else np.int32(0)
            at6 += np.int32(1) if scaled >= np.float32(6.0) else np.int32(0)
            at7 += np.int32(1) if scaled >= np.float32(7.0) else np.int32(0)
        reached[0] = images.size
        reached[1] = at1
        reached[2] = at2
        reached[3] = at3
        reached[4] = at4
        reached[5] = at5
        reached[6] = at6
        reached[7] = at7
        for place in range(7):
            counts[society, place] = reached[place] - reached[place + 1]
        counts[society, 7] = reached[7]


@_helper
def _add(first: NDArray[np.float32], second: NDArray[np.float32], out: NDArray[np.float32]) -> None:
    """Write ``first + second`` into ``out``, element by element (vectorised by the compiler)."""
    for at in range(out.size):
        out[at] = first[at] + second[at]


_PIECE = 2048
"""Places summed together by :func:`band_rows`: a piece's rows stay in the first-level cache."""


@_helper
def _accumulate(total: NDArray[np.float32], addend: NDArray[np.float32]) -> None:
    """Add ``addend`` to ``total`` element by element (two arrays, not an output that is
    also an input: the compiler's check that they do not overlap lets it vectorise)."""
    for at in range(total.size):
        total[at] += addend[at]


@_helper
def _divide(
    totals: NDArray[np.float32], weights: NDArray[np.float32], out: NDArray[np.float32]
) -> None:
    """Write ``totals / weights`` into ``out``."""
    for member in range(out.size):
        out[member] = totals[member] / weights[member]


@_helper
def _toward_one(values: NDArray[np.float32], shares: NDArray[np.float32]) -> None:
    """Move ``values`` ``shares`` of the way to 1 (extended contact on the conviction)."""
    one = np.float32(1.0)
    for member in range(values.size):
        values[member] += (one - values[member]) * shares[member]


@_helper
def _fade(values: NDArray[np.float32], anchored: NDArray[np.float32], kept: np.float32) -> None:
    """Keep ``kept`` of ``values`` and add ``anchored`` (convictions fading to the start)."""
    for member in range(values.size):
        values[member] = values[member] * kept + anchored[member]


@_helper
def _pull_images(
    images: NDArray[np.float32],
    convictions: NDArray[np.float32],
    network: NDArray[np.float32],
    keep: NDArray[np.float32],
    pull: NDArray[np.float32],
    conviction: np.float32,
) -> None:
    """Apply the Friedkin & Johnsen step to one row of images, as :func:`pull_pieces` does."""
    for member in range(images.size):
        images[member] = (
            images[member] * keep[member]
            + network[member] * pull[member]
            + convictions[member] * conviction
        )


@_helper
def _spread_ideas(
    ideas: NDArray[np.float32],
    totals: NDArray[np.float32],
    weights: NDArray[np.float32],
    rates: NDArray[np.float32],
) -> None:
    """Let ideas spread up from the neighbours (when ``rates[2]``) and decay, as
    :func:`pull_pieces` does."""
    zero = np.float32(0.0)
    spread = rates[1]
    kept = rates[3]
    if rates[2] > zero:
        for member in range(ideas.size):
            held = ideas[member]
            gap = totals[member] / weights[member] - held
            gap = zero if gap < zero else gap
            ideas[member] = (held + gap * spread) * kept
    else:
        for member in range(ideas.size):
            ideas[member] = ideas[member] * kept


@_helper
def _update(
    group_totals: NDArray[np.float32],
    ideas_totals: NDArray[np.float32],
    weight_sum: NDArray[np.float32],
    group: NDArray[np.float32],
    individual: NDArray[np.float32],
    group_conviction: NDArray[np.float32],
    individual_conviction: NDArray[np.float32],
    ideas: NDArray[np.float32],
    keep: NDArray[np.float32],
    pull: NDArray[np.float32],
    rates: NDArray[np.float32],
    extended: NDArray[np.float32],
    group_anchor: NDArray[np.float32],
    individual_anchor: NDArray[np.float32],
    means: NDArray[np.float32],
) -> None:
    """Apply the day to members whose neighbours' weighted sums are ``group_totals`` and
    ``ideas_totals``, in the numpy day's order: extended contact and fading on the
    convictions, the network and conviction pull on the images, the spread and decay of
    ideas. The neighbours' mean group image is written into ``means``. All
    arrays are the members' own (slices, the four rows of the attitudes apart; the anchors
    empty without fading), the rest as :func:`pull_pieces` takes them.
    """
    _divide(group_totals, weight_sum, means)
    if extended.size > 0:
        _toward_one(group_conviction, extended)
    if group_anchor.size > 0:
        _fade(group_conviction, group_anchor, rates[4])
        _fade(individual_conviction, individual_anchor, rates[4])
    _pull_images(group, group_conviction, means, keep, pull, rates[0])
    _pull_images(individual, individual_conviction, means, keep, pull, rates[0])
    _spread_ideas(ideas, ideas_totals, weight_sum, rates)


@_compiled
def band_rows(
    padded: NDArray[np.uint32],
    place: NDArray[np.uint32],
    width: int,
    correction_row: NDArray[np.uint32],
    correction_column: NDArray[np.uint32],
    correction_data: NDArray[np.float32],
    extended_pairs: NDArray[np.float32],
    sums: NDArray[np.float32],
    totals: NDArray[np.float32],
    weight_sum: NDArray[np.float32],
    attitudes: NDArray[np.float32],
    ideas: NDArray[np.float32],
    influence: NDArray[np.float32],
    keep: NDArray[np.float32],
    pull: NDArray[np.float32],
    rates: NDArray[np.float32],
    away: NDArray[np.int64],
    kept_values: NDArray[np.float32],
    extended: NDArray[np.float32],
    anchored: NDArray[np.float32],
    network_group: NDArray[np.float32],
) -> None:
    """Apply one day of a small world's network to every member, summing its neighbours as
    :class:`~tracktwo.engines.simulation.mechanisms.influence.NetworkProduct`'s band does.

    ``padded``, ``place`` and ``width`` are the band's (:class:`~tracktwo.engines.simulation.
    mechanisms.influence._Band`); the correction is its sparse part, each member's entries
    in their order in its row (``correction_data``: the real and imaginary part of each
    entry, 2 x entries); ``extended_pairs`` (2 x padded), ``sums`` (2 x padded - 2 width)
    and ``totals`` (2 x members) are scratch.

    As the band does: the weighted images and ideas are copied into the padded order; each
    place's ring neighbours at distance 1 on both sides are added, then those at distance
    2, 3 and so on, left before right (a pass each); a member takes its place's sums, then
    its corrections in order, each multiplied as scipy multiplies two complex numbers. Then
    the day as :func:`pull_pieces` applies it, in simple passes over every member (so that
    the compiler vectorises them), the images and ideas of the members ``away`` kept (in
    ``kept_values``, 3 x away) and put back, as the numpy day does. The neighbours' mean
    group image of each member is written into ``network_group``. The rest as
    :func:`pull_pieces` takes them, but ``away`` lists the members away.
    """
    for at in range(away.size):
        member = away[at]
        kept_values[0, at] = attitudes[0, member]
        kept_values[1, at] = attitudes[1, member]
        kept_values[2, at] = ideas[member]
    for at in range(padded.size):
        member = padded[at]
        weight = influence[member]
        extended_pairs[0, at] = weight * attitudes[0, member]
        extended_pairs[1, at] = weight * ideas[member]
    span = sums.shape[1]
    for part in range(2):
        row = extended_pairs[part]
        total = sums[part]
        # in pieces that stay in the first-level cache while every distance is added
        for first in range(0, span, _PIECE):
            last = min(span, first + _PIECE)
            low = first + width
            high = last + width
            _add(row[low - 1 : high - 1], row[low + 1 : high + 1], total[first:last])
            for offset in range(2, width + 1):
                _accumulate(total[first:last], row[low - offset : high - offset])
                _accumulate(total[first:last], row[low + offset : high + offset])
    for member in range(place.size):
        totals[0, member] = sums[0, place[member]]
        totals[1, member] = sums[1, place[member]]
    for entry in range(correction_row.size):
        member = correction_row[entry]
        column = correction_column[entry]
        real = correction_data[0, entry]
        imaginary = correction_data[1, entry]
        value = extended_pairs[0, column]
        held = extended_pairs[1, column]
        totals[0, member] += real * value - imaginary * held
        totals[1, member] += real * held + imaginary * value
    # the members' update in simple passes, each vectorised by the compiler
    fading = anchored.size > 0
    _update(
        totals[0],
        totals[1],
        weight_sum,
        attitudes[0],
        attitudes[1],
        attitudes[2],
        attitudes[3],
        ideas,
        keep,
        pull,
        rates,
        extended,
        anchored[0] if fading else extended[:0],
        anchored[1] if fading else extended[:0],
        network_group,
    )
    _put_back(attitudes, ideas, kept_values, away)


@_compiled
def confirm_trust(
    trust: NDArray[np.float32],
    participants: NDArray[np.int64],
    stance: float,
    rate: float,
    strength: float,
    confirm: bool,
) -> None:
    """Move ``participants``' trust toward ``stance`` as
    :meth:`~tracktwo.engines.simulation.mechanisms.trust.TrustDynamics.confirm_statements`
    does in numpy: by ``rate`` times the credited share (``1 - strength * (1 - t) / 2`` of
    evidence above a prior ``t`` when ``confirm``, else 1)."""
    one = np.float32(1.0)
    evidence = np.float32(stance)
    pace = np.float32(rate)
    weight = np.float32(strength)
    half = np.float32(0.5)
    for participant in participants:
        held = trust[participant]
        share = one
        if confirm and evidence > held:
            share = one - weight * (one - held) * half
        trust[participant] = held + pace * share * (evidence - held)


@_compiled
def fall_back(
    trust: NDArray[np.float32],
    anchored: NDArray[np.float32],
    start: int,
    stop: int,
    keep: float,
    seen: float,
    visible: bool,
) -> None:
    """Let ``trust[start:stop]`` keep ``keep`` of itself, add its anchor (``anchored``, empty
    without decay) and ``seen`` when ``visible``, as
    :meth:`~tracktwo.engines.simulation.mechanisms.trust.TrustDynamics.daily` does in numpy."""
    kept = np.float32(keep)
    added = np.float32(seen)
    # one loop per case over slices (whose indices the compiler knows are not negative),
    # without a branch inside: the compiler vectorises each
    block = trust[start:stop]
    if anchored.size > 0:
        anchor = anchored[start:stop]
        if visible:
            for member in range(block.size):
                block[member] = block[member] * kept + anchor[member] + added
        else:
            for member in range(block.size):
                block[member] = block[member] * kept + anchor[member]
    elif visible:
        for member in range(block.size):
            block[member] = block[member] * kept + added
    else:
        for member in range(block.size):
            block[member] = block[member] * kept


@_compiled
def marginalise_compiled(
    group: NDArray[np.float32],
    network_group: NDArray[np.float32],
    influence: NDArray[np.float32],
    weight_sum: NDArray[np.float32],
    participants: NDArray[np.int64],
    pressure: NDArray[np.float32],
    protection: NDArray[np.float32],
    starting: NDArray[np.float32],
    nodes: NDArray[np.int64],
    rows: NDArray[np.int64],
    tolerance: np.float32,
    recovery: np.float32,
    change: NDArray[np.float32],
) -> None:
    """Lower the influence of participants warmer than their network and let it recover, as
    :meth:`~tracktwo.engines.simulation.mechanisms.reentry.Marginalisation.apply` does in
    numpy (operation for operation), then add each change to the neighbours' weight sums
    in order. ``change`` (one per participant) is scratch."""
    zero = np.float32(0.0)
    one = np.float32(1.0)
    for at in range(participants.size):
        participant = participants[at]
        excess = group[participant] - network_group[participant]
        excess = excess - tolerance
        excess = zero if excess < zero else excess
        loss = pressure[at] * excess
        loss = loss * protection[at]
        loss = one if loss > one else loss
        before = influence[participant]
        after = (one - loss) * before
        after = after + (starting[at] - after) * recovery
        influence[participant] = after
        change[at] = after - before
    for link in range(nodes.size):
        weight_sum[nodes[link]] += change[rows[link]]


@_helper
def _block_sum(values: NDArray[np.float32], start: int, stop: int) -> np.float32:
    """Return numpy's float32 sum of at most 128 values: one by one below eight, else in
    eight running sums."""
    count = stop - start
    if count < 8:
        total = np.float32(-0.0)
        for at in range(start, stop):
            total += values[at]
        return total
    s0 = values[start]
    s1 = values[start + 1]
    s2 = values[start + 2]
    s3 = values[start + 3]
    s4 = values[start + 4]
    s5 = values[start + 5]
    s6 = values[start + 6]
    s7 = values[start + 7]
    last = start + count - count % 8
    at = start + 8
    while at < last:
        s0 += values[at]
        s1 += values[at + 1]
        s2 += values[at + 2]
        s3 += values[at + 3]
        s4 += values[at + 4]
        s5 += values[at + 5]
        s6 += values[at + 6]
        s7 += values[at + 7]
        at += 8
    total = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    while at < stop:
        total += values[at]
        at += 1
    return np.float32(total)


@_helper
def _pairwise_sum(values: NDArray[np.float32], start: int, stop: int) -> np.float32:
    """Return ``values[start:stop].sum()`` as numpy adds it in ``float32``: pieces of up to
    128 by :func:`_block_sum`, a longer piece split in two halves (the first a multiple of
    eight) whose sums are added. The halving is walked with a stack of its own: numba
    cannot cache a function that calls itself."""
    if stop - start <= 128:
        return _block_sum(values, start, stop)
    lows = np.empty(64, dtype=np.int64)
    highs = np.empty(64, dtype=np.int64)
    stages = np.zeros(64, dtype=np.int64)
    firsts = np.empty(64, dtype=np.float32)
    lows[0] = start
    highs[0] = stop
    top = 0
    result = np.float32(0.0)
    while top >= 0:
        low = lows[top]
        high = highs[top]
        if high - low <= 128:
            result = _block_sum(values, low, high)
            top -= 1
            continue
        half = (high - low) // 2
        half -= half % 8
        if stages[top] == 0:
            stages[top] = 1
            top += 1
            lows[top], highs[top], stages[top] = low, low + half, 0
        elif stages[top] == 1:
            firsts[top] = result
            stages[top] = 2
            top += 1
            lows[top], highs[top], stages[top] = low + half, high, 0
        else:
            result = firsts[top] + result
            top -= 1
    return result


@_compiled
def raise_ideas(
    ideas: NDArray[np.float32],
    start: int,
    stop: int,
    held: float | np.float32,
    share: float | np.float32,
) -> float:
    """Close ``share`` of the gap of ``ideas[start:stop]`` up to ``held`` (none closes down),
    as :func:`~tracktwo.engines.simulation.mechanisms.transfer.transfer_to_decision_makers`
    does in numpy; return the float32 sum of the gains as numpy sums them."""
    zero = np.float32(0.0)
    level = np.float32(held)
    closed = np.float32(share)
    block = ideas[start:stop]
    gains = np.empty(block.size, dtype=np.float32)
    for member in range(block.size):
        gap = level - block[member]
        gap = zero if gap < zero else gap
        gap = gap * closed
        gains[member] = gap
        block[member] = block[member] + gap
    return float(_pairwise_sum(gains, 0, block.size))


SPLIT_FROM = 1 << 16
"""Passes over fewer members than this run on one thread: handing half to another costs
more than it saves."""
_EXECUTOR: dict[int, ThreadPoolExecutor] = {}


def second_thread() -> ThreadPoolExecutor:
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
    other = second_thread().submit(kernel, *arguments, half, size)
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
    other = second_thread().submit(kernel, *arguments, second, half, size)
    kernel(*arguments, out, 0, half)
    other.result()
    out += second
    return out


class CompiledDay:
    """The network's part of a day on a large network: :func:`weigh`, :func:`stage_far`,
    then :func:`pull_pieces`.

    Holds the compact form of ``within`` (the society networks, ``float32`` ones) and the
    scratch arrays kept from day to day; the per-agent rates come from the model's
    :class:`~tracktwo.engines.simulation.mechanisms.influence.SocialInfluence` (``keep`` and
    ``pull``, changed in place when friendships form).

    The weighting and the staging run on two threads, half the members (links) each; the
    update in :data:`PARTS` runs of whole pieces that the two threads take in turn, so
    that neither waits long for the other at the end.
    """

    def __init__(self, within: Any, keep: NDArray[np.float32], pull: NDArray[np.float32]) -> None:
        self.within = within
        self.network = CompactNetwork(within)
        self.size = self.network.size
        self.keep = keep
        self.pull = pull
        # zeros at both ends: the near places of the first and last members
        self.weighted = np.zeros((2, self.size + 2 * REACH), dtype=np.float32)
        self.staged = np.empty((self.network.far.size, 2), dtype=np.float32)
        self.network_group = np.zeros(self.size, dtype=np.float32)
        self._none = np.empty(0, dtype=np.float32)
        self._no_anchor = np.empty((0, 0), dtype=np.float32)
        pieces = -(-self.size // PIECE)
        cuts = sorted({min(self.size, PIECE * (pieces * part // PARTS)) for part in range(PARTS)})
        self._parts = list(itertools.pairwise([*cuts, self.size]))

    def step(
        self,
        state: AgentState,
        away: NDArray[np.int64],
        rates: NDArray[np.float32],
        extended: NDArray[np.float32] | None = None,
        anchored: NDArray[np.float32] | None = None,
    ) -> None:
        """Apply the day's network pull, extended contact and fading to ``state``.

        ``rates`` as :func:`pull_pieces` takes them; ``extended`` and ``anchored`` None when
        extended contact or fading is off.
        """
        in_halves(weigh, self.size, state.influence, state.group, state.ideas, self.weighted)
        network = self.network
        in_halves(
            stage_far,
            network.far.size,
            network.stage_target,
            network.stage_place,
            self.weighted,
            self.staged,
        )
        updating = (
            network.near,
            network.far_place,
            network.crowded,
            network.far_start,
            network.far,
            self.staged,
            self.weighted,
            state.weight_sum,
            state.attitudes,
            state.ideas,
            self.keep,
            self.pull,
            rates,
            away,
            self._none if extended is None else extended,
            self._no_anchor if anchored is None else anchored,
        )
        if self.size < SPLIT_FROM:
            pull_pieces(*updating, 0, self.size)
            return
        parts = self._parts
        taken = itertools.count()  # shared: each part is updated once, in order of taking

        def update() -> None:
            while (part := next(taken)) < len(parts):
                pull_pieces(*updating, *parts[part])

        other = second_thread().submit(update)
        update()
        other.result()

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


class BandDay:
    """The network's part of a day on a small world packed into a band: one compiled call.

    The same numbers as the numpy day's band product (:class:`~tracktwo.engines.simulation.
    mechanisms.influence._Band`, whose arrays it reads) followed by the Friedkin & Johnsen
    update, extended contact and fading, in one call of :func:`band_rows`. At 10^4
    members the numpy day spends most of its time between some twenty small numpy calls;
    here it is one.
    """

    def __init__(self, band: Any, keep: NDArray[np.float32], pull: NDArray[np.float32]) -> None:
        size = band.place.size
        self.size = size
        # unsigned indices: numba wraps a signed index that might be negative on every access
        self.padded = band.padded.astype(np.uint32)
        self.place = band.place.astype(np.uint32)
        self.width = int(band.width)
        # the corrections in order of their place within their member's row (every first
        # one, then every second, ...): each member's still come in their own order, and
        # neighbouring entries add to different members instead of waiting on each other
        rows = band.correction.row.astype(np.int64)
        starts = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=size), out=starts[1:])
        order = np.argsort(np.arange(rows.size) - starts[rows], kind="stable")
        self.correction_row = rows[order].astype(np.uint32)
        self.correction_column = band.correction.col[order].astype(np.uint32)
        data = band.correction.data[order]
        self.correction_data = np.ascontiguousarray(
            np.stack([data.real, data.imag]).astype(np.float32)
        )
        self.keep = keep
        self.pull = pull
        self.extended_pairs = np.empty((2, self.padded.size), dtype=np.float32)
        self.sums = np.empty((2, self.padded.size - 2 * self.width), dtype=np.float32)
        self.totals = np.empty((2, size), dtype=np.float32)
        self.network_group = np.zeros(size, dtype=np.float32)
        self._kept = np.empty((3, 0), dtype=np.float32)
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
        """Apply the day's network pull, extended contact and fading to ``state``, as
        :meth:`CompiledDay.step` takes them."""
        if self._kept.shape[1] != away.size:
            self._kept = np.empty((3, away.size), dtype=np.float32)
        band_rows(
            self.padded,
            self.place,
            self.width,
            self.correction_row,
            self.correction_column,
            self.correction_data,
            self.extended_pairs,
            self.sums,
            self.totals,
            state.weight_sum,
            state.attitudes,
            state.ideas,
            state.influence,
            self.keep,
            self.pull,
            rates,
            away,
            self._kept,
            self._none if extended is None else extended,
            self._no_anchor if anchored is None else anchored,
            self.network_group,
        )

    def group_means(self, state: AgentState, agents: NDArray[np.int64]) -> NDArray[np.float32]:
        """Return the members' neighbours' mean group image on the day just stepped (before
        it), as the band summed it (``state`` and ``agents`` unused: every member's is kept)."""
        return self.network_group
