"""What the model reports each day, gathered into pandas frames at the end of a run.

Per society and role: the mean and spread of both images. Per society: polarisation,
the share of hostile members, participants' standing at home, ideas among the public and
among decision-makers, the stalemate and readiness to negotiate. Agents are stored role by
role, so every role's sums come from one ``reduceat`` over the block boundaries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

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


def esteban_ray(shares: NDArray[np.float64]) -> float:
    """Return the Esteban & Ray (1994) polarisation of binned shares, 1 for two extreme halves."""
    weighted = shares ** (1.0 + POLARISATION_ALPHA)
    return float(weighted @ _DISTANCE @ shares / _MAX_POLARISATION)


@dataclass(frozen=True)
class DayStatistics:
    """Sums over the six role blocks (society 0's ordinary, elite, decision-maker, then 1's).

    Plain lists of six floats, so that the day's bookkeeping stays in Python arithmetic:
    ``group`` and ``individual`` sum the images, ``*_squares`` their squares.
    """

    counts: list[float]
    group: list[float]
    individual: list[float]
    group_squares: list[float]
    individual_squares: list[float]
    ideas: list[float]

    def mean_group(self, first: int, stop: int) -> float:
        """Return the mean group image over blocks ``first`` to ``stop - 1``."""
        return sum(self.group[first:stop]) / sum(self.counts[first:stop])

    def mean_ideas(self, first: int, stop: int) -> float:
        """Return the mean ideas over blocks ``first`` to ``stop - 1``."""
        return sum(self.ideas[first:stop]) / sum(self.counts[first:stop])

    def image_row(self, first: int, stop: int) -> list[float]:
        """Return count, individual mean and sd, group mean and sd over the blocks."""
        return _row(
            sum(self.counts[first:stop]),
            sum(self.individual[first:stop]),
            sum(self.individual_squares[first:stop]),
            sum(self.group[first:stop]),
            sum(self.group_squares[first:stop]),
        )


def block_starts(population: Population) -> NDArray[np.intp]:
    """Return the first agent of each of the six role blocks."""
    return np.array([edge for bounds in population.bounds for edge in bounds[:3]], dtype=np.intp)


BLOCKWISE_FROM = 1 << 18
"""From this many agents on, sum block by block (pairwise float32, fast on long arrays);
below it, one ``reduceat`` per quantity in float64 (fewer calls on short arrays)."""


def day_statistics(
    state: AgentState, starts: NDArray[np.intp], counts: list[float]
) -> DayStatistics:
    """Sum images, their squares and ideas over the role blocks."""
    images = state.attitudes[GROUP : INDIVIDUAL + 1]
    squares = np.square(images)
    if images.shape[1] < BLOCKWISE_FROM:
        sums = np.add.reduceat(images, starts, axis=1, dtype=np.float64).tolist()
        sums_squared = np.add.reduceat(squares, starts, axis=1, dtype=np.float64).tolist()
        ideas = np.add.reduceat(state.ideas, starts, dtype=np.float64).tolist()
    else:
        edges = [*starts.tolist(), images.shape[1]]
        blocks = [slice(edges[i], edges[i + 1]) for i in range(len(starts))]
        by_block = [images[:, b].sum(axis=1).tolist() for b in blocks]
        squared_by_block = [squares[:, b].sum(axis=1).tolist() for b in blocks]
        sums = [[float(row[image]) for row in by_block] for image in (GROUP, INDIVIDUAL)]
        sums_squared = [
            [float(row[image]) for row in squared_by_block] for image in (GROUP, INDIVIDUAL)
        ]
        ideas = [float(state.ideas[b].sum()) for b in blocks]
    return DayStatistics(
        counts=counts,
        group=sums[GROUP],
        individual=sums[INDIVIDUAL],
        group_squares=sums_squared[GROUP],
        individual_squares=sums_squared[INDIVIDUAL],
        ideas=ideas,
    )


def _row(
    count: float, individual: float, individual_squares: float, group: float, group_squares: float
) -> list[float]:
    if count == 0:
        return [0.0, math.nan, math.nan, math.nan, math.nan]
    row = [count]
    for total, squares in ((individual, individual_squares), (group, group_squares)):
        mean = total / count
        row += [mean, math.sqrt(max(squares / count - mean * mean, 0.0))]
    return row


class Recorder:
    """Collect one row per society and role (images) and per society (the rest) per day."""

    def __init__(self, population: Population) -> None:
        self.population = population
        self.steps: list[int] = []
        self._images: list[list[list[float]]] = []
        self._societies: list[list[list[float]]] = []
        self._bin_offset = np.zeros(population.size, dtype=np.intp)
        self._bin_offset[population.members(1)] = BINS
        self._sizes = [population.members(s).stop - population.members(s).start for s in (0, 1)]

    def _histograms(self, state: AgentState) -> list[NDArray[np.float64]]:
        bins = ((state.group + np.float32(1.0)) * np.float32(BINS / 2)).astype(np.intp)
        np.minimum(bins, BINS - 1, out=bins)
        bins += self._bin_offset
        counts = np.bincount(bins, minlength=2 * BINS)
        return [counts[:BINS] / self._sizes[0], counts[BINS:] / self._sizes[1]]

    def record(
        self,
        step: int,
        state: AgentState,
        statistics: DayStatistics,
        societies: SocietyState,
        participants: tuple[NDArray[np.int64], NDArray[np.int64]],
        negotiating: bool,
        in_stalemate: tuple[bool, bool],
    ) -> None:
        """Append the statistics of ``step``."""
        population = self.population
        image_rows: list[list[float]] = []
        society_rows: list[list[float]] = []
        histograms = self._histograms(state)
        for society in (0, 1):
            first = 3 * society
            for block in range(first, first + 3):
                image_rows.append(statistics.image_row(block, block + 1))
            members = participants[society]
            standing = math.nan
            if members.size:
                chosen = state.attitudes[GROUP : INDIVIDUAL + 1, members].astype(np.float64)
                totals = chosen.sum(axis=1).tolist()
                squares = np.square(chosen).sum(axis=1).tolist()
                image_rows.append(
                    _row(
                        float(members.size),
                        totals[INDIVIDUAL],
                        squares[INDIVIDUAL],
                        totals[GROUP],
                        squares[GROUP],
                    )
                )
                ratio = state.influence[members] / population.influence[members]
                standing = float(ratio.sum()) / members.size
            else:
                image_rows.append(_row(0.0, 0.0, 0.0, 0.0, 0.0))
            image_rows.append(statistics.image_row(first, first + 3))
            shares = histograms[society]
            society_rows.append(
                [
                    esteban_ray(shares),
                    float(shares[0] + shares[1]),
                    standing,
                    statistics.mean_ideas(first, first + 3),
                    statistics.mean_ideas(first + 2, first + 3),
                    societies.costs[society],
                    societies.pain[society],
                    societies.belief[society],
                    societies.hurting[society],
                    float(in_stalemate[society]),
                    societies.perception[society],
                    societies.readiness[society],
                    float(negotiating),
                ]
            )
        self.steps.append(step)
        self._images.append(image_rows)
        self._societies.append(society_rows)

    def images_frame(self) -> pd.DataFrame:
        """Return step, society, role and the image fields, one row per society and role."""
        data = np.asarray(self._images, dtype=np.float64).reshape(-1, len(IMAGE_FIELDS))
        steps = np.repeat(np.asarray(self.steps, dtype=np.int64), 2 * len(ROLES))
        names = np.tile(np.repeat(np.asarray(self.population.names), len(ROLES)), len(self.steps))
        roles = np.tile(np.asarray(ROLES), 2 * len(self.steps))
        frame = pd.DataFrame(data, columns=list(IMAGE_FIELDS))
        frame.insert(0, "role", roles)
        frame.insert(0, "society", names)
        frame.insert(0, "step", steps)
        frame["count"] = frame["count"].astype(np.int64)
        return frame

    def societies_frame(self) -> pd.DataFrame:
        """Return step, society and the society fields, one row per society per day."""
        data = np.asarray(self._societies, dtype=np.float64).reshape(-1, len(SOCIETY_FIELDS))
        frame = pd.DataFrame(data, columns=list(SOCIETY_FIELDS))
        frame.insert(0, "society", np.tile(np.asarray(self.population.names), len(self.steps)))
        frame.insert(0, "step", np.repeat(np.asarray(self.steps, dtype=np.int64), 2))
        for name in ("in_stalemate", "negotiating"):
            frame[name] = frame[name].astype(bool)
        return frame
