"""The order of the four phases, as a rule on plain values (no database)."""

from __future__ import annotations

import pytest

from tracktwo.domain.phase_order import PHASE_ORDER, require_open, require_openable
from tracktwo.domain.vocabulary import Phase
from tracktwo.errors import RuleViolation


def test_the_phases_run_from_analysis_to_reassurance() -> None:
    assert [p.value for p in PHASE_ORDER] == [
        "analysis",
        "problem-solving",
        "constraints",
        "reassurance",
    ]
    assert set(PHASE_ORDER) == set(Phase)


def test_the_first_phase_opens_on_an_empty_table_and_no_later_one_does() -> None:
    require_openable(Phase.ANALYSIS, reached=set(), open_now=set())
    for later in PHASE_ORDER[1:]:
        with pytest.raises(RuleViolation, match="open the analysis phase first"):
            require_openable(later, reached=set(), open_now=set())


def test_one_phase_is_open_at_a_time_and_an_earlier_one_may_open_again() -> None:
    reached = {Phase.ANALYSIS, Phase.PROBLEM_SOLVING}
    with pytest.raises(RuleViolation, match="close the problem-solving phase"):
        require_openable(Phase.CONSTRAINTS, reached=reached, open_now={Phase.PROBLEM_SOLVING})
    with pytest.raises(RuleViolation, match="already open"):
        require_openable(Phase.ANALYSIS, reached=reached, open_now={Phase.ANALYSIS})
    require_openable(Phase.ANALYSIS, reached=reached, open_now=set())
    require_openable(Phase.CONSTRAINTS, reached=reached, open_now=set())
    with pytest.raises(RuleViolation, match="open the constraints phase first"):
        require_openable(Phase.REASSURANCE, reached=reached, open_now=set())


def test_a_contribution_goes_only_to_an_open_phase_and_the_refusal_says_which_are() -> None:
    require_open(Phase.CONSTRAINTS, {Phase.CONSTRAINTS}, "a constraint")
    with pytest.raises(RuleViolation, match=r"a constraint belongs to .*open now: none"):
        require_open(Phase.CONSTRAINTS, set(), "a constraint")
    with pytest.raises(RuleViolation, match="open now: analysis"):
        require_open(Phase.REASSURANCE, {Phase.ANALYSIS}, "a shared vision")
