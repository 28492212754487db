"""Community-aware consensus: support per community, Wilson intervals, cross-community score."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracktwo.engines.commonground.community import community_support, wilson_interval
from tracktwo.engines.commonground.synthetic import BRIDGE, PARTISAN, planted_round


def test_the_wilson_interval_matches_a_known_value():
    low, high = wilson_interval(np.array([8.0]), np.array([10.0]))
    assert low[0] == pytest.approx(0.4902, abs=1e-4)
    assert high[0] == pytest.approx(0.9433, abs=1e-4)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 200), st.integers(0, 200))
def test_the_interval_stays_in_0_1_and_holds_the_share(successes, extra):
    trials = successes + extra
    low, high = wilson_interval(np.array([float(successes)]), np.array([float(trials)]))
    assert 0.0 <= low[0] <= high[0] <= 1.0
    if trials:
        assert low[0] - 1e-12 <= successes / trials <= high[0] + 1e-12


def test_the_statement_both_communities_support_ranks_first_and_the_partisan_one_does_not():
    planted = planted_round(400, 20, 12, n_groups=2, polarised=True, seed=6)
    votes = planted.votes
    communities = np.where(planted.groups == 0, "north", "south").astype(object)
    long, ranking = community_support(
        votes.values_csr(), votes.seen_csr(), communities, votes.statement_ids, np.ones(20, bool)
    )
    assert ranking["statement"].iloc[0] == BRIDGE
    partisan = ranking.set_index("statement").loc[PARTISAN]
    assert partisan["weakest_community"] == "south"
    assert partisan["cross_community"] < 0.2
    assert set(long["community"]) == {"north", "south"}


def test_voters_without_a_community_are_left_out():
    planted = planted_round(100, 10, 6, seed=7)
    votes = planted.votes
    communities = np.array([None] * 100, dtype=object)
    communities[:50] = "a"
    long, _ = community_support(
        votes.values_csr(), votes.seen_csr(), communities, votes.statement_ids, np.ones(10, bool)
    )
    assert set(long["community"]) == {"a"}
    assert long["n_seen"].sum() == votes.rows[votes.rows < 50].size
