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

The loops are compiled (:mod:`.compiled`): a replay runs a thousand small clusterings, and
each sum is taken in index order, so the clusters are the same on every machine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tracktwo.engines.commonground.compiled import compiled
from tracktwo.errors import ValidationError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SAME_CLUSTERING_DISTANCE = 0.01
# from this many 2-D points on, the nearest-centre pass looks only at the centres that can
# be nearest somewhere in the point's cell of a grid
_GRIDDED_POINTS = 20_000
_GRID_CELLS = 128  # per side, at most
_GRIDDED_CENTRES = 256
_LARGEST_COORDINATE = 1e150


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


@compiled
def _score_terms(centers: FloatArray, width: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return ``-2 c_x``, ``-2 c_y`` and ``|c|^2`` of each 2-D centre, padded to ``width``
    with centres that score NaN, which no comparison ever prefers (not even to a real
    centre whose score overflowed to +inf)."""
    first = np.zeros(width)
    second = np.zeros(width)
    lengths = np.full(width, np.nan)
    for j in range(centers.shape[0]):
        first[j] = centers[j, 0] * -2.0
        second[j] = centers[j, 1] * -2.0
        lengths[j] = centers[j, 0] * centers[j, 0] + centers[j, 1] * centers[j, 1]
    return first, second, lengths


@compiled
def _nearest_planar(
    points: FloatArray, centers: FloatArray, labels: IntArray, distances: FloatArray
) -> None:
    """Write each 2-D point's nearest centre (the last on a tie, as Clojure's ``min-key``) into
    ``labels`` and, if ``distances`` is not empty, the squared distance to it.

    Squared distances are ``|x|^2 + |c|^2 - 2 x.c``, floored at 0: the expansion vectorz's
    ``distance`` uses on the rows Pol.is passes, whose cancellation makes near-coincident
    points tie at exactly 0 (delphi's quirk Q11). Only ``|c|^2 - 2 x.c`` is compared, in
    four interleaved running minima (which the compiler can keep in vector registers)
    merged by the same rule, so the choice is the one a single scan makes.
    """
    first, second, lengths = _score_terms(centers, (centers.shape[0] + 3) // 4 * 4)
    width = lengths.shape[0]
    want = distances.shape[0] > 0
    for i in range(points.shape[0]):
        x, y = points[i, 0], points[i, 1]
        b0 = b1 = b2 = b3 = np.inf
        n0 = n1 = n2 = n3 = -1
        for j in range(0, width, 4):
            c0 = (x * first[j] + y * second[j]) + lengths[j]
            c1 = (x * first[j + 1] + y * second[j + 1]) + lengths[j + 1]
            c2 = (x * first[j + 2] + y * second[j + 2]) + lengths[j + 2]
            c3 = (x * first[j + 3] + y * second[j + 3]) + lengths[j + 3]
            if c0 <= b0:
                b0, n0 = c0, j
            if c1 <= b1:
                b1, n1 = c1, j + 1
            if c2 <= b2:
                b2, n2 = c2, j + 2
            if c3 <= b3:
                b3, n3 = c3, j + 3
        lowest, chosen = b0, n0
        if b1 < lowest or (b1 == lowest and n1 > chosen):
            lowest, chosen = b1, n1
        if b2 < lowest or (b2 == lowest and n2 > chosen):
            lowest, chosen = b2, n2
        if b3 < lowest or (b3 == lowest and n3 > chosen):
            lowest, chosen = b3, n3
        labels[i] = chosen
        if want:
            distances[i] = max(lowest + (x * x + y * y), 0.0)


@compiled
def _nearest_gridded(
    points: FloatArray, centers: FloatArray, labels: IntArray, distances: FloatArray
) -> None:
    """What :func:`_nearest_planar` does, scoring only the centres that can be nearest.

    The points' bounding box is cut into a grid. For each cell, ``D`` is the smallest over
    centres of their farthest distance from the cell; a centre whose nearest distance from
    the cell exceeds ``D`` (in squares, by a slack of 1e-9 of the squared coordinate scale)
    is farther than some other centre from every point of the cell, by far more than
    rounding can move a computed score (about 1e-15 of the squared scale), so a full scan
    would never choose it. The candidates are scored in index order, the last of equal
    scores winning: the full scan's choice.
    """
    n, k = points.shape[0], centers.shape[0]
    # about four points per cell, from 8 x 8 up to 128 x 128 cells
    cells = min(max(int(math.sqrt(n / 4.0)), 8), _GRID_CELLS)
    low_x = high_x = points[0, 0]
    low_y = high_y = points[0, 1]
    for i in range(n):
        low_x, high_x = min(low_x, points[i, 0]), max(high_x, points[i, 0])
        low_y, high_y = min(low_y, points[i, 1]), max(high_y, points[i, 1])
    reach = 0.0
    for j in range(k):
        reach = max(reach, abs(centers[j, 0]) + abs(centers[j, 1]))
    scale = max(abs(low_x), abs(high_x)) + max(abs(low_y), abs(high_y)) + reach
    if not 1e-100 < scale < 1e100:
        # the slack would underflow, or the squares overflow: scan every centre
        _nearest_planar(points, centers, labels, distances)
        return
    slack = 1e-9 * scale * scale
    pad = 1e-9 * scale
    width_x = (high_x - low_x) / cells
    width_y = (high_y - low_y) / cells
    # a point's cell by one multiplication; where rounding misplaces it by an ulp, the
    # padding of the boxes still holds it
    per_x = 1.0 / width_x if width_x > 0 else 0.0
    per_y = 1.0 / width_y if width_y > 0 else 0.0
    # candidates of every cell, in index order: starts[c] .. starts[c + 1] in `members`
    starts = np.zeros(cells * cells + 1, dtype=np.int64)
    members = np.empty(cells * cells * k, dtype=np.int64)
    nearest_sq = np.empty(k)
    used = 0
    for cx in range(cells):
        box_x0 = low_x + cx * width_x - pad
        box_x1 = low_x + (cx + 1) * width_x + pad
        for cy in range(cells):
            box_y0 = low_y + cy * width_y - pad
            box_y1 = low_y + (cy + 1) * width_y + pad
            bound = np.inf
            for j in range(k):
                x, y = centers[j, 0], centers[j, 1]
                gap_x = max(box_x0 - x, x - box_x1, 0.0)
                gap_y = max(box_y0 - y, y - box_y1, 0.0)
                nearest_sq[j] = gap_x * gap_x + gap_y * gap_y
                far_x = max(abs(x - box_x0), abs(x - box_x1))
                far_y = max(abs(y - box_y0), abs(y - box_y1))
                bound = min(bound, far_x * far_x + far_y * far_y)
            for j in range(k):
                if nearest_sq[j] <= bound + slack:
                    members[used] = j
                    used += 1
            starts[cx * cells + cy + 1] = used
    first, second, lengths = _score_terms(centers, k)
    want = distances.shape[0] > 0
    for i in range(n):
        x, y = points[i, 0], points[i, 1]
        cx = min(max(int((x - low_x) * per_x), 0), cells - 1)
        cy = min(max(int((y - low_y) * per_y), 0), cells - 1)
        cell = cx * cells + cy
        lowest = np.inf
        chosen = -1
        for m in range(starts[cell], starts[cell + 1]):
            j = members[m]
            score = (x * first[j] + y * second[j]) + lengths[j]
            if score <= lowest:
                lowest, chosen = score, j
        labels[i] = chosen
        if want:
            distances[i] = max(lowest + (x * x + y * y), 0.0)


@compiled
def _nearest_any(
    points: FloatArray, centers: FloatArray, labels: IntArray, distances: FloatArray
) -> None:
    """What :func:`_nearest_planar` does, for points of any dimension, in one plain scan."""
    n, d = points.shape
    k = centers.shape[0]
    lengths = np.zeros(k)
    for j in range(k):
        for t in range(d):
            lengths[j] += centers[j, t] * centers[j, t]
    for i in range(n):
        lowest = np.inf
        chosen = -1
        for j in range(k):
            score = 0.0
            for t in range(d):
                score += points[i, t] * (centers[j, t] * -2.0)
            score += lengths[j]
            if score <= lowest:
                lowest, chosen = score, j
        labels[i] = chosen
        if distances.shape[0] > 0:
            own = 0.0
            for t in range(d):
                own += points[i, t] * points[i, t]
            distances[i] = max(lowest + own, 0.0)


@compiled
def _nearest(
    points: FloatArray, centers: FloatArray, with_distances: bool
) -> tuple[IntArray, FloatArray]:
    """Return each point's nearest centre and (if asked) the squared distance to it."""
    n, k = points.shape[0], centers.shape[0]
    labels = np.empty(n, dtype=np.int64)
    distances = np.empty(n if with_distances else 0)
    if points.shape[1] == 2 and n >= _GRIDDED_POINTS and 1 < k <= _GRIDDED_CENTRES:
        _nearest_gridded(points, centers, labels, distances)
    elif points.shape[1] == 2:
        _nearest_planar(points, centers, labels, distances)
    else:
        _nearest_any(points, centers, labels, distances)
    return labels, distances


@compiled
def _weighted_centers(
    points: FloatArray, labels: IntArray, k: int, weights: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return (centres (k, d), member counts (k,)); a centre with no members is NaN.

    An empty ``weights`` weighs every point 1.
    """
    n, d = points.shape
    weighted = weights.shape[0] > 0
    sums = np.zeros((k, d))
    totals = np.zeros(k)
    counts = np.zeros(k)
    for i in range(n):
        label = labels[i]
        if label < 0:
            continue
        counts[label] += 1.0
        if weighted:
            w = weights[i]
            totals[label] += w
            for t in range(d):
                sums[label, t] += w * points[i, t]
        else:
            for t in range(d):
                sums[label, t] += points[i, t]
    if not weighted:
        totals = counts
    centers = np.empty((k, d))
    for j in range(k):
        for t in range(d):
            centers[j, t] = sums[j, t] / totals[j] if totals[j] != 0.0 else np.nan
    return centers, counts


@compiled
def _same_bits(keys: IntArray, a: int, b: int) -> bool:
    # a plain loop: compiled code takes no generator expressions
    for t in range(keys.shape[1]):  # noqa: SIM110
        if keys[a, t] != keys[b, t]:
            return False
    return True


@compiled
def _first_distinct(keys: IntArray, limit: int) -> IntArray:
    """Return the indices of the first ``limit`` rows of distinct bits, in data order."""
    chosen = np.empty(min(limit, keys.shape[0]), dtype=np.int64)
    found = 0
    for i in range(keys.shape[0]):
        if found == limit:
            break
        new = True
        for j in range(found):
            if _same_bits(keys, chosen[j], i):
                new = False
                break
        if new:
            chosen[found] = i
            found += 1
    return chosen[:found]


@compiled
def _bits(points: FloatArray) -> IntArray:
    """Return the bit patterns of ``points``'s entries (rows compare as a void view does)."""
    return np.ascontiguousarray(points).view(np.int64)


@compiled
def _cold_start(points: FloatArray, k: int) -> tuple[IntArray, FloatArray]:
    """Return ids 0.. and centres of the first ``k`` distinct points (``init-clusters``)."""
    first = _first_distinct(_bits(points), k)
    return np.arange(first.shape[0]), points[first].copy()


def first_distinct_rows(points: FloatArray, k: int) -> IntArray:
    """Return the indices of the first ``k`` distinct rows, in data order (``init-clusters``)."""
    rows = np.ascontiguousarray(points, dtype=np.float64)
    return np.asarray(_first_distinct(_bits(rows), k), dtype=np.int64)


@compiled
def _drop_empty(
    ids: IntArray, centers: FloatArray, labels: IntArray, alive: npt.NDArray[np.bool_]
) -> tuple[IntArray, FloatArray, IntArray]:
    """Keep the clusters marked ``alive``, renumbering the labels of their members."""
    slot = np.cumsum(alive) - 1
    new_labels = np.empty_like(labels)
    for i in range(labels.shape[0]):
        new_labels[i] = slot[labels[i]] if labels[i] >= 0 else -1
    return ids[alive].copy(), centers[alive].copy(), new_labels


@compiled
def _merge_identical(
    ids: IntArray, centers: FloatArray, counts: FloatArray, labels: IntArray
) -> tuple[IntArray, IntArray]:
    """Merge clusters with equal centres (``uniqify-clusters``); return (ids, labels).

    The merged cluster keeps the id of the one with more members (on a tie, the later one)
    and the position of the first.
    """
    k, d = centers.shape
    new_ids = ids.copy()
    members = counts.copy()
    target = np.arange(k)
    for index in range(k):
        for earlier in range(index):
            if target[earlier] != earlier:
                continue
            equal = True
            for t in range(d):
                if centers[index, t] != centers[earlier, t]:
                    equal = False
                    break
            if equal:
                if members[index] >= members[earlier]:
                    new_ids[earlier] = new_ids[index]
                members[earlier] += members[index]
                target[index] = earlier
                break
    keep = target == np.arange(k)
    slot = np.cumsum(keep) - 1
    merged = np.empty_like(labels)
    for i in range(labels.shape[0]):
        merged[i] = slot[target[labels[i]]] if labels[i] >= 0 else -1
    return new_ids[keep].copy(), merged


@compiled
def _warm_start(
    points: FloatArray,
    k: int,
    ids: IntArray,
    labels: IntArray,
    weights: FloatArray,
) -> tuple[IntArray, FloatArray, IntArray]:
    """Prepare the previous clustering (``ids``, ``labels`` aligned with ``points``) for new
    data as Pol.is's ``clean-start-clusters`` does; return (ids, centres, labels)."""
    centers, counts = _weighted_centers(points, labels, ids.shape[0], weights)
    alive = counts > 0
    if not alive.any():
        start_ids, start_centers = _cold_start(points, k)
        return start_ids, start_centers, np.full(points.shape[0], -1)
    if not alive.all():
        ids, centers, labels = _drop_empty(ids, centers, labels, alive)
        counts = counts[alive].copy()
    stale = False
    n_clusters = ids.shape[0]
    if _first_distinct(_bits(centers), n_clusters).shape[0] < n_clusters:
        ids, labels = _merge_identical(ids, centers, counts, labels)
        stale = True
    possible = k if ids.shape[0] >= k else _first_distinct(_bits(points), k).shape[0]
    while True:
        if stale:
            centers = _weighted_centers(points, labels, ids.shape[0], weights)[0]
        stale = True
        if ids.shape[0] >= possible:
            break
        live = np.ones(centers.shape[0], dtype=np.bool_)
        for j in range(centers.shape[0]):
            for t in range(centers.shape[1]):
                if np.isnan(centers[j, t]):
                    live[j] = False
        squared = _nearest(points, centers[live].copy(), True)[1]
        farthest = -1
        widest = -np.inf
        for i in range(squared.shape[0]):
            if np.sqrt(squared[i]) >= widest:
                widest = np.sqrt(squared[i])
                farthest = i
        if widest <= 0.0:
            break
        labels = labels.copy()
        labels[farthest] = ids.shape[0]
        grown = np.empty(ids.shape[0] + 1, dtype=np.int64)
        grown[:-1] = ids
        grown[-1] = ids.max() + 1
        ids = grown
    live = np.ones(centers.shape[0], dtype=np.bool_)
    for j in range(centers.shape[0]):
        for t in range(centers.shape[1]):
            if np.isnan(centers[j, t]):
                live[j] = False
    if not live.all():
        # a cluster whose only member was split off has no centre left; Pol.is drops it
        ids, centers, labels = _drop_empty(ids, centers, labels, live)
    return ids, centers, labels


@compiled
def _sorted_centers(centers: FloatArray) -> FloatArray:
    """Return the centres sorted by their first coordinate, then the next, and so on."""
    k, d = centers.shape
    ordered = centers.copy()
    for i in range(1, k):
        row = ordered[i].copy()
        j = i - 1
        while j >= 0:
            greater = False
            for t in range(d):
                if ordered[j, t] != row[t]:
                    greater = ordered[j, t] > row[t]
                    break
            if not greater:
                break
            ordered[j + 1] = ordered[j]
            j -= 1
        ordered[j + 1] = row
    return ordered


@compiled
def _settled(before: FloatArray, after: FloatArray) -> bool:
    """Pol.is's ``same-clustering?``: the sorted centres all moved less than 0.01."""
    for j in range(min(before.shape[0], after.shape[0])):
        total = 0.0
        for t in range(before.shape[1]):
            step = before[j, t] - after[j, t]
            total += step * step
        if not np.sqrt(total) < SAME_CLUSTERING_DISTANCE:
            return False
    return True


@compiled
def _lloyd(
    points: FloatArray,
    ids: IntArray,
    centers: FloatArray,
    max_iters: int,
    weights: FloatArray,
) -> tuple[IntArray, FloatArray, IntArray]:
    """Run Pol.is's ``cluster-step`` until the centres settle or the steps run out."""
    sorted_old = _sorted_centers(centers)
    remaining = max_iters
    while True:
        labels = _nearest(points, centers, False)[0]
        new_centers, counts = _weighted_centers(points, labels, ids.shape[0], weights)
        new_ids = ids
        alive = counts > 0
        if not alive.all():
            new_ids, new_centers, labels = _drop_empty(ids, new_centers, labels, alive)
        if remaining == 0:
            return new_ids, new_centers, labels
        sorted_new = _sorted_centers(new_centers)
        if _settled(sorted_old, sorted_new):
            return new_ids, new_centers, labels
        ids, centers, sorted_old = new_ids, new_centers, sorted_new
        remaining -= 1


@compiled
def _kmeans(
    points: FloatArray,
    k: int,
    ids: IntArray,
    labels: IntArray,
    weights: FloatArray,
    max_iters: int,
) -> tuple[IntArray, FloatArray, IntArray]:
    if ids.shape[0] == 0:
        start_ids, centers = _cold_start(points, k)
    else:
        start_ids, centers, _ = _warm_start(points, k, ids, labels, weights)
    return _lloyd(points, start_ids, centers, max_iters, weights)


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
    data = np.ascontiguousarray(points, dtype=np.float64)
    ids = labels = np.zeros(0, dtype=np.int64)
    weighing = np.zeros(0) if weights is None else np.ascontiguousarray(weights, np.float64)
    # the compiled loops index without checking: refuse what would make them read astray
    if data.ndim != 2 or not np.isfinite(data).all():
        raise ValidationError("k-means needs a 2-D array of finite points")
    if data.size and float(np.abs(data).max()) > _LARGEST_COORDINATE:
        raise ValidationError(
            f"k-means coordinates beyond {_LARGEST_COORDINATE:g} overflow squared distances"
        )
    if k < 1:
        raise ValidationError(f"k-means needs k of at least 1, not {k}")
    if weights is not None and (weighing.shape != (len(data),) or not (weighing >= 0).all()):
        raise ValidationError("k-means weights must be one non-negative number per point")
    if previous is not None:
        ids = np.ascontiguousarray(previous.ids, dtype=np.int64)
        labels = np.ascontiguousarray(previous.labels, dtype=np.int64)
        if labels.shape != (len(data),) or labels.max(initial=-1) >= len(ids):
            raise ValidationError(
                "a warm start needs one label per point, each -1 or a previous cluster"
            )
    found_ids, centers, found_labels = _kmeans(data, k, ids, labels, weighing, max_iters)
    return Clustering(ids=found_ids, centers=centers, labels=found_labels)


@compiled
def _distances(points: FloatArray) -> FloatArray:
    n, d = points.shape
    lengths = np.zeros(n)
    for i in range(n):
        total = 0.0
        for t in range(d):
            total += points[i, t] * points[i, t]
        lengths[i] = total
    result = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            dot = 0.0
            for t in range(d):
                dot += points[i, t] * points[j, t]
            result[i, j] = np.sqrt(max(lengths[i] + lengths[j] - 2.0 * dot, 0.0))
    return result


def distance_matrix(points: FloatArray) -> FloatArray:
    """Return the (n, n) Euclidean distances between the rows of ``points``.

    By the same expansion as the nearest-centre search, ``|a|^2 + |b|^2 - 2 a.b``.
    """
    return np.asarray(_distances(np.ascontiguousarray(points, dtype=np.float64)))


@compiled
def _silhouette(distances: FloatArray, labels: IntArray) -> float:
    n = labels.shape[0]
    if n == 0:
        return 0.0
    k = labels.max() + 1
    if k < 2:
        return 0.0
    sizes = np.zeros(k)
    for i in range(n):
        sizes[labels[i]] += 1.0
    sums = np.zeros(k)
    total = 0.0
    for i in range(n):
        sums[:] = 0.0
        for j in range(n):
            sums[labels[j]] += distances[i, j]
        own = labels[i]
        if sizes[own] - 1.0 == 0.0:
            continue
        a = sums[own] / (sizes[own] - 1.0)
        b = np.inf
        for g in range(k):
            if g != own and sizes[g] > 0.0:
                b = min(b, sums[g] / sizes[g])
        larger = max(a, b)
        if larger != 0.0:
            total += (b - a) / larger
    return float(total / n)


def silhouette(distances: FloatArray, labels: IntArray) -> float:
    """Return the mean silhouette of a clustering from its (n, n) ``distances``; 0 for a lone point.

    Pol.is computes it over base-cluster centres, unweighted (``clusters/silhouette``).
    """
    return float(
        _silhouette(
            np.ascontiguousarray(distances, dtype=np.float64),
            np.ascontiguousarray(labels, dtype=np.int64),
        )
    )
