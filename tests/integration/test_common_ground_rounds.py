"""What both communities support, what divides them, and what has not enough votes yet.

A planted round on each store: the lists follow the stated rule, the threshold is kept per
round, and an analysis made under the earlier rule is not shown as if it were current.
"""

from __future__ import annotations

import pytest

from tests.planted import plant_round
from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor
from tracktwo.errors import ValidationError
from tracktwo.services import feedback
from tracktwo.services.commonground_rounds import (
    OutdatedAnalysis,
    RoundAnalysis,
    SortedStatement,
    analyse_round,
    carry_actions,
    latest_analysis,
    respondent_results,
)
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.store.models import RoundAnalysisRow
from tracktwo.store.unit_of_work import UnitOfWork, now

OPERATOR = Actor.operator()


def texts(items: list[SortedStatement]) -> list[str]:
    return [item.text for item in items]


def test_a_divisive_idea_is_never_common_ground_and_few_votes_say_so(store: Store) -> None:
    ids = build_demo(store, seed=7)
    planted = plant_round(store, ids.first_workshop)
    summary = run(store, analyse_round, OPERATOR, planted.round_id)
    assert texts(summary.both_support) == [planted.shared]
    assert texts(summary.divides) == [planted.divisive]
    assert texts(summary.not_enough_votes) == [planted.few_votes]
    port = summary.divides[0]
    assert port.communities["Ilvan community"].share == pytest.approx(0.17)
    assert port.communities["Ilvan community"].n_votes == 100
    assert 0 < port.gap_low < port.support_gap < port.gap_high
    assert summary.rule.support_threshold == 0.5
    assert "passes included" in summary.rule.statement_of_rule
    verdicts = {item.text: item for item in summary.next_workshop}
    assert verdicts[planted.shared].action == "strengthen"
    assert verdicts[planted.divisive].action == "modify"
    assert verdicts[planted.few_votes].action is None
    # what is stored is what the facilitator and, once open, the respondents see
    stored = run(store, latest_analysis, OPERATOR, planted.round_id)
    assert isinstance(stored, RoundAnalysis)
    assert texts(stored.both_support) == [planted.shared]
    run(store, feedback.set_results_open, OPERATOR, planted.round_id, open_=True)
    respondent = run(store, feedback.join_round, planted.links["Sorai community"])
    seen = run(store, respondent_results, respondent, planted.round_id)
    assert isinstance(seen, RoundAnalysis) and texts(seen.divides) == [planted.divisive]
    # no suggestion is carried for an idea with too few votes
    assert sorted(run(store, carry_actions, OPERATOR, planted.round_id).values()) == [
        "modify",
        "strengthen",
    ]


def test_the_support_threshold_is_kept_per_round(store: Store) -> None:
    ids = build_demo(store, seed=7)
    planted = plant_round(store, ids.first_workshop)
    run(store, feedback.set_support_threshold, OPERATOR, planted.round_id, 0.75)
    assert run(store, feedback.round_of, OPERATOR, planted.round_id).support_threshold == 0.75
    summary = run(store, analyse_round, OPERATOR, planted.round_id)
    assert summary.both_support == []
    assert summary.rule.support_threshold == 0.75
    with pytest.raises(ValidationError, match="support_threshold"):
        run(store, feedback.set_support_threshold, OPERATOR, planted.round_id, 1.2)
    assert run(store, feedback.round_of, OPERATOR, planted.round_id).support_threshold == 0.75


def test_an_analysis_under_the_earlier_rule_is_marked_outdated(store: Store) -> None:
    ids = build_demo(store, seed=7)
    planted = plant_round(store, ids.first_workshop)
    with UnitOfWork(store) as uow:
        uow.add(
            RoundAnalysisRow(
                round_id=planted.round_id,
                engine_version="commonground/1.0",
                result={"common_ground": [{"position": 0}], "divisive": []},
                votes_counted=3,
                created_at=now(),
            )
        )
    stored = run(store, latest_analysis, OPERATOR, planted.round_id)
    assert isinstance(stored, OutdatedAnalysis) and stored.outdated is True
    assert stored.to_dict() == {
        "outdated": True,
        "engine_version": "commonground/1.0",
        "map": [],
        "votes_counted": 3,
    }
    with pytest.raises(ValidationError, match="earlier rule"):
        run(store, carry_actions, OPERATOR, planted.round_id)


def test_a_community_with_fewer_than_three_votes_shows_its_count_and_nothing_else(
    store: Store,
) -> None:
    ids = build_demo(store, seed=7)
    planted = plant_round(store, ids.first_workshop)
    summary = run(store, analyse_round, OPERATOR, planted.round_id)
    (few,) = summary.not_enough_votes
    for name, votes in (("Ilvan community", 2), ("Sorai community", 1)):
        figures = few.communities[name]
        assert figures.n_votes == votes and figures.suppressed is True
        assert (figures.n_agree, figures.share, figures.low, figures.high) == (None,) * 4
    shown = summary.divides[0].communities["Ilvan community"]
    assert shown.suppressed is None and shown.n_agree == 17
