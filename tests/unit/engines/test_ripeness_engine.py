"""Ripeness: a mutually hurting stalemate starts with one side and completes with the other."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracktwo.domain.vocabulary import RipenessState
from tracktwo.engines.ripeness import (
    ENGINE_VERSION,
    PartyAssessment,
    ripeness_timeline,
)
from tracktwo.errors import ValidationError

NORTH, SOUTH = "Northern community", "Southern community"
PARTIES = (NORTH, SOUTH)
DAY = dt.date(2024, 1, 1)


def on(days: int) -> dt.date:
    return DAY + dt.timedelta(days=days)


def hurting(party: str, days: int, pain: float = 0.8) -> PartyAssessment:
    return PartyAssessment(party, on(days), believes_can_win_alone=False, stalemate_pain=pain)


def confident(party: str, days: int, pain: float = 0.8) -> PartyAssessment:
    return PartyAssessment(party, on(days), believes_can_win_alone=True, stalemate_pain=pain)


def test_no_assessment_means_the_conflict_is_not_ripe() -> None:
    timeline = ripeness_timeline([], PARTIES)
    assert timeline.points == ()
    assert timeline.current() is RipenessState.NOT_RIPE
    assert timeline.engine_version == ENGINE_VERSION


def test_a_stalemate_started_by_one_side_is_ripening() -> None:
    timeline = ripeness_timeline(
        [confident(NORTH, 0), confident(SOUTH, 0), hurting(NORTH, 10)], PARTIES
    )
    assert [p.state for p in timeline.points] == [RipenessState.NOT_RIPE, RipenessState.RIPENING]
    assert timeline.points[1].parties_in_stalemate == (NORTH,)
    assert timeline.points[1].moved_by == (
        "Northern community no longer believes it can win alone",
    )


def test_the_stalemate_is_completed_when_the_other_side_reaches_the_same_conclusion() -> None:
    timeline = ripeness_timeline(
        [hurting(NORTH, 0), confident(SOUTH, 0), hurting(SOUTH, 30)], PARTIES
    )
    assert timeline.current() is RipenessState.RIPE
    assert timeline.points[-1].parties_in_stalemate == (NORTH, SOUTH)
    assert timeline.started_on() == on(0)


def test_a_side_that_again_believes_it_can_win_makes_the_conflict_revert() -> None:
    timeline = ripeness_timeline(
        [hurting(NORTH, 0), hurting(SOUTH, 5), confident(SOUTH, 20)], PARTIES
    )
    assert [p.state for p in timeline.points] == [
        RipenessState.RIPENING,
        RipenessState.RIPE,
        RipenessState.RIPENING,
    ]
    assert timeline.points[-1].moved_by == ("Southern community again believes it can win alone",)


def test_pain_below_the_threshold_is_not_a_hurting_stalemate() -> None:
    timeline = ripeness_timeline(
        [hurting(NORTH, 0, pain=0.3), hurting(SOUTH, 0, pain=0.3)], PARTIES
    )
    assert timeline.current() is RipenessState.NOT_RIPE
    lowered = ripeness_timeline(
        [hurting(NORTH, 0, pain=0.3), hurting(SOUTH, 0, pain=0.3)], PARTIES, pain_threshold=0.3
    )
    assert lowered.current() is RipenessState.RIPE


def test_rising_pain_is_named_as_what_moved_the_state() -> None:
    timeline = ripeness_timeline(
        [hurting(NORTH, 0, pain=0.2), hurting(NORTH, 3, pain=0.9)], PARTIES
    )
    assert timeline.points[1].moved_by == (
        "Northern community's stalemate pain is 0.90 (threshold 0.50)",
    )


def test_moved_by_is_empty_when_the_state_does_not_change() -> None:
    timeline = ripeness_timeline([hurting(NORTH, 0), hurting(NORTH, 3, pain=0.9)], PARTIES)
    assert timeline.points[1].state is RipenessState.RIPENING
    assert timeline.points[1].moved_by == ()


def test_the_latest_assessment_of_each_party_is_carried_forward() -> None:
    timeline = ripeness_timeline([hurting(NORTH, 0), hurting(SOUTH, 50)], PARTIES)
    assert timeline.state_on(on(-1)) is RipenessState.NOT_RIPE
    assert timeline.state_on(on(0)) is RipenessState.RIPENING
    assert timeline.state_on(on(49)) is RipenessState.RIPENING
    assert timeline.state_on(on(50)) is RipenessState.RIPE
    assert timeline.state_on(on(500)) is RipenessState.RIPE


def test_assessments_in_any_order_give_the_same_timeline() -> None:
    given_in_order = [hurting(NORTH, 0), confident(SOUTH, 2), hurting(SOUTH, 9)]
    assert ripeness_timeline(given_in_order, PARTIES) == ripeness_timeline(
        list(reversed(given_in_order)), PARTIES
    )


def test_an_assessment_of_an_unknown_party_is_refused() -> None:
    with pytest.raises(ValidationError, match="Western"):
        ripeness_timeline([hurting("Western", 0)], PARTIES)


def test_pain_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValidationError, match="from 0"):
        PartyAssessment(NORTH, DAY, believes_can_win_alone=False, stalemate_pain=1.5)


def test_the_frame_and_dict_carry_every_point() -> None:
    timeline = ripeness_timeline([hurting(NORTH, 0), hurting(SOUTH, 1)], PARTIES)
    frame = timeline.to_frame()
    assert list(frame.columns) == ["on", "state", "parties_in_stalemate", "moved_by"]
    assert list(frame["state"]) == ["ripening", "ripe"]
    assert frame.attrs["engine_version"] == ENGINE_VERSION
    as_json = json.loads(json.dumps(timeline.to_dict()))
    assert as_json["current"] == "ripe"
    assert as_json["points"][0]["on"] == "2024-01-01"


assessment_strategy = st.builds(
    PartyAssessment,
    party=st.sampled_from(PARTIES),
    assessed_on=st.dates(min_value=DAY, max_value=on(60)),
    believes_can_win_alone=st.booleans(),
    stalemate_pain=st.floats(0.0, 1.0),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(assessment_strategy, max_size=12))
def test_the_state_is_ripe_exactly_when_every_party_is_in_the_stalemate(
    assessments: list[PartyAssessment],
) -> None:
    timeline = ripeness_timeline(assessments, PARTIES)
    assert len(timeline.points) == len({a.assessed_on for a in assessments})
    for point in timeline.points:
        count = len(point.parties_in_stalemate)
        expected = (
            RipenessState.NOT_RIPE
            if count == 0
            else RipenessState.RIPE
            if count == len(PARTIES)
            else RipenessState.RIPENING
        )
        assert point.state is expected
    for before, after in zip(timeline.points, timeline.points[1:], strict=False):
        assert bool(after.moved_by) == (after.state is not before.state)
