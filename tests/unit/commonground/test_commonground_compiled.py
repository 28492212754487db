"""The compiled loops give the very bits their Python reading gives: sums in index order, no
fused multiply-add, whatever the processor (see ``tracktwo.engines.commonground.compiled``)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import numpy as np
import pytest

from tracktwo.engines.commonground import clusters, polis_pca, replay_votes
from tracktwo.errors import ValidationError


def _same(left: object, right: object) -> bool:
    if isinstance(left, tuple):
        return all(_same(a, b) for a, b in zip(left, right, strict=True))  # type: ignore[arg-type]
    return bool(np.array_equal(np.asarray(left), np.asarray(right), equal_nan=True))


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(17)


def test_the_nearest_centre_pass_is_its_python_reading_bit_for_bit(rng):
    points = rng.normal(size=(300, 2)) * 3
    points[::7] = points[1::7][: len(points[::7])]  # repeated points tie
    centers = np.vstack([points[:9], rng.normal(size=(8, 2))])
    for body in (clusters._nearest_planar, clusters._nearest_any):
        compiled_out = (np.empty(300, dtype=np.int64), np.empty(300))
        python_out = (np.empty(300, dtype=np.int64), np.empty(300))
        body(points, centers, *compiled_out)
        body.py_func(points, centers, *python_out)
        assert _same(compiled_out, python_out)
    wide = rng.normal(size=(50, 3))
    assert _same(
        clusters._nearest(wide, wide[:4], True), clusters._nearest.py_func(wide, wide[:4], True)
    )


def test_the_nearest_centre_is_the_last_of_equally_near_ones(rng):
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    centers = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [5.0, 5.0], [0.0, -1.0]])
    labels, distances = clusters._nearest(points, centers, True)
    assert labels.tolist() == [4, 1]  # four centres tie for the origin: the last one wins
    assert distances[0] == 1.0


def test_the_clusterings_are_their_python_reading_bit_for_bit(rng):
    points = np.vstack([rng.normal(c, 0.4, size=(40, 2)) for c in ((0, 0), (3, 0), (0, 3))])
    weights = rng.integers(1, 9, len(points)).astype(float)
    none = np.zeros(0, dtype=np.int64)
    cold = clusters._kmeans(points, 5, none, none, weights, 20)
    assert _same(cold, clusters._kmeans.py_func(points, 5, none, none, weights, 20))
    labels = cold[2].copy()
    labels[::5] = -1  # newcomers
    warm = clusters._kmeans(points, 6, cold[0], labels, np.zeros(0), 20)
    assert _same(warm, clusters._kmeans.py_func(points, 6, cold[0], labels, np.zeros(0), 20))
    assert _same(
        clusters._warm_start(points, 6, cold[0], labels, weights),
        clusters._warm_start.py_func(points, 6, cold[0], labels, weights),
    )
    assert _same(clusters._lloyd(points, *cold[:2], 3, weights),
                 clusters._lloyd.py_func(points, *cold[:2], 3, weights))  # fmt: skip
    distances = clusters._distances(points)
    assert _same(distances, clusters._distances.py_func(points))
    assert clusters._silhouette(distances, warm[2]) == clusters._silhouette.py_func(
        distances, warm[2]
    )


def test_identical_centres_merge_keeping_the_larger_clusters_id(rng):
    centers = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    ids, labels = clusters._merge_identical(
        np.array([3, 5, 8]), centers, np.array([1.0, 4.0, 2.0]), np.array([0, 1, 2, -1])
    )
    assert ids.tolist() == [8, 5]  # the third has more members than the first: its id stays
    assert labels.tolist() == [0, 1, 0, -1]


def test_the_pca_loops_are_their_python_reading_bit_for_bit(rng):
    votes = rng.choice([-1.0, 0.0, 1.0], size=(60, 12))
    seen = (rng.random((60, 12)) < 0.7).astype(float)
    votes *= seen
    means = votes.sum(axis=0) / np.maximum(seen.sum(axis=0), 1)
    moments = (votes.T @ votes, votes.T @ seen, seen.T @ seen, means)
    gram = polis_pca._gram_from_moments(*moments)
    assert _same(gram, polis_pca._gram_from_moments.py_func(*moments))
    assert np.array_equal(gram, gram.T)
    start = rng.random(12)
    first = polis_pca._power_iteration_gram(gram, start, np.zeros((0, 12)), 100, 1e-9)
    assert _same(
        first, polis_pca._power_iteration_gram.py_func(gram, start, np.zeros((0, 12)), 100, 1e-9)
    )
    deflate = first[None, :]
    second = polis_pca._power_iteration_gram(gram, start, deflate, 100, 1e-9)
    assert _same(second, polis_pca._power_iteration_gram.py_func(gram, start, deflate, 100, 1e-9))
    assert abs(float(first @ second)) < 1e-8


def test_the_replay_loops_are_their_python_reading_bit_for_bit(rng):
    rows, cols = rng.integers(0, 25, 400), rng.integers(0, 9, 400)
    values = rng.choice([-1.0, 0.0, 1.0], 400)
    compiled_store = replay_votes.ReplayVotes(rows, cols, 25, 9, moments=True)
    python_store = replay_votes.ReplayVotes(rows, cols, 25, 9, moments=True)
    compiled_store.apply(rows, cols, values)
    cells = np.searchsorted(python_store._cells, rows * 9 + cols)
    replay_votes._record.py_func(
        cells, rows, cols, values, python_store.indptr, python_store.indices,
        python_store.cell_values, python_store.cell_seen, python_store.column_totals,
        python_store.column_seen, python_store.live_votes, python_store.cross, True,
    )  # fmt: skip
    assert np.array_equal(compiled_store.cross, python_store.cross)
    store = compiled_store
    pattern = (store.indptr, store.indices, store.cell_values, store.cell_seen)
    for width in (2, 3):  # the map's two components have their own loop
        by_votes, by_seen = rng.normal(size=(7, width)), rng.normal(size=(7, width))
        assert _same(
            replay_votes._product(*pattern, 20, by_votes, by_seen),
            replay_votes._product.py_func(*pattern, 20, by_votes, by_seen),
        )
    vector = rng.normal(size=20)
    assert _same(
        replay_votes._transposed_product(*pattern, vector, 7),
        replay_votes._transposed_product.py_func(*pattern, vector, 7),
    )
    assert _same(
        replay_votes._votes_gram(*pattern[:3], 20, 7),
        replay_votes._votes_gram.py_func(*pattern[:3], 20, 7),
    )


@pytest.mark.parametrize("case", range(8))
def test_the_gridded_nearest_centre_pass_chooses_as_the_full_scan_does(case):
    rng = np.random.default_rng(case)
    n, k = 3000, int(rng.integers(2, 120))
    points = rng.normal(size=(n, 2)) * rng.uniform(1e-3, 50) + rng.normal(size=2) * 100
    if case % 2:
        points = np.round(points, 1)  # many repeated points and equally near centres
    if case == 3:
        points[:, 1] = 7.0  # a grid one cell high
    centers = np.ascontiguousarray(points[rng.integers(0, n, k)])
    if case % 3 == 0:
        centers[::4] = centers[0]  # identical centres: the last one wins
    gridded = (np.empty(n, dtype=np.int64), np.empty(n))
    scanned = (np.empty(n, dtype=np.int64), np.empty(n))
    clusters._nearest_gridded(points, centers, *gridded)
    clusters._nearest_planar(points, centers, *scanned)
    assert _same(gridded, scanned)


def test_the_gridded_pass_is_its_python_reading_bit_for_bit(rng):
    points = rng.normal(size=(200, 2))
    centers = np.ascontiguousarray(points[:3])
    compiled_out = (np.empty(200, dtype=np.int64), np.empty(200))
    python_out = (np.empty(200, dtype=np.int64), np.empty(200))
    clusters._nearest_gridded(points, centers, *compiled_out)
    clusters._nearest_gridded.py_func(points, centers, *python_out)
    assert _same(compiled_out, python_out)


@pytest.mark.parametrize("scale", [1e-160, 1e-30, 1e30, 1e154])
def test_the_gridded_pass_agrees_with_the_scan_at_extreme_scales(scale):
    rng = np.random.default_rng(11)
    points = np.round(rng.normal(size=(2000, 2)), 1) * scale
    centers = np.ascontiguousarray(points[:40])
    gridded = (np.empty(2000, dtype=np.int64), np.empty(2000))
    scanned = (np.empty(2000, dtype=np.int64), np.empty(2000))
    clusters._nearest_gridded(points, centers, *gridded)
    clusters._nearest_planar(points, centers, *scanned)
    assert _same(gridded, scanned)
    assert ((gridded[0] >= 0) & (gridded[0] < 40)).all()


def test_a_score_that_overflows_never_points_past_the_centres():
    # -2 x.c is -inf and |c|^2 +inf: the score is NaN and no centre is chosen (-1), where
    # the padding's index would have been written before
    labels, _ = clusters._nearest(np.array([[1e155, 0.0]]), np.array([[1e155, 0.0]]), True)
    assert labels.tolist() == [-1]
    with pytest.raises(ValidationError, match="overflow squared distances"):
        clusters.kmeans(np.array([[1e155, 0.0], [0.0, 0.0]]), 2)


def test_the_leaf_loops_are_their_python_reading_bit_for_bit(rng):
    points = np.round(rng.normal(size=(80, 2)), 2)
    labels = rng.integers(-1, 6, 80)
    weights = rng.random(80)
    for weighing in (weights, np.zeros(0)):
        assert _same(
            clusters._weighted_centers(points, labels, 6, weighing),
            clusters._weighted_centers.py_func(points, labels, 6, weighing),
        )
    centers = np.vstack([points[:7], points[:2]])
    assert _same(clusters._sorted_centers(centers), clusters._sorted_centers.py_func(centers))
    moved = centers + 0.004
    assert clusters._settled(centers, moved) == clusters._settled.py_func(centers, moved)
    assert _same(clusters._score_terms(centers, 12), clusters._score_terms.py_func(centers, 12))
    alive = np.array([True, False, True, True, False, True])
    ids = np.arange(6) * 10
    assert _same(
        clusters._drop_empty(ids, points[:6].copy(), labels, alive),
        clusters._drop_empty.py_func(ids, points[:6].copy(), labels, alive),
    )
    keys = clusters._bits(np.ascontiguousarray(points))
    assert _same(clusters._first_distinct(keys, 30), clusters._first_distinct.py_func(keys, 30))
    matrix = rng.normal(size=(9, 9))
    matrix = matrix + matrix.T
    vector = rng.normal(size=9)
    assert _same(
        polis_pca._symmetric_product(matrix, vector),
        polis_pca._symmetric_product.py_func(matrix, vector),
    )
    components = rng.normal(size=(2, 9))
    lengths = np.array([polis_pca._dot(c, c) for c in components])
    assert polis_pca._dot(vector, matrix[0]) == polis_pca._dot.py_func(vector, matrix[0])
    assert _same(
        polis_pca._remove(vector, components, lengths),
        polis_pca._remove.py_func(vector, components, lengths),
    )


def test_warming_up_readies_every_loop_the_engine_calls_from_python():
    from tracktwo.engines.commonground.warm import warm_up

    assert warm_up() > 0.0
    called_from_python = [
        clusters._kmeans, clusters._first_distinct, clusters._distances, clusters._silhouette,
        polis_pca._gram_from_moments, polis_pca._symmetric_product,
        polis_pca._power_iteration_gram, polis_pca._remove, polis_pca._dot,
        replay_votes._record, replay_votes._product, replay_votes._transposed_product,
        replay_votes._votes_gram,
    ]  # fmt: skip
    assert [loop for loop in called_from_python if not loop.signatures] == []


_REPLAY_DIGEST = """
import hashlib
from tracktwo.engines.commonground.polis_groups import replay
from tracktwo.engines.commonground.synthetic import planted_round
result = replay(planted_round(400, 40, 12, n_groups=3, seed=5).votes)
digest = hashlib.sha256(result.projection.tobytes() + result.groups.tobytes())
print(digest.hexdigest())
"""


@pytest.mark.skipif(platform.machine() != "x86_64", reason="OpenBLAS kernel names are x86's")
def test_a_replay_gives_the_same_bits_whichever_blas_kernel_the_processor_gets():
    digests = set()
    for kernel in ("", "Prescott", "Sandybridge", "Haswell"):
        environment = {**os.environ, "OPENBLAS_CORETYPE": kernel}
        run = subprocess.run(
            [sys.executable, "-c", _REPLAY_DIGEST],
            env=environment, capture_output=True, text=True, check=True,
        )  # fmt: skip
        digests.add(run.stdout.strip())
    assert len(digests) == 1
