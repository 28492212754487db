"""Pol.is's k-means: first-distinct start, warm start from the last clustering, silhouette.

Follows ``math/src/polismath/math/clusters.clj`` of compdemocracy/polis:

* a cold start takes the first ``k`` distinct points in data order (``init-clusters``);
* a warm start (``clean-start-clusters``) recentres every previous cluster on the members
  still present, drops the empty ones, merges those with identical centres, then, while
  there are fewer than ``min(k, distinct points)`` clusters, splits off the point farthest
  from every centre as a new cluster whose id is one more than the largest id so far;
* Lloyd steps (``cluster-step``) assign each point to its nearest centre, drop empty
  clusters, recentre by the weighted mean, and stop when the sorted centres moved less than
  0.01 (``same-clustering?``) or after ``max_iters`` more steps;
* the silhouette is the unweighted mean over points, 0 for a point alone in its cluster.

Cluster ids are stable from one update to the next, which is what lets a clustering follow
a conversation's path. Where Clojure breaks ties by the last candidate, so does this port.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SAME_CLUSTERING_DISTANCE = 0.01


@dataclass(frozen=True, eq=False)
class Clustering:
    """A clustering of ``n`` points: ``ids`` (k,), ``centers`` (k, d), ``labels`` (n,).

    ``labels[i]`` is the position in ``ids`` of point i's cluster, or -1 for a point that
    belongs to no cluster (a newcomer since the clustering was made).
    """

    ids: IntArray
    centers: FloatArray
    labels: IntArray

    @property
    def k(self) -> int:
        """Return the number of clusters."""
        return len(self.ids)

    def sizes(self, weights: FloatArray | None = None) -> FloatArray:
        """Return each cluster's member count (or total weight), shape (k,)."""
        members = self.labels >= 0
        return np.bincount(
            self.labels[members],
            weights=None if weights is None else weights[members],
            minlength=self.k,
        ).astype(np.float64)


def _squared_distances(points: FloatArray, centers: FloatArray) -> FloatArray:
    """Return (n, k) squared Euclidean distances as |a|^2 + |b|^2 - 2ab, floored at 0.

    The same expansion as vectorz's ``distance`` on the rows Pol.is passes, whose
    cancellation makes near-coincident points tie at exactly 0 (delphi's quirk Q11).
    """
    squared = (
        (points * points).sum(axis=1)[:, None]
        + (centers * centers).sum(axis=1)[None, :]
        - 2.0 * (points @ centers.T)
    )
    return np.asarray(np.maximum(squared, 0.0), dtype=np.float64)


_CHUNK_CELLS = 200_000
_SINGLE_PRECISION_POINTS = 50_000
_FEW_ROWS = 16


def _extended(points: FloatArray) -> FloatArray:
    """Return ``points`` with a last coordinate 1, in the precision :func:`_nearest` uses."""
    n, d = points.shape
    dtype: type[np.floating[Any]] = np.float32 if n >= _SINGLE_PRECISION_POINTS else np.float64
    extended = np.empty((n, d + 1), dtype=dtype)
    extended[:, :d] = points
    extended[:, d] = 1.0
    return extended


def _nearest(
    points: FloatArray,
    centers: FloatArray,
    *,
    distances: bool = True,
    extended: FloatArray | None = None,
) -> tuple[IntArray, FloatArray]:
    """Return each point's nearest centre (the last one on a tie, as Clojure's ``min-key``)
    and the squared distance to it (left empty unless ``distances``).

    Only ``|c|^2 - 2 x.c`` varies with the centre, so the argmin skips ``|x|^2``; points go
    through a small reused buffer, so a million of them need no more memory than a few.
    From ``_SINGLE_PRECISION_POINTS`` points on, the comparison runs in single precision
    (a third faster; it can only swap near-ties). ``extended`` may hold
    ``_extended(points)`` made before (Lloyd steps reuse it).
    """
    if extended is None:
        extended = _extended(points)
    n, k = len(points), len(centers)
    dtype = extended.dtype
    nearest = np.empty(n, dtype=np.int64)
    closest = np.empty(n if distances else 0, dtype=np.float64)
    backwards = np.ascontiguousarray(centers[::-1], dtype=dtype).T
    d = backwards.shape[0]
    # one product gives |c|^2 - 2 x.c: each point gains a last coordinate 1 and each centre
    # -2c followed by |c|^2 (x.(-2c) is exactly -2 x.c, and 1 * |c|^2 is added last, as
    # adding |c|^2 after the product did)
    scores = np.empty((d + 1, k), dtype=dtype)
    np.multiply(backwards, -2.0, out=scores[:d])
    (backwards * backwards).sum(axis=0, out=scores[d])
    step = max(1, min(n, _CHUNK_CELLS // max(k, 1)))
    buffer = np.empty((step, k), dtype=dtype)
    for start in range(0, n, step):
        chunk = extended[start : start + step]
        block = buffer[: len(chunk)]
        np.matmul(chunk, scores, out=block)
        first = np.argmin(block, axis=1)
        nearest[start : start + step] = k - 1 - first
        if distances:
            coords = chunk[:, :d]
            best = block[np.arange(len(block)), first] + (coords * coords).sum(axis=1)
            closest[start : start + step] = np.maximum(best, 0.0)
    return nearest, closest


def _nearest_last(
    points: FloatArray, centers: FloatArray, extended: FloatArray | None = None
) -> IntArray:
    """Return each point's nearest centre, the last one on a tie (Clojure's ``min-key``)."""
    return _nearest(points, centers, distances=False, extended=extended)[0]


def _weighted_centers(
    points: FloatArray, labels: IntArray, k: int, weights: FloatArray | None
) -> tuple[FloatArray, FloatArray]:
    """Return (centres (k, d), member counts (k,)); a centre with no members is NaN."""
    members = labels >= 0
    everyone = bool(members.all())
    lab = labels if everyone else labels[members]
    inside = points if everyone else points[members]
    sums = np.empty((k, inside.shape[1]))
    counts = np.bincount(lab, minlength=k).astype(np.float64)
    if weights is None:
        totals = counts
        for d in range(sums.shape[1]):
            sums[:, d] = np.bincount(lab, inside[:, d], k)
    else:
        w = weights if everyone else weights[members]
        totals = np.asarray(np.bincount(lab, w, k), dtype=np.float64)
        for d in range(sums.shape[1]):
            sums[:, d] = np.bincount(lab, w * inside[:, d], k)
    empty = totals == 0
    if not empty.any():
        sums /= totals[:, None]
        return sums, counts
    centers = np.full(sums.shape, np.nan)
    np.divide(sums, totals[:, None], out=centers, where=~empty[:, None])
    return centers, counts


def count_distinct_rows(points: FloatArray) -> int:
    """Return the number of distinct rows of ``points``."""
    if len(points) == 0:
        return 0
    if len(points) <= _FEW_ROWS:
        # a handful of rows (group centres): a set of their bytes is quicker than a sort
        rows = np.ascontiguousarray(points, dtype=np.float64)
        return len({row.tobytes() for row in rows})
    # rows are the same when their bytes are (as a void view compares them): sort the bit
    # patterns and count the changes
    keys = np.ascontiguousarray(points, dtype=np.float64).view(np.int64)
    ordered = keys[np.lexsort(keys.T[::-1])]
    return 1 + int(np.count_nonzero((ordered[1:] != ordered[:-1]).any(axis=1)))


def first_distinct_rows(points: FloatArray, k: int) -> IntArray:
    """Return the indices of the first ``k`` distinct rows, in data order (``init-clusters``)."""
    rows = np.ascontiguousarray(points, dtype=np.float64)
    keys = rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()
    _, first = np.unique(keys, return_index=True)
    return np.sort(first)[:k].astype(np.int64)


def cold_start(points: FloatArray, k: int) -> Clustering:
    """Start from the first ``k`` distinct points as centres, ids 0..k-1, no members yet."""
    first = first_distinct_rows(points, k)
    return Clustering(
        ids=np.arange(len(first), dtype=np.int64),
        centers=points[first].copy(),
        labels=np.full(len(points), -1, dtype=np.int64),
    )


def _merge_identical(
    ids: IntArray, centers: FloatArray, counts: FloatArray, labels: IntArray
) -> tuple[IntArray, IntArray]:
    """Merge clusters with identical centres (``uniqify-clusters``); return (ids, labels).

    The merged cluster keeps the id of the one with more members (on a tie, the later one)
    and the position of the first.
    """
    id_list = list(ids)
    member_counts = list(counts)
    merged_into: dict[tuple[float, ...], int] = {}
    keep: list[int] = []
    remap = np.arange(len(id_list))
    for index, center in enumerate(tuple(c) for c in centers):
        target = merged_into.get(center)
        if target is None:
            merged_into[center] = index
            keep.append(index)
            continue
        if member_counts[index] >= member_counts[target]:
            id_list[target] = id_list[index]
        member_counts[target] += member_counts[index]
        remap[index] = target
    position = {old: new for new, old in enumerate(keep)}
    slot_of = np.array([position[remap[i]] for i in range(len(id_list))], dtype=np.int64)
    merged_labels = np.where(labels >= 0, slot_of[np.maximum(labels, 0)], -1)
    return np.array([id_list[i] for i in keep], dtype=np.int64), merged_labels


def warm_start(
    points: FloatArray, k: int, previous: Clustering, weights: FloatArray | None = None
) -> Clustering:
    """Prepare the previous clustering for new data as Pol.is's ``clean-start-clusters`` does.

    ``previous.labels`` must already be aligned with ``points`` (-1 for newcomers).
    """
    centers, counts = _weighted_centers(points, previous.labels, previous.k, weights)
    alive = counts > 0
    if alive.size and alive.all():
        labels = previous.labels
        ids_array, alive_centers, alive_counts = previous.ids, centers, counts
    else:
        if not alive.any():
            return cold_start(points, k)
        slot = np.cumsum(alive) - 1
        labels = np.where(previous.labels >= 0, slot[np.maximum(previous.labels, 0)], -1)
        ids_array, alive_centers, alive_counts = previous.ids[alive], centers[alive], counts[alive]
    # without a merge, the recentred live clusters are what recentring on `labels` gives
    centers = alive_centers
    stale = False
    if count_distinct_rows(alive_centers) < len(alive_centers):
        ids_array, labels = _merge_identical(ids_array, alive_centers, alive_counts, labels)
        stale = True
    possible = k if len(ids_array) >= k else min(k, count_distinct_rows(points))
    while True:
        if stale:
            centers = _weighted_centers(points, labels, len(ids_array), weights)[0]
        stale = True
        if len(ids_array) >= possible:
            break
        live = ~np.isnan(centers).any(axis=1)
        distances = np.sqrt(_nearest(points, centers[live])[1])
        farthest = len(distances) - 1 - int(np.argmax(distances[::-1]))
        if distances[farthest] <= 0.0:
            break
        labels = labels.copy()
        labels[farthest] = len(ids_array)
        ids_array = np.append(ids_array, ids_array.max() + 1)
    live = ~np.isnan(centers).any(axis=1)
    if not live.all():
        # a cluster whose only member was split off has no centre left; Pol.is drops it
        slot = np.cumsum(live) - 1
        labels = np.where(labels >= 0, slot[np.maximum(labels, 0)], -1)
        ids_array, centers = ids_array[live], centers[live]
    return Clustering(ids=ids_array, centers=centers, labels=labels)


def _sorted_centers(centers: FloatArray) -> FloatArray:
    order = np.lexsort(centers.T[::-1])
    return centers[order]


def _settled_sorted(before: FloatArray, after: FloatArray) -> bool:
    """Pol.is's ``same-clustering?``: the centres, each set sorted by :func:`_sorted_centers`,
    all moved less than 0.01."""
    common = min(len(before), len(after))
    moved = np.sqrt(((before[:common] - after[:common]) ** 2).sum(axis=1))
    return bool(np.all(moved < SAME_CLUSTERING_DISTANCE))


def lloyd(
    points: FloatArray, start: Clustering, max_iters: int, weights: FloatArray | None = None
) -> Clustering:
    """Run Pol.is's ``cluster-step`` from ``start`` until the centres settle or iterations end."""
    ids, centers = start.ids, start.centers
    # each step's sorted new centres are the next step's sorted old ones
    sorted_old = _sorted_centers(centers)
    remaining = max_iters
    extended = _extended(points)
    while True:
        nearest = _nearest_last(points, centers, extended)
        new_centers, counts = _weighted_centers(points, nearest, len(ids), weights)
        alive = counts > 0
        if alive.all():
            labels, new_ids = nearest, ids
        else:
            slot = np.cumsum(alive) - 1
            labels = slot[nearest].astype(np.int64)
            new_ids = ids[alive]
            new_centers = new_centers[alive]
        if remaining == 0:
            return Clustering(ids=new_ids, centers=new_centers, labels=labels)
        sorted_new = _sorted_centers(new_centers)
        if _settled_sorted(sorted_old, sorted_new):
            return Clustering(ids=new_ids, centers=new_centers, labels=labels)
        ids, centers, sorted_old = new_ids, new_centers, sorted_new
        remaining -= 1


def kmeans(
    points: FloatArray,
    k: int,
    *,
    previous: Clustering | None = None,
    weights: FloatArray | None = None,
    max_iters: int = 20,
) -> Clustering:
    """Cluster ``points`` (n, d) into at most ``k`` clusters as Pol.is's ``kmeans`` does.

    ``previous`` (labels aligned with ``points``) gives the warm start; without it the
    first ``k`` distinct points start the clusters. ``weights`` (n,) weight the means.
    """
    if len(points) == 0:
        return Clustering(
            ids=np.zeros(0, np.int64), centers=np.zeros((0, 2)), labels=np.zeros(0, np.int64)
        )
    start = (
        cold_start(points, k)
        if previous is None or previous.k == 0
        else warm_start(points, k, previous, weights)
    )
    return lloyd(points, start, max_iters, weights)


def distance_matrix(points: FloatArray) -> FloatArray:
    """Return the (n, n) Euclidean distances between the rows of ``points``."""
    return np.sqrt(_squared_distances(points, points))


def silhouette(distances: FloatArray, labels: IntArray) -> float:
    """Return the mean silhouette of a clustering from its (n, n) ``distances``; 0 for a lone point.

    Pol.is computes it over base-cluster centres, unweighted (``clusters/silhouette``).
    """
    n = len(labels)
    if n == 0:
        return 0.0
    k = int(labels.max()) + 1
    if k < 2:
        return 0.0
    rows = np.arange(n)
    one_hot = np.zeros((n, k))
    one_hot[rows, labels] = 1.0
    sums = distances @ one_hot
    sizes = np.bincount(labels, minlength=k).astype(np.float64)
    own_size = sizes[labels] - 1.0
    alone = own_size == 0
    a = sums[rows, labels] / np.where(alone, 1.0, own_size)
    empty = sizes == 0
    means = sums / np.where(empty, 1.0, sizes)
    means[rows, labels] = np.inf
    if empty.any():
        means[:, empty] = np.inf
    b = means.min(axis=1)
    larger = np.maximum(a, b)
    zero = larger == 0
    scores = np.where(alone | zero, 0.0, (b - a) / np.where(zero, 1.0, larger))
    return float(scores.mean())
