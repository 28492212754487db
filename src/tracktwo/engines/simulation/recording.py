"""What the model reports each day, gathered into pandas frames at the end of a run.

Per society and role: the mean and spread of both images. Per society: polarisation,
the share of hostile members, participants' standing at home, ideas among the public and
among decision-makers, the stalemate and readiness to negotiate. Role statistics are sums
over contiguous slices, so recording stays cheap at a million members.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tracktwo.engines.simulation.population import AgentRole, Population
from tracktwo.engines.simulation.state import AgentState, SocietyState

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


def _moments(values: NDArray[np.float32]) -> tuple[float, float, float]:
    count = values.size
    if count == 0:
        return 0.0, 0.0, 0.0
    total = float(values.sum(dtype=np.float64))
    squares = float(np.dot(values, values))
    return float(count), total, squares


def _describe(count: float, total: float, squares: float) -> tuple[float, float]:
    if count == 0:
        return math.nan, math.nan
    mean = total / count
    return mean, math.sqrt(max(squares / count - mean * mean, 0.0))


class Recorder:
    """Collect one row per society and role (images) and per society (the rest) per day."""

    def __init__(self, population: Population) -> None:
        self.population = population
        self.steps: list[int] = []
        self._images: list[NDArray[np.float64]] = []
        self._societies: list[NDArray[np.float64]] = []

    def record(
        self,
        step: int,
        state: AgentState,
        societies: SocietyState,
        participants: tuple[NDArray[np.int64], NDArray[np.int64]],
        negotiating: bool,
        in_stalemate: NDArray[np.bool_],
    ) -> None:
        """Append the statistics of ``step``."""
        population = self.population
        images = np.empty((2, len(ROLES), len(IMAGE_FIELDS)), dtype=np.float64)
        rows = np.empty((2, len(SOCIETY_FIELDS)), dtype=np.float64)
        for society in (0, 1):
            overall = np.zeros(5)
            for role in AgentRole:
                block = population.block(society, role)
                sums = self._sums(state, block)
                overall += sums
                images[society, role] = self._row(sums)
            members = participants[society]
            images[society, 3] = self._row(self._sums(state, members))
            images[society, 4] = self._row(overall)
            group = state.group[population.members(society)]
            counts = np.bincount(
                np.clip(((group + 1.0) * (BINS / 2)).astype(np.intp), 0, BINS - 1),
                minlength=BINS,
            )
            shares = counts / max(1, group.size)
            standing = (
                float(np.mean(state.influence[members] / population.influence[members]))
                if members.size
                else math.nan
            )
            decision_makers = population.block(society, AgentRole.DECISION_MAKER)
            rows[society] = (
                esteban_ray(shares),
                float(shares[:2].sum()),
                standing,
                float(state.ideas[population.members(society)].mean(dtype=np.float64)),
                float(state.ideas[decision_makers].mean(dtype=np.float64)),
                societies.costs[society],
                societies.pain[society],
                societies.belief[society],
                societies.hurting[society],
                float(in_stalemate[society]),
                societies.perception[society],
                societies.readiness[society],
                float(negotiating),
            )
        self.steps.append(step)
        self._images.append(images)
        self._societies.append(rows)

    @staticmethod
    def _sums(state: AgentState, where: slice | NDArray[np.int64]) -> NDArray[np.float64]:
        count, ind_total, ind_squares = _moments(state.individual[where])
        _, group_total, group_squares = _moments(state.group[where])
        return np.array([count, ind_total, ind_squares, group_total, group_squares])

    @staticmethod
    def _row(sums: NDArray[np.float64]) -> NDArray[np.float64]:
        count = float(sums[0])
        ind_mean, ind_sd = _describe(count, float(sums[1]), float(sums[2]))
        group_mean, group_sd = _describe(count, float(sums[3]), float(sums[4]))
        return np.array([count, ind_mean, ind_sd, group_mean, group_sd])

    def images_frame(self) -> pd.DataFrame:
        """Return step, society, role and the image fields, one row per society and role."""
        data = np.stack(self._images) if self._images else np.empty((0, 2, 5, 5))
        steps = np.repeat(np.asarray(self.steps), 2 * len(ROLES))
        names = np.tile(np.repeat(np.asarray(self.population.names), len(ROLES)), len(self.steps))
        roles = np.tile(np.asarray(ROLES), 2 * len(self.steps))
        frame = pd.DataFrame(data.reshape(-1, len(IMAGE_FIELDS)), columns=list(IMAGE_FIELDS))
        frame.insert(0, "role", roles)
        frame.insert(0, "society", names)
        frame.insert(0, "step", steps)
        frame["count"] = frame["count"].astype(np.int64)
        return frame

    def societies_frame(self) -> pd.DataFrame:
        """Return step, society and the society fields, one row per society per day."""
        data = np.stack(self._societies) if self._societies else np.empty((0, 2, 13))
        frame = pd.DataFrame(data.reshape(-1, len(SOCIETY_FIELDS)), columns=list(SOCIETY_FIELDS))
        frame.insert(0, "society", np.tile(np.asarray(self.population.names), len(self.steps)))
        frame.insert(0, "step", np.repeat(np.asarray(self.steps), 2))
        for name in ("in_stalemate", "negotiating"):
            frame[name] = frame[name].astype(bool)
        return frame
