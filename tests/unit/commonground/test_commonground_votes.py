"""The sparse vote matrix: latest vote wins, passes are kept, bad votes are refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracktwo.engines.commonground.votes import VoteMatrix
from tracktwo.errors import ValidationError


def test_the_latest_vote_of_a_voter_on_a_statement_is_the_one_that_counts():
    frame = pd.DataFrame(
        {
            "voter": ["a", "a", "b", "a"],
            "statement": [1, 2, 1, 1],
            "vote": [1, 0, -1, -1],
            "time": [10.0, 11.0, 12.0, 30.0],
        }
    )
    votes = VoteMatrix.from_frame(frame)
    long = votes.to_frame().set_index(["voter", "statement"])["vote"]
    assert long[("a", 1)] == -1
    assert long[("a", 2)] == 0
    assert long[("b", 1)] == -1
    assert votes.n_votes == 3


def test_voters_and_statements_are_numbered_in_the_order_they_first_vote():
    frame = pd.DataFrame(
        {"voter": ["z", "y", "z"], "statement": [9, 8, 7], "vote": [1, 1, 1], "time": [3, 1, 2]}
    )
    votes = VoteMatrix.from_frame(frame)
    assert list(votes.voter_ids) == ["y", "z"]
    assert list(votes.statement_ids) == [8, 7, 9]


def test_a_pass_is_a_vote_and_is_seen_although_its_value_is_zero():
    votes = VoteMatrix.from_dense([[0.0, np.nan], [1.0, -1.0]])
    assert votes.seen_csr().toarray().tolist() == [[1.0, 0.0], [1.0, 1.0]]
    assert votes.values_csr().toarray().tolist() == [[0.0, 0.0], [1.0, -1.0]]
    assert votes.votes_per_voter().tolist() == [1, 2]


def test_a_vote_that_is_not_agree_disagree_or_pass_is_refused_naming_the_row():
    frame = pd.DataFrame({"voter": [1, 2], "statement": [1, 1], "vote": [1, 2]})
    with pytest.raises(ValidationError, match="row 1"):
        VoteMatrix.from_frame(frame)


def test_a_frame_without_a_vote_column_is_refused():
    with pytest.raises(ValidationError, match="'vote'"):
        VoteMatrix.from_frame(pd.DataFrame({"voter": [1], "statement": [1]}))


def test_selecting_statements_keeps_only_their_votes():
    votes = VoteMatrix.from_dense([[1.0, -1.0, 0.0], [np.nan, 1.0, 1.0]])
    kept = votes.select_statements(np.array([True, False, True]))
    assert kept.shape == (2, 2)
    assert kept.values_csr().toarray().tolist() == [[1.0, 0.0], [0.0, 1.0]]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 4), st.sampled_from([-1, 0, 1])),
        min_size=1,
        max_size=60,
    )
)
def test_the_matrix_holds_exactly_one_entry_per_voter_and_statement(events):
    frame = pd.DataFrame(events, columns=["voter", "statement", "vote"])
    frame["time"] = np.arange(len(frame), dtype=float)
    votes = VoteMatrix.from_frame(frame)
    expected = frame.groupby(["voter", "statement"])["vote"].last()
    got = votes.to_frame().set_index(["voter", "statement"])["vote"].sort_index()
    assert got.to_dict() == expected.sort_index().to_dict()


def test_vote_times_may_be_datetimes_and_become_seconds():
    frame = pd.DataFrame(
        {
            "voter": [1, 2],
            "statement": [1, 1],
            "vote": [1, -1],
            "time": pd.to_datetime(["2024-01-01 10:00:00", "2024-01-01 10:00:30"], utc=True),
        }
    )
    votes = VoteMatrix.from_frame(frame)
    assert votes.times is not None
    assert votes.times[1] - votes.times[0] == pytest.approx(30.0)
