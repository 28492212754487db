"""Pol.is's k-means: first distinct points, warm starts that keep ids, silhouette, ARI."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tracktwo.engines.commonground.agreement import adjusted_rand_index
from tracktwo.engines.commonground.clusters import (
    Clustering,
    distance_matrix,
    first_distinct_rows,
    kmeans,
    silhouette,
)
from tracktwo.errors import ValidationError


def blobs(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal(c, 0.3, size=(30, 2)) for c in ((0, 0), (5, 0), (0, 5))])


def test_a_cold_start_takes_the_first_distinct_points_in_data_order():
    points = np.array([[1.0, 1.0], [1.0, 1.0], [2.0, 0.0], [3.0, 3.0]])
    assert first_distinct_rows(points, 2).tolist() == [0, 2]


def test_kmeans_separates_three_clear_blobs():
    points = blobs()
    truth = np.repeat([0, 1, 2], 30)
    result = kmeans(points, 3, max_iters=50)
    assert adjusted_rand_index(truth, result.labels) == pytest.approx(1.0)


def test_a_warm_start_keeps_cluster_ids_and_places_newcomers():
    points = blobs()
    first = kmeans(points[:60], 2, max_iters=50)
    labels = np.full(90, -1)
    labels[:60] = first.labels
    previous = Clustering(ids=first.ids, centers=first.centers, labels=labels)
    second = kmeans(points, 3, previous=previous, max_iters=50)
    assert set(first.ids) <= set(second.ids)
    assert second.k == 3
    new_id = int(max(first.ids)) + 1
    assert new_id in second.ids.tolist()
    # the third blob arrived last and was split off as the new cluster
    newcomers = second.ids[second.labels[60:]]
    assert set(newcomers.tolist()) == {new_id}


def test_weights_pull_a_centre_towards_heavy_points():
    points = np.array([[0.0, 0.0], [1.0, 0.0]])
    heavy = kmeans(points, 1, weights=np.array([1.0, 3.0]))
    assert heavy.centers[0, 0] == pytest.approx(0.75)


def test_silhouette_matches_its_definition_on_a_small_example():
    points = np.array([[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0], [9.0, 9.0]])
    labels = np.array([0, 0, 1, 1, 2])
    d = distance_matrix(points)
    expected = []
    for i in range(5):
        own = [j for j in range(5) if labels[j] == labels[i] and j != i]
        if not own:
            expected.append(0.0)
            continue
        a = np.mean(d[i, own])
        b = min(np.mean(d[i, labels == g]) for g in set(labels.tolist()) if g != labels[i])
        expected.append((b - a) / max(a, b))
    assert silhouette(d, labels) == pytest.approx(np.mean(expected))


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(2, 40), st.just(2)), elements=st.floats(-5, 5)),
    st.integers(1, 6),
)
def test_every_point_lands_in_a_non_empty_cluster_of_at_most_k(points, k):
    result = kmeans(points, k, max_iters=20)
    assert result.k <= k
    assert (result.labels >= 0).all() and (result.labels < result.k).all()
    assert (np.bincount(result.labels, minlength=result.k) > 0).all()
    assert len(set(result.ids.tolist())) == result.k


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=2, max_size=40), st.randoms())
def test_the_adjusted_rand_index_ignores_label_names(labels, rnd):
    names = [7, 3, 11, 5]
    rnd.shuffle(names)
    renamed = [names[x] for x in labels]
    assert adjusted_rand_index(labels, renamed) == pytest.approx(1.0)


def test_distinct_rows_compare_their_bits_for_few_rows_and_many():
    few = np.array([[0.0, 1.0], [0.0, 1.0], [-0.0, 1.0], [2.0, 3.0]])
    # -0.0 and 0.0 differ, as in a void view
    assert first_distinct_rows(few, 10).tolist() == [0, 2, 3]
    many = np.vstack([few] * 10)
    assert first_distinct_rows(many, 10).tolist() == [0, 2, 3]
    rng = np.random.default_rng(0)
    for n in (1, 5, 16, 17, 40):
        points = rng.integers(0, 3, size=(n, 2)).astype(float)
        assert len(first_distinct_rows(points, n)) == len(np.unique(points, axis=0))


def test_k_means_refuses_what_its_compiled_loops_cannot_index():
    points = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    with pytest.raises(ValidationError, match="finite points"):
        kmeans(np.array([[0.0, np.nan], [1.0, 1.0]]), 2)
    with pytest.raises(ValidationError, match="k of at least 1"):
        kmeans(points, 0)
    with pytest.raises(ValidationError, match="one non-negative number per point"):
        kmeans(points, 2, weights=np.array([1.0, -1.0, 1.0]))
    stale = Clustering(ids=np.array([0, 1]), centers=np.zeros((2, 2)), labels=np.array([0, 2, 1]))
    with pytest.raises(ValidationError, match="one label per point"):
        kmeans(points, 2, previous=stale)
    short = Clustering(ids=np.array([0, 1]), centers=np.zeros((2, 2)), labels=np.array([0, 1]))
    with pytest.raises(ValidationError, match="one label per point"):
        kmeans(points, 2, previous=short)
