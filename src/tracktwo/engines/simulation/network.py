"""Social networks: a small world inside each society and few ties across the divide.

Built with numpy alone so that a million members per society take seconds: no Python
loop runs over members. Matrices are ``scipy.sparse`` CSR with ``float32`` ones, symmetric,
without self-loops; agents of society 0 come first, then those of society 1.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray


def ring_seats(role_counts: tuple[int, ...], rng: np.random.Generator) -> NDArray[np.int64]:
    """Return the member seated at each place of the ring: roles mixed at random.

    Members are stored role by role, and within a role in ring order, so that most
    neighbours sit next to each other in memory too: the daily sparse product then reads
    memory almost in order, about twice as fast as on a shuffled ring.
    """
    labels = rng.permutation(np.repeat(np.arange(len(role_counts)), role_counts))
    seats = np.empty(labels.size, dtype=np.int64)
    seats[np.argsort(labels, kind="stable")] = np.arange(labels.size, dtype=np.int64)
    return seats


def small_world_edges(
    seats: NDArray[np.int64], mean_degree: int, rewiring: float, rng: np.random.Generator
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the edges (one direction) of a Watts & Strogatz (1998) small world.

    Members sit on a ring in the order ``seats`` and link to their ``mean_degree / 2``
    clockwise neighbours; each link is moved to a random member with probability
    ``rewiring``.
    """
    members = seats.size
    half = min(mean_degree // 2, max(1, (members - 1) // 2))
    position = np.repeat(np.arange(members, dtype=np.int64), half)
    offset = np.tile(np.arange(1, half + 1, dtype=np.int64), members)
    source = seats[position]
    target = seats[(position + offset) % members]
    moved = rng.random(source.size) < rewiring
    target[moved] = rng.integers(0, members, int(moved.sum()))
    loops = target == source
    target[loops] = seats[(position[loops] + 1) % members]
    return source, target


def symmetric_matrix(source: NDArray[np.int64], target: NDArray[np.int64], size: int) -> Any:
    """Return the symmetric 0/1 CSR matrix of the undirected edges (duplicates merged)."""
    rows = np.concatenate([source, target]).astype(np.int32)
    cols = np.concatenate([target, source]).astype(np.int32)
    matrix = sp.csr_matrix(
        (np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(size, size), dtype=np.float32
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def shared_places(rings: list[NDArray[np.int64]], place_size: int, size: int) -> NDArray[np.int64]:
    """Return each agent's place: a stretch of ``place_size`` neighbours on its home ring.

    ``rings`` holds each society's agents in ring order. Both societies are cut into as
    many places (that of the smaller, at least one), numbered along the ring, so that place
    ``k`` of one society faces place ``k`` of the other: one map of shared streets, markets
    and workplaces (Feld 1981's foci).
    """
    places = np.zeros(size, dtype=np.int64)
    count = max(1, min(ring.size for ring in rings) // place_size)
    for ring in rings:
        places[ring] = np.arange(ring.size, dtype=np.int64) * count // max(1, ring.size)
    return places


def cross_divide_edges(
    first: NDArray[np.int64],
    second: NDArray[np.int64],
    mean: float,
    shape: float,
    rng: np.random.Generator,
    *,
    places: NDArray[np.int64] | None = None,
    locality: float = 0.0,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Pair ties between two societies: a bipartite configuration model.

    Each member's number of stubs is Poisson with a gamma-distributed mean (``mean``,
    ``shape``): a negative binomial, so most have no tie across the divide and a few have
    many. Stubs are shuffled and paired until one side runs out. With ``places`` (one per
    agent, from :func:`shared_places`), a share ``locality`` of the pairs is made place by
    place instead: those stubs are sorted by place (at random within one) on both sides and
    paired in order, so members who share a place, and are often friends at home, tie to
    the same people across the divide. Every member keeps its number of stubs.
    """
    if mean <= 0.0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    stubs = []
    for members in (first, second):
        rates = rng.gamma(shape, mean / shape, members.size)
        counts = rng.poisson(rates)
        stubs.append(rng.permutation(np.repeat(members, counts)))
    paired = min(stubs[0].size, stubs[1].size)
    source, target = stubs[0][:paired], stubs[1][:paired]
    local = round(locality * paired) if places is not None else 0
    if local > 1 and places is not None:
        for ends in (source, target):
            chosen = ends[:local]
            ends[:local] = chosen[np.lexsort((rng.random(local), places[chosen]))]
    return source, target


def cross_clustering(within: Any, across: Any) -> float:
    """Return the share of in-group friends' out-group friends whom a member knows too.

    Over every path member - in-group friend - that friend's friend across the divide,
    the share closed by a tie of the member's own across the divide: the clustering of the
    cross-divide ties around the home network (about the density of cross-divide ties when
    they are drawn independently of it).
    """
    paths = within @ across
    total = float(paths.sum())
    if total == 0.0:
        return 0.0
    return float(paths.multiply(across).sum()) / total


def neighbour_mean(matrix: Any, values: NDArray[np.float32]) -> NDArray[np.float32]:
    """Return each node's mean of ``values`` over its neighbours (0 where it has none)."""
    degree = np.asarray(matrix.sum(axis=1)).ravel().astype(np.float32)
    totals = np.asarray(matrix @ values, dtype=np.float32)
    return np.divide(totals, degree, out=np.zeros_like(totals), where=degree > 0)
