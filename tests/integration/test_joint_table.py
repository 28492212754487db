"""The joint table as the third party runs it (issue 16, item 2): phases opened and closed in
order, contributions only to the open phase, contributions hidden or merged with a reason
that stays recorded, the room's projector, and shared-vision amendments."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.integration.conftest import enter_phase
from tests.integration.test_crowds import all_at_once
from tests.integration.test_rules_of_the_method import _members, _workshop
from tracktwo.domain.actors import Actor
from tracktwo.errors import AccessDenied, RuleViolation, ValidationError
from tracktwo.services import audit, moderation, phase_order, phases, projector
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.store.models import ModerationRow

OPERATOR = Actor.operator()


@pytest.fixture
def table(store: Store) -> dict[str, Any]:
    """A composed workshop with no phase opened yet, and its participants by party."""
    workshop = _workshop(store)
    people = _members(store, workshop)
    return {"workshop": workshop, "a": people["A"], "b": people["B"]}


def _states(store: Store, workshop: UUID) -> dict[str, str]:
    return {
        s.phase: s.state for s in run(store, phase_order.phase_states, OPERATOR, workshop).phases
    }


def test_a_new_workshop_opens_no_phase_and_refuses_contributions_naming_the_rule(
    store: Store, table: dict[str, Any]
) -> None:
    workshop, a = table["workshop"], table["a"]
    assert set(_states(store, workshop).values()) == {"not-reached"}
    with pytest.raises(RuleViolation, match=r"contributions go to the open phase.*analysis"):
        run(store, phases.state_concern, a[0], workshop, kind="need", text="water")
    # A party prepares its concerns in its own space whatever phase is open.
    draft = run(store, phases.state_concern, a[0], workshop, kind="need", text="water",
                space="preliminary")  # fmt: skip
    with pytest.raises(RuleViolation, match="analysis"):
        run(store, phases.table_concern, a[0], draft)


def test_phases_open_in_order_one_at_a_time_and_an_earlier_one_may_open_again(
    store: Store, table: dict[str, Any]
) -> None:
    workshop = table["workshop"]
    with pytest.raises(RuleViolation, match=r"phases in order.*open the analysis phase first"):
        run(store, phase_order.open_phase, OPERATOR, workshop, "problem-solving")
    with pytest.raises(RuleViolation, match="no phase is open"):
        run(store, phase_order.close_phase, OPERATOR, workshop)
    run(store, phase_order.open_phase, OPERATOR, workshop, "analysis")
    with pytest.raises(RuleViolation, match="one phase at a time"):
        run(store, phase_order.open_phase, OPERATOR, workshop, "problem-solving")
    assert run(store, phase_order.close_phase, OPERATOR, workshop) == ["analysis"]
    with pytest.raises(RuleViolation, match="open the problem-solving phase first"):
        run(store, phase_order.open_phase, OPERATOR, workshop, "constraints")
    run(store, phase_order.open_phase, OPERATOR, workshop, "problem-solving")
    states = run(store, phase_order.phase_states, OPERATOR, workshop)
    assert states.open == ["problem-solving"] and states.next == "constraints"
    run(store, phase_order.close_phase, OPERATOR, workshop)
    run(store, phase_order.open_phase, OPERATOR, workshop, "analysis")  # going back is allowed
    assert _states(store, workshop) == {
        "analysis": "open",
        "problem-solving": "closed",
        "constraints": "not-reached",
        "reassurance": "not-reached",
    }
    with pytest.raises(ValidationError, match="phase"):
        run(store, phase_order.open_phase, OPERATOR, workshop, "negotiation")


def test_each_contribution_goes_only_to_its_own_phase(store: Store, table: dict[str, Any]) -> None:
    workshop, a, b = table["workshop"], table["a"], table["b"]
    enter_phase(store, workshop, "analysis")
    concern = run(store, phases.state_concern, a[0], workshop, kind="fear", text="the harbour")
    ack = run(store, phases.acknowledge_concern, b[0], concern, restatement="you fear for it")
    run(store, phases.confirm_acknowledgement, a[0], ack, satisfied=True)
    with pytest.raises(RuleViolation, match="an idea belongs to the problem-solving phase"):
        run(store, phases.propose_idea, b[0], workshop, text="x", answers=[concern])
    with pytest.raises(RuleViolation, match="constraint"):
        run(store, phases.name_constraint, a[0], workshop, kind="political", text="x")
    enter_phase(store, workshop, "problem-solving")
    idea = run(store, phases.propose_idea, b[0], workshop, text="a harbour", answers=[concern])
    run(store, phases.rate_idea, a[0], idea, value=4)
    with pytest.raises(RuleViolation, match="analysis"):
        run(store, phases.acknowledge_concern, b[1], concern, restatement="again")
    enter_phase(store, workshop, "constraints")
    run(store, phases.name_constraint, a[0], workshop, kind="political", text="elections")
    with pytest.raises(RuleViolation, match="a rating of an idea"):
        run(store, phases.rate_idea, a[0], idea, value=5)
    with pytest.raises(RuleViolation, match="reassurance"):
        run(store, phases.add_shared_vision, a[0], workshop, text="x")
    enter_phase(store, workshop, "reassurance")
    run(store, phases.add_reassurance_step, b[0], workshop, who="B", what="a visit", when="May")
    run(store, phases.add_shared_vision, a[0], workshop, text="one island")


def test_only_the_third_party_opens_and_closes_phases(store: Store, table: dict[str, Any]) -> None:
    workshop, a = table["workshop"], table["a"]
    with pytest.raises(AccessDenied):
        run(store, phase_order.open_phase, a[0], workshop, "analysis")
    enter_phase(store, workshop, "analysis")
    with pytest.raises(AccessDenied):
        run(store, phase_order.close_phase, a[0], workshop)
    assert run(store, phase_order.phase_states, a[0], workshop).open == ["analysis"]


def _two_concerns_and_an_idea(store: Store, table: dict[str, Any]) -> tuple[UUID, UUID, UUID]:
    workshop, a, b = table["workshop"], table["a"], table["b"]
    enter_phase(store, workshop, "analysis")
    concerns = []
    for person, text in ((a[0], "the harbour"), (a[1], "the port, again")):
        concern = run(store, phases.state_concern, person, workshop, kind="fear", text=text)
        ack = run(store, phases.acknowledge_concern, b[0], concern, restatement="you fear it")
        run(store, phases.confirm_acknowledgement, person, ack, satisfied=True)
        concerns.append(concern)
    enter_phase(store, workshop, "problem-solving")
    idea = run(store, phases.propose_idea, b[0], workshop, text="a shared port",
               answers=[concerns[1]])  # fmt: skip
    return concerns[0], concerns[1], idea


def test_a_hidden_contribution_leaves_the_board_and_its_reason_stays_recorded(
    store: Store, table: dict[str, Any]
) -> None:
    workshop = table["workshop"]
    kept, hidden, idea = _two_concerns_and_an_idea(store, table)
    reason = "a participant's name slipped into it"
    moderation_id = run(
        store, moderation.hide_contribution, OPERATOR, "concern", hidden, reason=reason
    )
    board = run(store, phases.board, table["a"][0], workshop)
    assert [c.id for c in board.concerns] == [str(kept)]
    assert board.ideas[0].answers == []  # the concern it answered is off the table
    listed = run(store, moderation.moderations, OPERATOR, workshop)
    assert [(m.action, m.record_id, m.reason, m.text) for m in listed] == [
        ("hide", str(hidden), reason, "the port, again")
    ]
    trail = run(store, audit.trail, OPERATOR, workshop)
    assert ("hide-contribution", "concern", str(hidden)) in {
        (e.action, e.record_type, e.record_id) for e in trail
    }
    with store.sessions() as db:
        sealed = db.get(ModerationRow, moderation_id).reason_enc  # type: ignore[union-attr]
    assert reason.encode() not in sealed
    with pytest.raises(RuleViolation, match="already hidden"):
        run(store, moderation.hide_contribution, OPERATOR, "concern", hidden, reason="again")
    run(store, moderation.hide_contribution, OPERATOR, "idea", idea, reason="a duplicate")
    assert run(store, phases.board, OPERATOR, workshop).ideas == []


def test_a_merged_concern_points_at_the_one_it_was_merged_into_and_its_ideas_follow(
    store: Store, table: dict[str, Any]
) -> None:
    workshop = table["workshop"]
    kept, merged, _ = _two_concerns_and_an_idea(store, table)
    run(store, moderation.merge_contribution, OPERATOR, "concern", merged, into=kept,
        reason="the same fear, said twice")  # fmt: skip
    board = run(store, phases.board, OPERATOR, workshop)
    assert [c.id for c in board.concerns] == [str(kept)]
    assert board.ideas[0].answers == [str(kept)]
    (entry,) = run(store, moderation.moderations, OPERATOR, workshop)
    assert (entry.action, entry.merged_into, entry.reason) == (
        "merge",
        str(kept),
        "the same fear, said twice",
    )


def test_merging_refuses_itself_the_other_partys_concern_a_hidden_one_and_a_participant(
    store: Store, table: dict[str, Any]
) -> None:
    workshop, a, b = table["workshop"], table["a"], table["b"]
    first, second, _ = _two_concerns_and_an_idea(store, table)
    enter_phase(store, workshop, "analysis")
    theirs = run(store, phases.state_concern, b[1], workshop, kind="need", text="the port")
    with pytest.raises(ValidationError, match="into itself"):
        run(store, moderation.merge_contribution, OPERATOR, "concern", first, into=first,
            reason="x")  # fmt: skip
    with pytest.raises(RuleViolation, match="a concern stays its party's"):
        run(store, moderation.merge_contribution, OPERATOR, "concern", theirs, into=first,
            reason="x")  # fmt: skip
    with pytest.raises(AccessDenied):
        run(store, moderation.hide_contribution, a[0], "concern", first, reason="x")
    with pytest.raises(ValidationError, match="record type"):
        run(store, moderation.hide_contribution, OPERATOR, "person", first, reason="x")
    with pytest.raises(ValidationError, match="reason"):
        run(store, moderation.hide_contribution, OPERATOR, "concern", first, reason=" ")
    run(store, moderation.hide_contribution, OPERATOR, "concern", second, reason="off topic")
    with pytest.raises(RuleViolation, match="already hidden"):
        run(store, moderation.merge_contribution, OPERATOR, "concern", first, into=second,
            reason="x")  # fmt: skip
    assert len(run(store, moderation.moderations, OPERATOR, workshop)) == 1


def test_the_other_party_amends_a_vision_and_the_first_endorses_the_amendment(
    store: Store, table: dict[str, Any]
) -> None:
    workshop, a, b = table["workshop"], table["a"], table["b"]
    for phase in ("analysis", "problem-solving", "constraints", "reassurance"):
        enter_phase(store, workshop, phase)
    vision = run(store, phases.add_shared_vision, a[0], workshop, text="one island")
    with pytest.raises(RuleViolation, match="the other party amends"):
        run(store, phases.amend_shared_vision, a[1], vision, text="our island")
    amended = run(store, phases.amend_shared_vision, b[0], vision, text="one island, two tongues")
    shown = {v.id: v for v in run(store, phases.board, OPERATOR, workshop).shared_vision}
    assert shown[str(vision)].endorsed_by == ["A"] and shown[str(vision)].amends is None
    assert shown[str(amended)].endorsed_by == ["B"]
    assert shown[str(amended)].amends == str(vision)
    run(store, phases.endorse_shared_vision, a[0], amended)
    shown = {v.id: v for v in run(store, phases.board, OPERATOR, workshop).shared_vision}
    assert shown[str(amended)].endorsed_by == ["A", "B"]
    run(store, phase_order.close_phase, OPERATOR, workshop)
    with pytest.raises(RuleViolation, match="reassurance"):
        run(store, phases.endorse_shared_vision, b[0], vision)


def test_the_projector_shows_the_open_phase_without_drafts_names_or_hidden_items(
    store: Store, table: dict[str, Any]
) -> None:
    workshop, a = table["workshop"], table["a"]
    kept, hidden, idea = _two_concerns_and_an_idea(store, table)
    run(store, phases.state_concern, a[2], workshop, kind="need", text="our own draft",
        space="preliminary")  # fmt: skip
    run(store, moderation.hide_contribution, OPERATOR, "concern", hidden, reason="a name")
    shown = run(store, projector.projection, OPERATOR, workshop)
    assert shown.open == ["problem-solving"]
    assert shown.board.concerns == [] and [i.id for i in shown.board.ideas] == [str(idea)]
    assert shown.concerns == {str(kept): "A: the harbour"}
    enter_phase(store, workshop, "analysis")
    shown = run(store, projector.projection, OPERATOR, workshop)
    assert [c.text for c in shown.board.concerns] == ["the harbour"]
    assert shown.board.ideas == [] and shown.board.interventions == {}
    with pytest.raises(AccessDenied):
        run(store, projector.projection, a[0], workshop)


def test_facilitators_opening_a_phase_at_once_open_it_once(
    store: Store, table: dict[str, Any]
) -> None:
    workshop = table["workshop"]
    outcomes = all_at_once(
        6, lambda: run(store, phase_order.open_phase, OPERATOR, workshop, "analysis")
    )
    opened = [o for o in outcomes if isinstance(o, UUID)]
    assert len(opened) == 1, outcomes
    assert all(isinstance(o, RuleViolation) for o in outcomes if not isinstance(o, UUID))
    openings = run(store, lambda uow: uow.phase_openings.of_workshop(workshop))
    assert len(openings) == 1
