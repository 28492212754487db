"""The two societies at the start: who is who, who knows whom, and what each believes.

Agents are laid out in blocks so that every per-role statistic is a slice: society 0's
ordinary members, its elites, its decision-makers, then the same for society 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tracktwo.engines.simulation.network import (
    cross_divide_edges,
    neighbour_mean,
    ring_seats,
    shared_places,
    small_world_edges,
    symmetric_matrix,
)
from tracktwo.engines.simulation.parameters import ModelParameters, SocietyParameters


class AgentRole(IntEnum):
    """An agent's place in its society."""

    ORDINARY = 0
    ELITE = 1
    DECISION_MAKER = 2

    @property
    def label(self) -> str:
        """Return the name used in result frames."""
        return self.name.lower().replace("_", "-")


@dataclass(frozen=True)
class Population:
    """Static structure and starting values of both societies; arrays have one row per agent.

    ``bounds[s]`` holds society ``s``'s first agent, first elite, first decision-maker and
    end. ``within`` links members of the same society, ``across`` the two societies.
    """

    names: tuple[str, str]
    bounds: tuple[tuple[int, int, int, int], tuple[int, int, int, int]]
    within: Any
    across: Any
    cross_ties: NDArray[np.float32]
    identity: NDArray[np.float32]
    home_identity: NDArray[np.float32]
    influence: NDArray[np.float32]
    group_image: NDArray[np.float32]
    individual_image: NDArray[np.float32]
    rings: tuple[NDArray[np.int64], ...] = ()
    """Each society's members (agent indices) in the order of its small world's ring, when
    the network was built on one: lets the daily product take the ring's links as a band."""

    @property
    def size(self) -> int:
        """Return the number of agents in both societies."""
        return self.bounds[1][3]

    def members(self, society: int) -> slice:
        """Return the slice of a society's agents."""
        start, _, _, stop = self.bounds[society]
        return slice(start, stop)

    def block(self, society: int, role: AgentRole) -> slice:
        """Return the slice of one role within one society."""
        edges = self.bounds[society]
        return slice(edges[role], edges[role + 1])

    def indices(self, society: int, role: AgentRole) -> NDArray[np.int64]:
        """Return the agent indices of one role within one society."""
        block = self.block(society, role)
        return np.arange(block.start, block.stop, dtype=np.int64)

    def society_of(self, agents: NDArray[np.int64]) -> NDArray[np.int64]:
        """Return 0 or 1 for each agent index."""
        return (agents >= self.bounds[1][0]).astype(np.int64)


def _traits(
    society: SocietyParameters, rng: np.random.Generator
) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]]:
    n = society.members
    identity = np.clip(rng.normal(society.identity_mean, society.identity_sd, n), 0.0, 1.0)
    influence = rng.lognormal(0.0, society.influence_sigma, n)
    influence[society.ordinary : society.ordinary + society.elites] *= society.elite_influence
    influence[society.ordinary + society.elites :] *= society.decision_maker_influence
    group = np.clip(rng.normal(society.group_image_mean, society.group_image_sd, n), -1.0, 1.0)
    individual = np.clip(group + rng.normal(0.0, society.individual_image_sd, n), -1.0, 1.0)
    return (
        identity.astype(np.float32),
        influence.astype(np.float32),
        group.astype(np.float32),
        individual.astype(np.float32),
    )


def build_population(parameters: ModelParameters, rng: np.random.Generator) -> Population:
    """Draw both societies, their networks and their starting images from ``rng``."""
    network = parameters.network
    sources: list[NDArray[np.int64]] = []
    targets: list[NDArray[np.int64]] = []
    bounds: list[tuple[int, int, int, int]] = []
    traits: list[tuple[NDArray[np.float32], ...]] = []
    rings: list[NDArray[np.int64]] = []
    offset = 0
    for society in parameters.societies:
        seats = ring_seats((society.ordinary, society.elites, society.decision_makers), rng)
        source, target = small_world_edges(seats, network.mean_degree, network.rewiring, rng)
        elite_start = society.ordinary
        dm_start = elite_start + society.elites
        if network.decision_maker_elite_ties:
            dms = np.repeat(
                np.arange(dm_start, society.members, dtype=np.int64),
                network.decision_maker_elite_ties,
            )
            elites = rng.integers(elite_start, dm_start, dms.size)
            source, target = np.concatenate([source, dms]), np.concatenate([target, elites])
        rings.append(seats + offset)
        sources.append(source + offset)
        targets.append(target + offset)
        bounds.append((offset, offset + elite_start, offset + dm_start, offset + society.members))
        traits.append(_traits(society, rng))
        offset += society.members
    size = offset
    within = symmetric_matrix(np.concatenate(sources), np.concatenate(targets), size)
    first = np.arange(bounds[0][0], bounds[0][3], dtype=np.int64)
    second = np.arange(bounds[1][0], bounds[1][3], dtype=np.int64)
    cross_source, cross_target = cross_divide_edges(
        first,
        second,
        network.cross_ties_mean,
        network.cross_ties_shape,
        rng,
        places=shared_places(rings, network.place_size, size),
        locality=network.cross_ties_locality,
    )
    across = symmetric_matrix(cross_source, cross_target, size)
    cross_ties = np.asarray(across.sum(axis=1), dtype=np.float32).ravel()
    identity, influence, group, individual = (
        np.concatenate(parts) for parts in zip(*traits, strict=True)
    )
    return Population(
        names=(parameters.societies[0].name, parameters.societies[1].name),
        bounds=(bounds[0], bounds[1]),
        within=within,
        across=across,
        cross_ties=cross_ties,
        identity=identity,
        home_identity=neighbour_mean(within, identity),
        influence=influence,
        group_image=group,
        individual_image=individual,
        rings=tuple(rings),
    )
