"""Consensus: group-informed consensus is high only when every group agrees."""

from __future__ import annotations

import numpy as np
import pytest

from tracktwo.engines.commonground.consensus import consensus_table, group_informed_consensus
from tracktwo.engines.commonground.repness import GroupVoteCounts, count_group_votes
from tracktwo.engines.commonground.votes import VoteMatrix


def test_group_informed_consensus_is_the_product_of_smoothed_agree_shares():
    counts = GroupVoteCounts(
        agree=np.array([[8.0], [1.0]]), disagree=np.zeros((2, 1)), seen=np.array([[10.0], [3.0]])
    )
    assert group_informed_consensus(counts)[0] == pytest.approx((9 / 12) * (2 / 5))


def test_a_small_group_that_disagrees_sinks_a_statement_the_majority_loves():
    rows = [[1.0, 1.0]] * 90 + [[-1.0, 1.0]] * 10
    votes = VoteMatrix.from_dense(rows)
    groups = np.array([0] * 90 + [1] * 10)
    counts = count_group_votes(votes.values_csr(), votes.seen_csr(), groups, 2)
    table = consensus_table(
        votes.values_csr(), votes.seen_csr(), counts, votes.statement_ids, np.ones(2, bool)
    )
    assert table["statement"].tolist() == [1, 0]
    assert table.set_index("statement").loc[1, "consensus"] == "agree"
