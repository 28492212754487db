"""Feedback rounds: release without identity, anonymous community links, batches of votes."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from tracktwo.demo import DemoIds, build_demo
from tracktwo.domain.actors import Actor
from tracktwo.errors import AccessDenied, VoteBatchError
from tracktwo.services import feedback, phases
from tracktwo.services.transaction import run
from tracktwo.store.database import Store

OPERATOR = Actor.operator()


@pytest.fixture
def opened_round(store: Store) -> tuple[Store, DemoIds, feedback.RoundOpened]:
    ids = build_demo(store, seed=7)
    ideas = [UUID(i.id) for i in run(store, phases.board, OPERATOR, ids.first_workshop).ideas]
    opened = run(
        store,
        feedback.release_ideas,
        OPERATOR,
        ids.first_workshop,
        ideas[:3],
        title="What do you make of these ideas?",
    )
    return store, ids, opened


def test_released_ideas_reach_respondents_without_party_or_person(opened_round: tuple) -> None:
    store, _, opened = opened_round
    assert set(opened.links) == {"Ilvan community", "Sorai community"}
    respondent = run(store, feedback.join_round, opened.links["Ilvan community"])
    shown = run(store, feedback.statements, respondent, opened.round_id)
    assert len(shown) == 3
    assert set(shown[0].to_dict()) == {"id", "position", "origin", "text"}


def test_a_batch_of_votes_is_stored_and_the_latest_vote_wins(opened_round: tuple) -> None:
    store, _, opened = opened_round
    voter = run(store, feedback.join_round, opened.links["Sorai community"])
    shown = run(store, feedback.statements, voter, opened.round_id)
    assert run(store, feedback.cast_votes, voter, opened.round_id, [(s.id, 1) for s in shown]) == 3
    run(store, feedback.cast_votes, voter, opened.round_id, [(shown[0].id, -1)])
    frame = run(store, feedback.votes_frame, OPERATOR, opened.round_id)
    assert len(frame) == 3
    assert sorted(frame["vote"]) == [-1, 1, 1]
    assert set(frame["community"]) == {"Sorai community"}


def test_a_bad_row_rejects_the_whole_batch_naming_the_row(opened_round: tuple) -> None:
    store, _, opened = opened_round
    voter = run(store, feedback.join_round, opened.links["Sorai community"])
    shown = run(store, feedback.statements, voter, opened.round_id)
    for bad, message in (
        ([(shown[0].id, 1), (shown[1].id, 2)], "row 2: vote must be"),
        ([(shown[0].id, 1), (str(uuid4()), 1)], "row 2: statement"),
        ([(shown[0].id, 1), ("x", 1)], "row 2: 'x' is not a statement id"),
        ([], "no votes"),
    ):
        with pytest.raises(VoteBatchError, match=message):
            run(store, feedback.cast_votes, voter, opened.round_id, bad)
    assert run(store, feedback.votes_frame, OPERATOR, opened.round_id).empty


def test_a_respondents_statement_waits_for_moderation(opened_round: tuple) -> None:
    store, _, opened = opened_round
    voter = run(store, feedback.join_round, opened.links["Ilvan community"])
    added = run(
        store,
        feedback.submit_statement,
        voter,
        opened.round_id,
        text="Start with the water board, it touches everyone",
    )
    assert len(run(store, feedback.statements, voter, opened.round_id)) == 3
    assert [q.id for q in run(store, feedback.moderation_queue, OPERATOR, opened.round_id)] == [
        str(added)
    ]
    run(store, feedback.moderate, OPERATOR, added, accept=True)
    assert len(run(store, feedback.statements, voter, opened.round_id)) == 4


def test_respondents_reach_only_their_round_and_only_open_results(opened_round: tuple) -> None:
    store, ids, opened = opened_round
    with pytest.raises(AccessDenied, match="not valid"):
        run(store, feedback.join_round, "guessed-link")
    voter = run(store, feedback.join_round, opened.links["Ilvan community"])
    with pytest.raises(AccessDenied):
        run(store, feedback.votes_frame, voter, opened.round_id)
    with pytest.raises(AccessDenied):
        run(store, phases.board, voter, ids.first_workshop)
    other = run(
        store,
        feedback.release_ideas,
        OPERATOR,
        ids.first_workshop,
        [UUID(run(store, phases.board, OPERATOR, ids.first_workshop).ideas[0].id)],
        title="Other",
    )
    with pytest.raises(AccessDenied, match="own round"):
        run(store, feedback.statements, voter, other.round_id)
    run(store, feedback.set_results_open, OPERATOR, opened.round_id, open_=True)
    assert run(store, feedback.votes_frame, voter, opened.round_id).empty
    run(store, feedback.close_round, OPERATOR, opened.round_id)
    with pytest.raises(AccessDenied, match="closed"):
        run(store, feedback.join_round, opened.links["Ilvan community"])


def test_a_group_commit_writes_good_batches_and_rejects_only_the_bad_one(
    opened_round: tuple,
) -> None:
    store, _, opened = opened_round
    first = run(store, feedback.join_round, opened.links["Ilvan community"])
    second = run(store, feedback.join_round, opened.links["Sorai community"])
    shown = run(store, feedback.statements, first, opened.round_id)
    outcomes = run(
        store,
        feedback.cast_vote_group,
        [
            (first, opened.round_id, [(shown[0].id, 1), (shown[1].id, -1)]),
            (second, opened.round_id, [(shown[0].id, 7)]),
            (second, opened.round_id, [(shown[2].id, 0)]),
        ],
    )
    assert outcomes[0] == 2 and outcomes[2] == 1
    assert isinstance(outcomes[1], VoteBatchError) and "row 1" in str(outcomes[1])
    frame = run(store, feedback.votes_frame, OPERATOR, opened.round_id)
    assert sorted(frame["vote"]) == [-1, 0, 1]


def test_the_analysis_of_a_round_finds_what_both_communities_support_and_is_stored(
    opened_round: tuple,
) -> None:
    from tracktwo.services.commonground_rounds import (
        RoundAnalysis,
        analyse_round,
        latest_analysis,
    )

    store, _, opened = opened_round
    shown = run(store, feedback.statements, OPERATOR, opened.round_id)
    # Both communities agree with the first statement; they split on the second.
    for community, split in (("Ilvan community", 1), ("Sorai community", -1)):
        for number in range(12):
            voter = run(store, feedback.join_round, opened.links[community])
            third = 1 if number % 3 else -1
            run(
                store,
                feedback.cast_votes,
                voter,
                opened.round_id,
                [(shown[0].id, 1), (shown[1].id, split), (shown[2].id, third)],
            )
    summary = run(store, analyse_round, OPERATOR, opened.round_id, seed=3)
    assert summary.engine_version.startswith("commonground/")
    assert [s.text for s in summary.both_support] == [shown[0].text]
    assert [s.text for s in summary.divides] == [shown[1].text]
    actions = {item.text: item.action for item in summary.next_workshop}
    assert actions[shown[0].text] == "strengthen"
    assert actions[shown[1].text] == "modify"
    stored = run(store, latest_analysis, OPERATOR, opened.round_id)
    assert isinstance(stored, RoundAnalysis) and stored.votes_counted == 72
    assert stored.engine_version == summary.engine_version
    assert stored == summary
