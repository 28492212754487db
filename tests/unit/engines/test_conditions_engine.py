"""Contact conditions: each of Hewstone & Brown's five, scored from the workshop's own data."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracktwo.domain.vocabulary import ContactCondition, NegotiationStage, RipenessState
from tracktwo.engines.conditions import ENGINE_VERSION, WorkshopEvidence, assess_conditions
from tracktwo.errors import ValidationError

C = ContactCondition


def good_workshop() -> WorkshopEvidence:
    return WorkshopEvidence(
        parties=("A", "B"),
        member_status={"A": [0.6, 0.5, 0.7, 0.6], "B": [0.6, 0.6, 0.5, 0.7]},
        ripeness=RipenessState.RIPE,
        stage=NegotiationStage.ACTIVE_NEGOTIATION,
        leadership_approval_share=0.75,
        preliminary_hours={"A": 4.5, "B": 4.0},
        joint_hours=24.0,
        members_per_party=4,
        series_position=3,
        session_ratings=[4, 5, 4, 4, 5],
        idea_support=[{"A": 4.0, "B": 3.8}, {"A": 4.5, "B": 2.0}, {"A": 3.6, "B": 4.1}],
    )


def score(evidence: WorkshopEvidence, condition: ContactCondition) -> float:
    return assess_conditions(evidence).scores[condition].score


def test_a_well_run_workshop_meets_all_five_conditions() -> None:
    report = assess_conditions(good_workshop())
    assert all(s.met for s in report.scores.values())
    assert report.warnings == ()
    assert report.engine_version == ENGINE_VERSION
    assert report.index == pytest.approx(sum(s.score for s in report.scores.values()) / 5)


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 0.45), st.floats(0.01, 0.5))
def test_a_wider_status_gap_lowers_the_equal_status_score(gap: float, more: float) -> None:
    def with_gap(g: float) -> WorkshopEvidence:
        return replace(
            good_workshop(), member_status={"A": [0.5 + g / 2] * 4, "B": [0.5 - g / 2] * 4}
        )

    assert score(with_gap(gap + more), C.EQUAL_STATUS) < score(with_gap(gap), C.EQUAL_STATUS)


def test_the_equal_status_evidence_states_the_means_and_the_gap() -> None:
    evidence = replace(good_workshop(), member_status={"A": [0.9, 0.9, 0.9], "B": [0.3, 0.3, 0.3]})
    result = assess_conditions(evidence).scores[C.EQUAL_STATUS]
    assert not result.met
    assert "A 0.90, B 0.30" in result.evidence and "largest gap 0.60" in result.evidence


def test_ripeness_improves_the_climate_step_by_step() -> None:
    climates = [
        score(replace(good_workshop(), ripeness=state), C.SUPPORTIVE_CLIMATE)
        for state in (RipenessState.NOT_RIPE, RipenessState.RIPENING, RipenessState.RIPE)
    ]
    assert climates == sorted(climates) and len(set(climates)) == 3


def test_leadership_approval_improves_the_climate_but_is_not_required() -> None:
    without = assess_conditions(replace(good_workshop(), leadership_approval_share=0.0))
    assert without.scores[C.SUPPORTIVE_CLIMATE].score < score(good_workshop(), C.SUPPORTIVE_CLIMATE)
    assert without.scores[C.SUPPORTIVE_CLIMATE].met


def test_a_casual_one_off_meeting_is_not_intimate_contact() -> None:
    casual = replace(
        good_workshop(), joint_hours=3.0, series_position=1, preliminary_hours={"A": 0.0}
    )
    report = assess_conditions(casual)
    assert not report.scores[C.INTIMACY].met
    assert any(w.startswith("intimacy is not met") and "series" in w for w in report.warnings)


def test_continuing_workshops_score_higher_on_intimacy() -> None:
    first, second, later = (
        score(replace(good_workshop(), series_position=n), C.INTIMACY) for n in (1, 2, 5)
    )
    assert first < second < later


def test_groups_outside_three_to_six_per_party_are_less_intimate() -> None:
    assert score(replace(good_workshop(), members_per_party=10), C.INTIMACY) < score(
        good_workshop(), C.INTIMACY
    )


def test_higher_session_ratings_make_the_contact_more_pleasant() -> None:
    low = score(replace(good_workshop(), session_ratings=[2, 2, 3]), C.PLEASANT_REWARDING)
    assert low < score(good_workshop(), C.PLEASANT_REWARDING)


def test_common_goals_count_only_ideas_that_every_party_supports() -> None:
    result = assess_conditions(good_workshop()).scores[C.COMMON_GOALS]
    assert result.score == pytest.approx(2 / 3)
    assert "2 of 3 ideas" in result.evidence


def test_an_idea_rated_by_one_party_only_is_not_shared() -> None:
    evidence = replace(good_workshop(), idea_support=[{"A": 5.0}])
    assert score(evidence, C.COMMON_GOALS) == 0.0


def test_no_ratings_and_no_ideas_score_zero_with_warnings_not_a_crash() -> None:
    report = assess_conditions(replace(good_workshop(), session_ratings=[], idea_support=[]))
    assert report.scores[C.PLEASANT_REWARDING].score == 0.0
    assert "no session ratings recorded" in report.scores[C.PLEASANT_REWARDING].evidence
    assert report.scores[C.COMMON_GOALS].score == 0.0
    assert "no rated ideas recorded" in report.scores[C.COMMON_GOALS].evidence
    assert len(report.warnings) == 2


def test_one_warning_per_unmet_condition_saying_what_to_do() -> None:
    poor = replace(
        good_workshop(),
        member_status={"A": [1.0] * 4, "B": [0.1] * 4},
        ripeness=RipenessState.NOT_RIPE,
        stage=NegotiationStage.PRE_NEGOTIATION,
        leadership_approval_share=0.0,
        joint_hours=2.0,
        series_position=1,
        session_ratings=[1, 2],
        idea_support=[{"A": 1.0, "B": 5.0}],
    )
    report = assess_conditions(poor)
    assert not any(s.met for s in report.scores.values())
    assert len(report.warnings) == 5
    assert report.index < 0.3


def test_a_stricter_threshold_leaves_more_conditions_unmet() -> None:
    assert len(assess_conditions(good_workshop(), threshold=0.95).warnings) > 0


def test_out_of_range_evidence_is_refused() -> None:
    with pytest.raises(ValidationError, match="session rating"):
        assess_conditions(replace(good_workshop(), session_ratings=[6]))
    with pytest.raises(ValidationError, match="leadership_approval_share"):
        assess_conditions(replace(good_workshop(), leadership_approval_share=1.5))
    with pytest.raises(ValidationError, match="unknown parties"):
        assess_conditions(replace(good_workshop(), member_status={"C": [0.5]}))


def test_the_report_exports_as_a_frame_and_json() -> None:
    report = assess_conditions(good_workshop())
    frame = report.to_frame()
    assert list(frame["condition"]) == [c.value for c in ContactCondition]
    assert frame.attrs["engine_version"] == ENGINE_VERSION
    data = json.loads(json.dumps(report.to_dict()))
    assert data["index"] == pytest.approx(report.index)
