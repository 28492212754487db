"""Pol.is's PCA: mean imputation handled sparsely, power iteration, sparsity-aware scaling."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from tracktwo.engines.commonground.polis_pca import (
    CenteredVotes,
    GramVotes,
    PcaParameters,
    principal_components,
    project_voters,
)


def random_votes(seed: int, n: int = 40, m: int = 12, density: float = 0.5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    dense = rng.choice([-1.0, 0.0, 1.0], size=(n, m))
    dense[rng.random((n, m)) > density] = np.nan
    dense[:, 0] = 1.0  # every column seen at least once
    return dense


def centred_by_imputation(dense: np.ndarray) -> np.ndarray:
    means = np.nanmean(dense, axis=0)
    filled = np.where(np.isnan(dense), means, dense)
    return filled - filled.mean(axis=0)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_the_sparse_operator_equals_mean_imputation_then_centring(seed):
    dense = random_votes(seed)
    seen = (~np.isnan(dense)).astype(float)
    values = np.nan_to_num(dense)
    data = CenteredVotes.from_votes(sp.csr_matrix(values), sp.csr_matrix(seen))
    expected = centred_by_imputation(dense)
    vector = np.random.default_rng(seed).normal(size=dense.shape[1])
    assert data.matvec(vector) == pytest.approx(expected @ vector, abs=1e-9)
    assert data.gram(vector) == pytest.approx(expected.T @ expected @ vector, abs=1e-9)


def test_the_gram_form_built_from_moments_equals_the_operator():
    dense = random_votes(3)
    seen = (~np.isnan(dense)).astype(float)
    values = np.nan_to_num(dense)
    data = CenteredVotes.from_votes(values, seen)
    gram = GramVotes.from_moments(values.T @ values, values.T @ seen, seen.T @ seen, data.means)
    vector = np.arange(dense.shape[1], dtype=float)
    assert gram.gram(vector) == pytest.approx(data.gram(vector))


def test_power_iteration_finds_the_two_leading_principal_axes():
    dense = random_votes(5, n=200, m=8, density=0.9)
    data = CenteredVotes.from_votes(np.nan_to_num(dense), (~np.isnan(dense)).astype(float))
    components = principal_components(
        data, PcaParameters(iterations=5_000), np.random.default_rng(0)
    )
    centred = centred_by_imputation(dense)
    _, vectors = np.linalg.eigh(centred.T @ centred)
    for found, exact in zip(components, (vectors[:, -1], vectors[:, -2]), strict=True):
        assert abs(float(found @ exact)) == pytest.approx(1.0, abs=1e-6)


def test_a_voter_who_saw_few_statements_is_pushed_out_from_the_centre():
    data = CenteredVotes(
        values=np.array([[1.0, 0.0, 0.0, 0.0]]),
        seen=np.array([[1.0, 0.0, 0.0, 0.0]]),
        means=np.zeros(4),
    )
    components = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])
    one_vote = project_voters(data, components, np.array([1]), 4)
    assert one_vote[0, 0] == pytest.approx(2.0)  # sqrt(4 columns / 1 vote)


def test_a_warm_start_from_the_answer_stays_on_the_answer():
    dense = random_votes(9, n=100, m=10, density=0.8)
    data = CenteredVotes.from_votes(np.nan_to_num(dense), (~np.isnan(dense)).astype(float))
    first = principal_components(data, PcaParameters(iterations=3_000), np.random.default_rng(1))
    again = principal_components(data, PcaParameters(), np.random.default_rng(2), start=first)
    assert again == pytest.approx(first, abs=1e-6)


def test_dense_and_sparse_votes_project_alike():
    dense = random_votes(11, n=900, m=30)
    seen = (~np.isnan(dense)).astype(float)
    values = np.nan_to_num(dense)
    components = np.random.default_rng(1).normal(size=(30, 2))
    as_dense = CenteredVotes.from_votes(values, seen).matmat(components)
    as_sparse = CenteredVotes.from_votes(sp.csr_matrix(values), sp.csr_matrix(seen))
    assert as_dense == pytest.approx(as_sparse.matmat(components), abs=1e-12)
