"""Bridging: the Community Notes model fitted by alternating least squares."""

from __future__ import annotations

import numpy as np
import pytest

from tracktwo.engines.commonground.bridging import (
    BridgingModel,
    BridgingParameters,
    bridging,
    fit_bridging,
    objective,
    ratings_from_votes,
)
from tracktwo.engines.commonground.synthetic import BRIDGE, PARTISAN, planted_round


def test_the_statement_both_sides_support_has_the_highest_bridging_score():
    planted = planted_round(400, 20, 12, n_groups=2, polarised=True, seed=1)
    _, table = bridging(planted.votes)
    scores = table.set_index("statement")["bridging"]
    assert table["statement"].iloc[0] == BRIDGE
    assert scores[PARTISAN] < scores[BRIDGE] - 0.2


def test_a_partisan_statement_has_a_large_polarity_and_the_bridge_a_small_one():
    planted = planted_round(400, 20, 12, n_groups=2, polarised=True, seed=2)
    _, table = bridging(planted.votes)
    polarity = table.set_index("statement")["polarity"].abs()
    assert polarity[PARTISAN] > 3 * polarity[BRIDGE]


def test_the_fit_is_a_stationary_point_of_the_community_notes_loss():
    planted = planted_round(150, 10, 8, seed=3)
    rows, cols, ratings = ratings_from_votes(planted.votes)
    params = BridgingParameters(max_sweeps=2_000, tolerance=1e-15)
    model = fit_bridging(rows, cols, ratings, planted.votes.shape, params)
    base = objective(rows, cols, ratings, model, params)
    rng = np.random.default_rng(0)
    for _ in range(5):
        nudged = BridgingModel(
            model.mu + rng.normal(0, 1e-3),
            model.voter_intercepts + rng.normal(0, 1e-3, 150),
            model.voter_factors + rng.normal(0, 1e-3, 150),
            model.statement_intercepts + rng.normal(0, 1e-3, 10),
            model.statement_factors + rng.normal(0, 1e-3, 10),
            0.0,
            0,
        )
        assert objective(rows, cols, ratings, nudged, params) >= base - 1e-12


def test_the_fit_is_deterministic_for_a_seed():
    planted = planted_round(200, 12, 8, seed=4)
    first, _ = bridging(planted.votes, seed=7)
    second, _ = bridging(planted.votes, seed=7)
    assert first.statement_intercepts == pytest.approx(second.statement_intercepts, abs=0)


def test_most_voters_have_a_positive_factor():
    planted = planted_round(300, 12, 8, seed=5)
    model, _ = bridging(planted.votes)
    assert (model.voter_factors > 0).sum() >= (model.voter_factors < 0).sum()
