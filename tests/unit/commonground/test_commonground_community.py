"""Community-aware consensus: support per community, Wilson intervals, cross-community score."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracktwo.engines.commonground.community import (
    CommunityParameters,
    community_support,
    wilson_interval,
)
from tracktwo.engines.commonground.synthetic import BRIDGE, PARTISAN, planted_round
from tracktwo.errors import ValidationError


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


def planted_shares(plan: dict[str, tuple[tuple[int, int], ...]]) -> tuple:
    """Votes with exact counts: ``plan[community][statement] = (agree, votes)``; the rest of
    a community's votes on a statement are disagree. Return (values, seen, communities)."""
    sizes = {name: max(n for _, n in rows) for name, rows in plan.items()}
    n_statements = len(next(iter(plan.values())))
    labels: list[str] = []
    blocks = []
    for name, rows in plan.items():
        block = np.zeros((sizes[name], n_statements))
        seen = np.zeros((sizes[name], n_statements))
        for column, (agree, votes) in enumerate(rows):
            block[:agree, column] = 1.0
            block[agree:votes, column] = -1.0
            seen[:votes, column] = 1.0
        blocks.append((block, seen))
        labels += [name] * sizes[name]
    values = np.vstack([b for b, _ in blocks])
    seen = np.vstack([s for _, s in blocks])
    return values, seen, np.asarray(labels, dtype=object)


def verdicts_of(plan, params=None):
    values, seen, labels = planted_shares(plan)
    n = values.shape[1]
    _, ranking = community_support(
        values, seen, labels, np.arange(n), np.ones(n, bool), params or CommunityParameters()
    )
    return ranking.set_index("statement").sort_index()


def test_a_statement_at_17_and_80_percent_divides_and_is_never_supported_by_both():
    table = verdicts_of(
        {"Ilvan": ((17, 100), (80, 100), (2, 2)), "Sorai": ((80, 100), (82, 100), (1, 1))}
    )
    port, shared, few = table.loc[0], table.loc[1], table.loc[2]
    assert not port["both_support"] and port["divides"]
    assert port["gap_low"] > 0.45 and port["support_gap"] == pytest.approx(0.63)
    assert shared["both_support"] and not shared["divides"]
    assert not few["enough_votes"] and not few["both_support"] and not few["divides"]


def test_the_threshold_is_per_analysis_and_a_higher_one_asks_more():
    plan = {"a": ((70, 100),), "b": ((72, 100),)}
    assert verdicts_of(plan).loc[0, "both_support"]
    strict = CommunityParameters(support_threshold=0.7)
    assert not verdicts_of(plan, strict).loc[0, "both_support"]
    assert strict.min_votes == 9  # 9 / (9 + 1.96^2) >= 0.7 > 8 / (8 + 1.96^2)


def test_not_enough_votes_is_exactly_below_what_unanimity_needs_to_clear_the_threshold():
    params = CommunityParameters()
    assert params.min_votes == 4
    unanimous = verdicts_of({"a": ((3, 3), (4, 4)), "b": ((3, 3), (4, 4))})
    assert not unanimous.loc[0, "enough_votes"]
    assert unanimous.loc[1, "both_support"]


def test_a_difference_below_the_gap_or_within_chance_does_not_divide():
    table = verdicts_of({"a": ((60, 100), (9, 10)), "b": ((75, 100), (5, 10))})
    assert table.loc[0, "gap_low"] > 0 and not table.loc[0, "divides"]  # 15 points only
    assert table.loc[1, "support_gap"] >= 0.2 and table.loc[1, "gap_low"] <= 0
    assert not table.loc[1, "divides"]


def test_one_community_alone_is_never_both_communities():
    table = verdicts_of({"a": ((100, 100),)})
    assert not table.loc[0, "enough_votes"] and not table.loc[0, "both_support"]


@pytest.mark.parametrize(
    "field, value", [("support_threshold", 0.0), ("support_threshold", 1.5), ("divide_gap", -0.1)]
)
def test_a_threshold_out_of_range_is_refused_naming_it(field, value):
    with pytest.raises(ValidationError, match=field):
        CommunityParameters(**{field: value})


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(0, 60)),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from([0.5, 0.6, 0.8]),
)
def test_every_verdict_keeps_its_stated_rule(counts, threshold):
    plan = {
        "a": tuple((agree, agree + other) for agree, other, _, _ in counts),
        "b": tuple((agree, agree + other) for _, _, agree, other in counts),
    }
    if max(n for rows in plan.values() for _, n in rows) == 0:
        return
    params = CommunityParameters(support_threshold=threshold)
    table = verdicts_of(plan, params)
    for column, (a_agree, a_other, b_agree, b_other) in enumerate(counts):
        row = table.loc[column]
        a_n, b_n = a_agree + a_other, b_agree + b_other
        assert row["enough_votes"] == (min(a_n, b_n) >= params.min_votes)
        if row["both_support"]:
            lows = wilson_interval(np.array([a_agree, b_agree]), np.array([a_n, b_n]))[0]
            assert lows.min() >= threshold
        if row["divides"]:
            assert abs(a_agree / a_n - b_agree / b_n) >= 0.2 - 1e-12
            assert row["gap_low"] > 0
