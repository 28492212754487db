"""The workshop method's rules, the survey file and the calendar, without a database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracktwo.domain.calendar import CalendarEvent, to_icalendar
from tracktwo.domain.rules import (
    DEFAULT_RETENTION_DAYS,
    Slot,
    covered_hours,
    facilitator_flags,
    kept_until,
    past_retention,
    require_equal_parties,
    require_party_size,
    require_preliminary_hours,
    require_rating,
    require_retention_date,
    require_schedule_fits,
    supported_by_all,
)
from tracktwo.domain.surveys import parse_survey_csv
from tracktwo.errors import PartySizeError, RuleViolation, SurveyFileError, ValidationError


@given(st.integers(min_value=-5, max_value=20))
def test_only_three_to_six_members_per_party_are_allowed(size: int) -> None:
    if 3 <= size <= 6:
        assert require_party_size(size) == size
    else:
        with pytest.raises(PartySizeError):
            require_party_size(size)


def test_parties_of_unequal_size_are_refused_naming_each_size() -> None:
    with pytest.raises(PartySizeError, match="A: 3, B: 4"):
        require_equal_parties({"A": [1, 2, 3], "B": [1, 2, 3, 4]})
    assert require_equal_parties({"A": [1, 2, 3], "B": [4, 5, 6]}) == 3


def test_a_preliminary_session_lasts_four_to_five_hours() -> None:
    assert require_preliminary_hours(4.5) == 4.5
    with pytest.raises(ValidationError, match="4 to 5 hours"):
        require_preliminary_hours(2)


def test_ratings_are_whole_numbers_on_one_to_five() -> None:
    assert require_rating(5) == 5
    for bad in (0, 6, True):
        with pytest.raises(ValidationError):
            require_rating(bad)  # type: ignore[arg-type]


def test_an_idea_is_supported_by_both_only_when_every_party_rates_it_high() -> None:
    assert supported_by_all({"A": 4.0, "B": 3.5}, ["A", "B"])
    assert not supported_by_all({"A": 4.9, "B": 3.4}, ["A", "B"])
    assert not supported_by_all({"A": 4.9}, ["A", "B"])


def test_a_survey_file_is_parsed_into_answers() -> None:
    answers = parse_survey_csv(
        "participant,wave,measure,value,taken_on\n"
        "m1,pre,thermometer-group,40,2025-01-01\n"
        "m1,post,thermometer-group,55.5,2025-01-09\n"
    )
    assert [a.value for a in answers] == [40.0, 55.5]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("participant,wave\n", "lacks column"),
        ("participant,wave,measure,value,taken_on\n", "no answers"),
        (
            "participant,wave,measure,value,taken_on\nm,pre,mood,3,2025-01-01\n",
            "row 2: unknown measure",
        ),
        (
            "participant,wave,measure,value,taken_on\nm,pre,trust-group,3,01/02/2025\n",
            "row 2: taken_on",
        ),
        (
            "participant,wave,measure,value,taken_on\n,pre,trust-group,3,2025-01-01\n",
            "participant is empty",
        ),
        (
            "participant,wave,measure,value,taken_on\nm,pre,thermometer-group,101,2025-01-01\n",
            "0 to 100",
        ),
    ],
)
def test_a_malformed_survey_file_names_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(SurveyFileError, match=message):
        parse_survey_csv(text)


def test_the_calendar_is_valid_icalendar_with_folded_lines_and_no_people() -> None:
    event = CalendarEvent(
        uid="1@tracktwo",
        summary="Joint workshop session, day one; " + "x" * 80,
        starts_at=datetime(2025, 12, 15, 9),
        hours=7,
        location="Lindqvist University",
    )
    text = to_icalendar([event], calendar_name="Workshop", stamp=datetime(2025, 1, 1))
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "DTSTART:20251215T090000Z" in lines and "DTEND:20251215T160000Z" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "SUMMARY:Joint workshop session\\, day one\\; " in text


def test_a_workshop_is_kept_through_its_date_or_a_year_after_its_creation() -> None:
    created = datetime(2026, 3, 1, 23, 59)
    assert kept_until(created, date(2027, 1, 31)) == date(2027, 1, 31)
    assert kept_until(created, None) == date(2026, 3, 1) + timedelta(days=DEFAULT_RETENTION_DAYS)
    assert not past_retention(created, date(2027, 1, 31), date(2027, 1, 31))
    assert past_retention(created, date(2027, 1, 31), date(2027, 2, 1))
    assert require_retention_date(date(2027, 1, 1), date(2027, 1, 1)) == date(2027, 1, 1)
    with pytest.raises(ValidationError, match="2026-12-31 is in the past"):
        require_retention_date(date(2026, 12, 31), date(2027, 1, 1))


MONDAY = datetime(2030, 5, 6, 9)


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=72), st.integers(min_value=1, max_value=12)),
        max_size=8,
    )
)
def test_covered_hours_count_each_hour_once_however_many_sessions_overlap(
    spans: list[tuple[int, int]],
) -> None:
    slots = [Slot(MONDAY + timedelta(hours=start), hours) for start, hours in spans]
    hours_covered = {start + h for start, hours in spans for h in range(hours)}
    assert covered_hours(slots) == pytest.approx(len(hours_covered))


def test_the_schedule_keeps_preliminary_before_joint_and_no_overlaps() -> None:
    prelim = Slot(MONDAY, 4.5, "A")
    joint = Slot(MONDAY + timedelta(days=1), 6)
    require_schedule_fits(joint, [prelim])
    require_schedule_fits(Slot(MONDAY, 4, "B"), [prelim])  # the parties prepare apart
    with pytest.raises(RuleViolation, match="'preliminary before joint'"):
        require_schedule_fits(Slot(MONDAY - timedelta(days=1), 6), [prelim])
    with pytest.raises(RuleViolation, match="'preliminary before joint'"):
        require_schedule_fits(Slot(MONDAY + timedelta(days=2), 4, "B"), [prelim, joint])
    with pytest.raises(RuleViolation, match="'no overlapping sessions'"):
        require_schedule_fits(Slot(MONDAY + timedelta(hours=3), 4, "A"), [prelim])
    with pytest.raises(RuleViolation, match="'no overlapping sessions'"):
        require_schedule_fits(Slot(MONDAY + timedelta(days=1, hours=5), 6), [prelim, joint])
    require_schedule_fits(Slot(MONDAY + timedelta(days=1, hours=6), 6), [prelim, joint])


def test_a_facilitator_is_flagged_for_each_quality_below_the_floor() -> None:
    assert facilitator_flags(0.5, {"A": 0.5, "B": 0.9}) == []
    assert facilitator_flags(0.49, {"B": 0.1, "A": 0.9}) == [
        "impartiality 0.49 is below 0.5",
        "credibility with B 0.1 is below 0.5",
    ]
    assert facilitator_flags(0.7, {"A": 0.75}, floor=0.8) == [
        "impartiality 0.7 is below 0.8",
        "credibility with A 0.75 is below 0.8",
    ]
