"""Pol.is's opinion groups: planted groups found, who counts, the k smoother, replay."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import numpy as np
import pytest

from tracktwo.engines.commonground.agreement import adjusted_rand_index
from tracktwo.engines.commonground.clusters import Clustering
from tracktwo.engines.commonground.polis_groups import (
    POLIS_2017_CHANGE,
    PolisParameters,
    PolisState,
    _in_conversation,
    polis_code_for,
    replay,
    snapshot,
    update,
    update_boundaries,
)
from tracktwo.engines.commonground.polis_pca import CenteredVotes
from tracktwo.engines.commonground.replay_votes import ReplayVotes
from tracktwo.engines.commonground.synthetic import planted_round
from tracktwo.engines.commonground.votes import VoteMatrix
from tracktwo.errors import ValidationError


@pytest.mark.parametrize("n_groups", [2, 3])
def test_planted_opinion_groups_are_recovered(n_groups):
    planted = planted_round(600, 30, 20, n_groups=n_groups, fidelity=0.9, polarised=True, seed=4)
    groups = replay(planted.votes).groups
    clustered = groups >= 0
    assert clustered.all()
    assert adjusted_rand_index(planted.groups, groups) > 0.95


def test_the_snapshot_and_a_one_update_replay_agree():
    planted = planted_round(300, 20, 12, seed=2)
    once = dataclasses.replace(PolisParameters(), replay_max_updates=1)
    assert (replay(planted.votes, once).groups == snapshot(planted.votes).groups).all()


def test_results_are_the_same_for_the_same_seed():
    planted = planted_round(300, 20, 12, seed=3)
    first, second = replay(planted.votes, seed=5), replay(planted.votes, seed=5)
    assert (first.groups == second.groups).all()
    assert first.projection == pytest.approx(second.projection)


def test_voters_need_seven_votes_or_every_statement_to_count():
    counts = np.array([7, 6, 3, 0] + [9] * 20)
    in_conv = _in_conversation(np.zeros(0, bool), counts, n_columns=40, params=PolisParameters())
    assert in_conv.tolist()[:4] == [True, False, False, False]
    few_statements = _in_conversation(np.zeros(0, bool), counts, 3, PolisParameters())
    assert few_statements.tolist()[:4] == [True, True, True, False]


def test_the_most_active_voters_are_added_until_fifteen_count():
    counts = np.array([8, 8, 5, 4, 4, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0])
    in_conv = _in_conversation(np.zeros(0, bool), counts, 40, PolisParameters())
    assert in_conv.sum() == 15
    assert in_conv[:15].all() and not in_conv[16]


def test_once_in_the_conversation_a_voter_stays_in():
    previous = np.array([True, False])
    in_conv = _in_conversation(previous, np.array([0, 0, 9]), 40, PolisParameters(greedy_voters=0))
    assert in_conv.tolist() == [True, False, True]


def _update_with(state: PolisState, silhouette_best_k: int, monkeypatch) -> int:
    import tracktwo.engines.commonground.polis_groups as module

    monkeypatch.setattr(
        module,
        "silhouette",
        lambda distances, labels: 1.0 if labels.max() + 1 == silhouette_best_k else 0.0,
    )
    rng = np.random.default_rng(0)
    points = rng.normal(size=(120, 6)).round()
    values = np.clip(points, -1, 1)
    seen = np.ones_like(values)
    data = CenteredVotes.from_votes(values, seen)
    counts = np.full(120, 6)
    return update(state, data, counts, counts, 0, PolisParameters(), rng).k


def test_a_new_best_k_is_adopted_only_after_four_updates_in_a_row(monkeypatch):
    state = PolisState()
    assert _update_with(state, 2, monkeypatch) == 2
    assert [_update_with(state, 3, monkeypatch) for _ in range(4)] == [2, 2, 2, 3]
    assert _update_with(state, 2, monkeypatch) == 3


def test_updates_start_where_votes_pause_and_keep_the_longest_pauses():
    times = np.array([0.0, 0.5, 5.0, 5.2, 100.0, 100.1, 400.0])
    params = PolisParameters(replay_gap_seconds=1.0, replay_max_updates=10)
    assert update_boundaries(times, params).tolist() == [2, 4, 6, 7]
    fewer = dataclasses.replace(params, replay_max_updates=2)
    assert update_boundaries(times, fewer).tolist() == [6, 7]


def test_a_replay_indexes_its_results_by_the_matrix_voter_order():
    planted = planted_round(200, 15, 10, seed=8)
    votes = planted.votes
    reversed_order = VoteMatrix(
        voter_ids=votes.voter_ids[::-1],
        statement_ids=votes.statement_ids,
        rows=len(votes.voter_ids) - 1 - votes.rows,
        cols=votes.cols,
        values=votes.values,
        times=votes.times,
    )
    straight, flipped = replay(votes), replay(reversed_order)
    assert (straight.groups == flipped.groups[::-1]).all()


def test_moderated_out_statements_still_count_in_the_scaling_but_not_in_the_map():
    planted = planted_round(200, 15, 10, seed=9)
    moderated = planted.votes.moderated_out.copy()
    moderated[5] = True
    votes = dataclasses.replace(planted.votes, moderated_out=moderated)
    result = snapshot(votes)
    assert result.components[:, 5] == pytest.approx([0.0, 0.0])


def test_a_clustering_reports_sizes_per_cluster():
    clustering = Clustering(
        ids=np.array([4, 9]), centers=np.zeros((2, 2)), labels=np.array([0, 1, 1, -1])
    )
    assert clustering.sizes().tolist() == [1.0, 2.0]


def test_the_replay_votes_keep_their_moments_equal_to_a_recount():
    rng = np.random.default_rng(3)
    batches = []
    for size in (200, 1, 17, 60, 5):
        # repeated cells within and across batches: a later vote replaces an earlier one
        rows, cols = rng.integers(0, 30, size), rng.integers(0, 8, size)
        batches.append((rows, cols, rng.choice([-1.0, 0.0, 1.0], size)))
    every_row = np.concatenate([b[0] for b in batches])
    every_col = np.concatenate([b[1] for b in batches])
    store = ReplayVotes(every_row, every_col, 30, 8, moments=True)
    recount = np.zeros((30, 8))
    seen = np.zeros((30, 8))
    for rows, cols, values in batches:
        store.apply(rows, cols, values)
        for r, c, v in zip(rows, cols, values, strict=True):
            recount[r, c], seen[r, c] = v, 1.0
        both = np.hstack([recount, seen])
        assert np.array_equal(store.dense()[0], recount)
        assert np.array_equal(store.cross, both.T @ both)
        assert np.array_equal(store.column_seen, seen.sum(axis=0))
        assert np.array_equal(store.live_votes, seen.sum(axis=1))


def test_the_replay_votes_refuse_a_vote_on_a_cell_they_were_not_built_with():
    store = ReplayVotes(np.array([0, 1]), np.array([0, 1]), 2, 2, moments=True)
    with pytest.raises(ValueError, match="cells the replay was not built with"):
        store.apply(np.array([0]), np.array([1]), np.array([1.0]))
    assert not store.cell_seen.any()


def test_the_replay_votes_multiply_as_their_dense_matrices_do():
    rng = np.random.default_rng(8)
    rows, cols = rng.integers(0, 40, 300), rng.integers(0, 12, 300)
    store = ReplayVotes(rows, cols, 40, 12, moments=False)
    store.apply(rows[:250], cols[:250], rng.choice([-1.0, 0.0, 1.0], 250))
    values, seen = store.dense()
    means = rng.normal(size=9)
    data = CenteredVotes(values[:35, :9], seen[:35, :9], means)
    view = store.view(35, 9)[0]
    view.means[:] = means
    matrix = rng.normal(size=(9, 2))
    assert view.matmat(matrix) == pytest.approx(data.matmat(matrix), abs=1e-12)
    vector = rng.normal(size=35)
    assert view.rmatvec(vector) == pytest.approx(data.rmatvec(vector), abs=1e-12)
    assert store.votes_gram(35, 9) == pytest.approx(values[:35, :9].T @ values[:35, :9])


def test_an_unknown_pol_is_code_is_refused_by_name():
    with pytest.raises(ValidationError, match="'1999' is unknown"):
        PolisParameters(code="1999")


def test_the_pol_is_code_follows_the_date_of_the_last_vote():
    summer_2017 = datetime(2017, 8, 4, tzinfo=UTC).timestamp()
    assert polis_code_for(summer_2017) == "2017"
    assert polis_code_for(POLIS_2017_CHANGE) == "current"
    assert polis_code_for(datetime(2022, 7, 27, tzinfo=UTC).timestamp()) == "current"
    assert polis_code_for(0.0) == "current"  # no date at all


def _round_with_moderated_columns() -> VoteMatrix:
    rng = np.random.default_rng(4)
    dense = rng.choice([-1.0, 0.0, 1.0], size=(20, 10))
    dense[19, 4:] = np.nan  # one voter saw only four live statements
    moderated = np.zeros(10, dtype=bool)
    moderated[7:] = True  # three statements everyone else voted on were moderated out
    votes = VoteMatrix.from_dense(dense)
    return dataclasses.replace(votes, moderated_out=moderated)


def test_pol_is_2017_math_counts_every_zeroed_column_as_a_vote_of_everyone():
    votes = _round_with_moderated_columns()
    today = snapshot(votes)
    old = snapshot(votes, PolisParameters(code="2017"))
    # four votes: not enough today; four plus three zeroed columns is seven in 2017
    assert not today.in_conv[19]
    assert old.in_conv[19]


def test_pol_is_2017_math_is_the_same_in_a_replay_and_in_one_update():
    votes = _round_with_moderated_columns()
    frame = votes.to_frame()
    frame["time"] = 1_500_000_000.0  # every vote at once: the replay makes a single update
    timed = VoteMatrix.from_frame(frame, moderated_out=[7, 8, 9])
    params = PolisParameters(code="2017")
    once = snapshot(timed, params)
    replayed = replay(timed, params)
    assert replayed.n_updates == 1
    np.testing.assert_allclose(np.abs(replayed.projection), np.abs(once.projection), atol=1e-9)
    np.testing.assert_array_equal(replayed.in_conv, once.in_conv)
