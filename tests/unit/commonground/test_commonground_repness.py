"""Representative statements: Pol.is's two z-tests and its selection per group."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tracktwo.engines.commonground.repness import (
    GroupVoteCounts,
    count_group_votes,
    prop_test,
    representative_statements,
    two_prop_test,
)
from tracktwo.engines.commonground.votes import VoteMatrix


def test_the_one_proportion_test_is_pol_is_formula_with_pseudo_counts():
    z = prop_test(np.array([8.0]), np.array([10.0]))
    assert z[0] == pytest.approx(2 * math.sqrt(11) * (9 / 11 - 0.5))


def test_the_two_proportion_test_is_pol_is_formula_and_zero_when_everyone_succeeds():
    z = two_prop_test(np.array([8.0]), np.array([2.0]), np.array([10.0]), np.array([10.0]))
    p1, p2, pooled = 9 / 11, 3 / 11, 12 / 22
    expected = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (2 / 11))
    assert z[0] == pytest.approx(expected)
    assert two_prop_test(*(np.array([4.0]),) * 4)[0] == 0.0


def two_group_votes() -> tuple[VoteMatrix, np.ndarray]:
    # group 0 agrees with statement 0 and disagrees with 1; group 1 the reverse; both agree on 2
    rows = []
    for voter in range(40):
        group = voter % 2
        rows.append([1.0 if group == 0 else -1.0, -1.0 if group == 0 else 1.0, 1.0])
    return VoteMatrix.from_dense(rows), np.arange(40) % 2


def test_each_group_is_represented_by_what_sets_it_apart():
    votes, groups = two_group_votes()
    counts = count_group_votes(votes.values_csr(), votes.seen_csr(), groups, 2)
    table = representative_statements(counts, votes.statement_ids, np.ones(3, bool))
    group0 = table[table["group"] == 0]
    assert set(zip(group0["statement"], group0["repful"], strict=True)) >= {(0, "agree")}
    assert 2 not in set(table["statement"])  # what everyone agrees on sets no group apart
    assert (table.groupby("group").size() <= 5).all()


def test_agrees_come_before_disagrees_in_a_group_list():
    votes, groups = two_group_votes()
    counts = count_group_votes(votes.values_csr(), votes.seen_csr(), groups, 2)
    table = representative_statements(counts, votes.statement_ids, np.ones(3, bool))
    for _, rows in table.groupby("group"):
        stances = rows.sort_values("rank")["repful"].tolist()
        assert stances == sorted(stances)  # "agree" < "disagree"


def test_a_group_with_nothing_significant_still_gets_its_best_statement():
    counts = GroupVoteCounts(
        agree=np.array([[1.0, 0.0], [1.0, 0.0]]),
        disagree=np.array([[0.0, 1.0], [0.0, 1.0]]),
        seen=np.array([[1.0, 1.0], [1.0, 1.0]]),
    )
    table = representative_statements(counts, np.array([10, 11]), np.ones(2, bool))
    assert sorted(table["group"].tolist()) == [0, 1]


def test_moderated_out_statements_are_never_representative():
    votes, groups = two_group_votes()
    counts = count_group_votes(votes.values_csr(), votes.seen_csr(), groups, 2)
    table = representative_statements(counts, votes.statement_ids, np.array([False, True, True]))
    assert 0 not in set(table["statement"])
