"""Opinion groups from the final votes: order-free, and scored for stability under resampling."""

from __future__ import annotations

import dataclasses

import numpy as np

from tracktwo.engines.commonground.agreement import adjusted_rand_index
from tracktwo.engines.commonground.pipeline import AnalysisParameters, analyze
from tracktwo.engines.commonground.stability import STABLE_FROM, UNSTABLE_BELOW
from tracktwo.engines.commonground.synthetic import planted_round
from tracktwo.engines.commonground.votes import VoteMatrix


def test_a_planted_two_group_round_is_stable() -> None:
    planted = planted_round(300, 40, 30, n_groups=2, seed=3)
    result = analyze(planted.votes)
    assert result.polis.k == 2
    assert result.stability.score >= 0.9 >= STABLE_FROM
    assert result.stability.verdict == "stable"
    assert "stable" in result.stability.sentence()
    clustered = result.polis.groups >= 0
    assert adjusted_rand_index(result.polis.groups[clustered], planted.groups[clustered]) > 0.9


def test_random_votes_are_called_unstable() -> None:
    rng = np.random.default_rng(11)
    dense = rng.choice(np.array([-1.0, 0.0, 1.0]), size=(200, 30), p=[0.45, 0.1, 0.45])
    result = analyze(VoteMatrix.from_dense(dense))
    assert result.stability.score < UNSTABLE_BELOW
    assert result.stability.verdict == "unstable"
    assert "unstable" in result.stability.sentence()
    assert result.to_dict()["stability"]["verdict"] == "unstable"


def test_the_same_groups_come_out_whatever_the_order_of_the_votes_in_time() -> None:
    planted = planted_round(250, 30, 25, n_groups=3, seed=5)
    rng = np.random.default_rng(2)
    early = dataclasses.replace(planted.votes, times=np.arange(planted.votes.n_votes, dtype=float))
    late = dataclasses.replace(
        planted.votes, times=rng.permutation(planted.votes.n_votes).astype(float)
    )
    first, second = analyze(early), analyze(late)
    assert np.array_equal(first.polis.groups, second.polis.groups)
    assert first.stability.score == second.stability.score
    # The replay, kept as an option, follows the times, and so may differ.
    replayed = analyze(late, params=AnalysisParameters(replay=True))
    assert replayed.to_dict()["summary"]["grouping"] == "replay"
    assert first.to_dict()["summary"]["grouping"] == "final votes"


def test_a_resample_of_voters_keeps_every_vote_of_each_voter() -> None:
    planted = planted_round(50, 10, 8, seed=1)
    picked = np.array([0, 0, 3, 49])
    taken = planted.votes.take_voters(picked)
    dense = planted.votes.values_csr().toarray()
    seen = planted.votes.seen_csr().toarray()
    assert np.array_equal(taken.values_csr().toarray(), dense[picked])
    assert np.array_equal(taken.seen_csr().toarray(), seen[picked])
