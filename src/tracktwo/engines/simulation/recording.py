"""What the model reports each day, gathered into pandas frames at the end of a run.

Per society and role: the mean and spread of both images. Per society: polarisation,
the share of hostile members, participants' standing at home, ideas among the public and
among decision-makers, the stalemate and readiness to negotiate. Agents are stored role by
role, so every role's sums come from one ``reduceat`` over the block boundaries.

A day keeps only raw numbers (the block sums, the image histogram, the participants'
images and the society scalars) in arrays; means, spreads, polarisation and the frames
are computed once, for all days together, when a frame is asked for.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tracktwo.engines.simulation.fused import block_sums, count_bins, in_two_parts
from tracktwo.engines.simulation.mechanisms.ripeness import stalemate_days
from tracktwo.engines.simulation.parameters import RipenessParameters
from tracktwo.engines.simulation.population import Population
from tracktwo.engines.simulation.state import GROUP, INDIVIDUAL, AgentState, SocietyState

ROLES = ("ordinary", "elite", "decision-maker", "participant", "all")
IMAGE_FIELDS = ("count", "individual_mean", "individual_sd", "group_mean", "group_sd")
SOCIETY_FIELDS = (
    "polarisation",
    "hostile_share",
    "standing",
    "ideas_public",
    "ideas_transferred",
    "costs",
    "pain",
    "belief",
    "hurting",
    "in_stalemate",
    "trust",
    "perception",
    "readiness",
    "negotiating",
)
BINS = 8
"""Bins of width 0.25 on -1..1; the first two hold the hostile (image below -0.5)."""
POLARISATION_ALPHA = 1.6
"""Esteban & Ray (1994)'s sensitivity to polarisation, the largest they admit."""
_CENTRES = -1.0 + (np.arange(BINS) + 0.5) * (2.0 / BINS)
_DISTANCE = np.abs(_CENTRES[:, None] - _CENTRES[None, :])
_MAX_POLARISATION = 2.0 * 0.5 ** (1.0 + POLARISATION_ALPHA) * 0.5 * _DISTANCE[0, -1]


SUM_ROWS = ("group", "individual", "group_squares", "individual_squares", "ideas")
"""Rows of the day's block sums (:class:`BlockSums`): both images, their squares, ideas."""
_GROUP, _INDIVIDUAL, _GROUP_SQUARES, _INDIVIDUAL_SQUARES, _IDEAS = range(len(SUM_ROWS))
_SCALARS = ("costs", "pain", "belief", "hurting", "trust", "perception", "readiness")
"""Society scalars kept per day, each for society 0 then 1, then whether negotiating."""


def esteban_ray(shares: NDArray[np.float64]) -> float:
    """Return the Esteban & Ray (1994) polarisation of binned shares, 1 for two extreme halves."""
    weighted = shares ** (1.0 + POLARISATION_ALPHA)
    return float(weighted @ _DISTANCE @ shares / _MAX_POLARISATION)


def esteban_ray_rows(shares: NDArray[np.float64]) -> NDArray[np.float64]:
    """Return :func:`esteban_ray` of each row of ``shares`` (any leading shape, bins last)."""
    weighted = shares ** (1.0 + POLARISATION_ALPHA)
    polarisation: NDArray[np.float64] = (weighted @ _DISTANCE * shares).sum(axis=-1)
    polarisation /= _MAX_POLARISATION
    return polarisation


def block_starts(population: Population) -> NDArray[np.intp]:
    """Return the first agent of each of the six role blocks."""
    return np.array([edge for bounds in population.bounds for edge in bounds[:3]], dtype=np.intp)


BLOCKWISE_FROM = 1 << 18
"""From this many agents on, sum in one compiled pass in float64
(:func:`~tracktwo.engines.simulation.fused.block_sums`); below it, one float32 ``reduceat``
over all five quantities at once (fewer calls on short arrays), to float32's rounding,
reported as float64. The histogram is counted compiled at every size
(:func:`~tracktwo.engines.simulation.fused.count_bins`)."""


class BlockSums:
    """The day's sums over the six role blocks (society 0's ordinary, elite, decision-maker,
    then society 1's), computed into scratch arrays kept from day to day.

    Calling it returns a ``(5, 6)`` float64 array: rows :data:`SUM_ROWS` (both images,
    their squares, ideas), one column per block. ``counts`` holds the blocks' sizes.
    """

    def __init__(self, population: Population) -> None:
        self.starts = block_starts(population)
        edges = [*self.starts.tolist(), population.size]
        self.blocks = [slice(edges[i], edges[i + 1]) for i in range(len(self.starts))]
        self.counts: list[float] = [float(b.stop - b.start) for b in self.blocks]
        self._scratch = np.empty((0, 0), dtype=np.float32)
        self._edges = np.asarray(edges, dtype=np.int64)

    def _buffer(self, rows: int, size: int) -> NDArray[np.float32]:
        if self._scratch.shape != (rows, size):
            self._scratch = np.empty((rows, size), dtype=np.float32)
        return self._scratch

    def __call__(self, state: AgentState) -> NDArray[np.float64]:
        """Return the block sums of ``state``."""
        images = state.attitudes[GROUP : INDIVIDUAL + 1]
        size = images.shape[1]
        if size < BLOCKWISE_FROM:
            stack = self._buffer(len(SUM_ROWS), size)
            np.copyto(stack[_GROUP : _INDIVIDUAL + 1], images)
            np.square(images, out=stack[_GROUP_SQUARES : _INDIVIDUAL_SQUARES + 1])
            np.copyto(stack[_IDEAS], state.ideas)
            sums: NDArray[np.float64] = np.add.reduceat(stack, self.starts, axis=1).astype(
                np.float64
            )
            return sums
        sums = np.empty((len(SUM_ROWS), len(self.blocks)), dtype=np.float64)
        in_two_parts(block_sums, size, sums, state.attitudes, state.ideas, self._edges)
        return sums


def _rows(
    count: NDArray[np.float64],
    individual: NDArray[np.float64],
    individual_squares: NDArray[np.float64],
    group: NDArray[np.float64],
    group_squares: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Return count, individual mean and sd, group mean and sd (last axis), NaN where empty."""
    count = np.asarray(count, dtype=np.float64)
    columns = [count]
    with np.errstate(divide="ignore", invalid="ignore"):
        for total, squares in ((individual, individual_squares), (group, group_squares)):
            mean = total / count
            spread = np.sqrt(np.maximum(squares / count - mean * mean, 0.0))
            columns += [mean, spread]
    rows = np.stack(np.broadcast_arrays(*columns), axis=-1)
    rows[count == 0, 1:] = math.nan
    return rows


class Recorder:
    """Collect, per day, what the images and societies frames are later computed from."""

    def __init__(self, population: Population, ripeness: RipenessParameters) -> None:
        self.population = population
        self.ripeness = ripeness
        self.steps: list[int] = []
        self._sums: list[NDArray[np.float64]] = []
        self._histograms: list[NDArray[np.intp]] = []
        self._scalars: list[list[float]] = []
        self._participants: list[tuple[int, NDArray[np.float32], NDArray[np.float32]]] = []
        self._counts = np.asarray(BlockSums(population).counts, dtype=np.float64)
        self._sizes = [population.members(s).stop - population.members(s).start for s in (0, 1)]
        self._split = population.members(1).start
        self._chosen = np.empty(0, dtype=np.int64)
        self._chosen_influence = np.empty(0, dtype=np.float32)

    def _histogram(self, state: AgentState) -> NDArray[np.intp]:
        binned = np.empty((2, BINS), dtype=np.intp)
        in_two_parts(count_bins, state.group.size, binned, state.group, self._split, BINS)
        return binned.reshape(-1)

    def record(
        self,
        step: int,
        state: AgentState,
        sums: NDArray[np.float64],
        societies: SocietyState,
        participants: NDArray[np.int64],
        split: int,
        negotiating: bool,
    ) -> None:
        """Keep the raw numbers of ``step``: ``sums`` from :class:`BlockSums`,
        ``participants`` sorted, the first ``split`` of them in society 0."""
        self.steps.append(step)
        self._sums.append(sums)
        self._histograms.append(self._histogram(state))
        if participants is not self._chosen:
            self._chosen = participants
            self._chosen_influence = self.population.influence[participants]
        images = np.take(state.attitudes[GROUP : INDIVIDUAL + 1], participants, axis=1)
        standing = np.take(state.influence, participants)
        standing /= self._chosen_influence
        self._participants.append((split, images, standing))
        self._scalars.append(
            [
                *societies.costs,
                *societies.pain,
                *societies.belief,
                *societies.hurting,
                *societies.trust,
                *societies.perception,
                *societies.readiness,
                float(negotiating),
            ]
        )

    def _participant_rows(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Return the participants' image rows (days, 2, 5) and standing (days, 2)."""
        days = len(self.steps)
        rows = np.empty((days, 2, len(IMAGE_FIELDS)), dtype=np.float64)
        standing = np.full((days, 2), math.nan, dtype=np.float64)
        first = 0
        while first < days:
            split, images, _ = self._participants[first]
            last = first + 1
            while last < days and (
                self._participants[last][0] == split
                and self._participants[last][1].shape == images.shape
            ):
                last += 1
            run = self._participants[first:last]
            chosen = np.stack([r[1] for r in run]).astype(np.float64)
            ratios = np.stack([r[2] for r in run])
            squared = np.square(chosen)
            for society, members in enumerate((slice(0, split), slice(split, images.shape[1]))):
                size = members.stop - members.start
                if size == 0:
                    rows[first:last, society] = [0.0, math.nan, math.nan, math.nan, math.nan]
                    continue
                totals = chosen[:, :, members].sum(axis=2)
                squares = squared[:, :, members].sum(axis=2)
                rows[first:last, society] = _rows(
                    np.full(last - first, float(size)),
                    totals[:, INDIVIDUAL],
                    squares[:, INDIVIDUAL],
                    totals[:, GROUP],
                    squares[:, GROUP],
                )
                # one day at a time: a float32 sum of a row alone, as the day's own number
                standing[first:last, society] = [
                    float(ratio[members].sum()) / size for ratio in ratios
                ]
            first = last
        return rows, standing

    def _stacked_sums(self) -> NDArray[np.float64]:
        if not self._sums:
            return np.empty((0, len(SUM_ROWS), len(self._counts)), dtype=np.float64)
        return np.stack(self._sums)

    def images_frame(self) -> pd.DataFrame:
        """Return step, society, role and the image fields, one row per society and role."""
        sums = self._stacked_sums()
        counts = self._counts
        participants, _ = self._participant_rows()
        days = len(self.steps)
        data = np.empty((days, 2, len(ROLES), len(IMAGE_FIELDS)), dtype=np.float64)
        for society in (0, 1):
            first = 3 * society
            blocks = sums[:, :, first : first + 3]
            data[:, society, :3] = _rows(
                np.broadcast_to(counts[first : first + 3], (days, 3)),
                blocks[:, _INDIVIDUAL],
                blocks[:, _INDIVIDUAL_SQUARES],
                blocks[:, _GROUP],
                blocks[:, _GROUP_SQUARES],
            )
            data[:, society, 3] = participants[:, society]
            whole = blocks[:, :, 0] + blocks[:, :, 1] + blocks[:, :, 2]
            data[:, society, 4] = _rows(
                np.full(days, counts[first] + counts[first + 1] + counts[first + 2]),
                whole[:, _INDIVIDUAL],
                whole[:, _INDIVIDUAL_SQUARES],
                whole[:, _GROUP],
                whole[:, _GROUP_SQUARES],
            )
        steps = np.repeat(np.asarray(self.steps, dtype=np.int64), 2 * len(ROLES))
        names = np.tile(np.repeat(np.asarray(self.population.names), len(ROLES)), days)
        roles = np.tile(np.asarray(ROLES), 2 * days)
        frame = pd.DataFrame(data.reshape(-1, len(IMAGE_FIELDS)), columns=list(IMAGE_FIELDS))
        frame.insert(0, "role", roles)
        frame.insert(0, "society", names)
        frame.insert(0, "step", steps)
        frame["count"] = frame["count"].astype(np.int64)
        return frame

    def societies_frame(self) -> pd.DataFrame:
        """Return step, society and the society fields, one row per society per day."""
        days = len(self.steps)
        sums = self._stacked_sums()
        counts = self._counts
        histograms = np.asarray(self._histograms, dtype=np.float64).reshape(days, 2, BINS)
        shares = histograms / np.asarray(self._sizes, dtype=np.float64)[:, None]
        scalars = np.asarray(self._scalars, dtype=np.float64).reshape(days, -1)
        _, standing = self._participant_rows()
        data = np.empty((days, 2, len(SOCIETY_FIELDS)), dtype=np.float64)
        field = {name: i for i, name in enumerate(SOCIETY_FIELDS)}
        data[..., field["polarisation"]] = esteban_ray_rows(shares)
        data[..., field["hostile_share"]] = shares[..., 0] + shares[..., 1]
        data[..., field["standing"]] = standing
        for society in (0, 1):
            first = 3 * society
            ideas = sums[:, _IDEAS]
            data[:, society, field["ideas_public"]] = (
                ideas[:, first] + ideas[:, first + 1] + ideas[:, first + 2]
            ) / (counts[first] + counts[first + 1] + counts[first + 2])
            data[:, society, field["ideas_transferred"]] = ideas[:, first + 2] / counts[first + 2]
            for k, name in enumerate(_SCALARS):
                data[:, society, field[name]] = scalars[:, 2 * k + society]
        data[..., field["in_stalemate"]] = stalemate_days(
            data[..., field["belief"]], data[..., field["pain"]], self.ripeness
        )
        data[..., field["negotiating"]] = scalars[:, -1:]
        frame = pd.DataFrame(data.reshape(-1, len(SOCIETY_FIELDS)), columns=list(SOCIETY_FIELDS))
        frame.insert(0, "society", np.tile(np.asarray(self.population.names), days))
        frame.insert(0, "step", np.repeat(np.asarray(self.steps, dtype=np.int64), 2))
        for name in ("in_stalemate", "negotiating"):
            frame[name] = frame[name].astype(bool)
        return frame
