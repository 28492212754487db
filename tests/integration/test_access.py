"""Who may reach what: participants, facilitators and the third party's facilitative role."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.integration.conftest import enter_phase
from tracktwo.demo import DemoIds, build_demo
from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.errors import AccessDenied, FacilitativeRoleError, ValidationError
from tracktwo.services import audit, phases, recruitment, schedule, surveys
from tracktwo.services.recruitment import Member
from tracktwo.services.transaction import run
from tracktwo.services.workshops import third_party
from tracktwo.store.database import Store

OPERATOR = Actor.operator()


@pytest.fixture
def demo(sqlite_store: Store) -> tuple[Store, DemoIds, dict[str, list[Member]]]:
    ids = build_demo(sqlite_store, seed=7)
    by_party: dict[str, list[Member]] = {}
    for member in run(sqlite_store, recruitment.members, OPERATOR, ids.first_workshop):
        by_party.setdefault(member.party, []).append(member)
    return sqlite_store, ids, by_party


def _participant(member: Member, workshop: UUID) -> Actor:
    return Actor.participant(UUID(member.member_id), workshop, UUID(member.party_id))


def test_a_participant_never_sees_the_other_partys_preliminary_space(demo: Any) -> None:
    store, ids, by_party = demo
    north, south = (_participant(by_party[p][0], ids.first_workshop) for p in sorted(by_party))
    draft = run(
        store,
        phases.state_concern,
        north,
        ids.first_workshop,
        kind="fear",
        text="a draft only our side should see",
        space="preliminary",
    )
    seen_by_north = {c.id for c in run(store, phases.board, north, ids.first_workshop).concerns}
    seen_by_south = {c.id for c in run(store, phases.board, south, ids.first_workshop).concerns}
    seen_by_facilitator = {
        c.id for c in run(store, phases.board, OPERATOR, ids.first_workshop).concerns
    }
    # A draft is listed only in its party's space, never on the joint board (not even the
    # third party's console, which may be projected in the room).
    assert str(draft) not in seen_by_north | seen_by_south | seen_by_facilitator
    own_space = run(store, phases.party_space, north, ids.first_workshop, north.party_id)
    assert str(draft) in {d.id for d in own_space.drafts}
    with pytest.raises(AccessDenied):
        run(store, phases.party_space, south, ids.first_workshop, north.party_id)
    with pytest.raises(AccessDenied, match="preliminary space"):
        run(store, phases.acknowledge_concern, south, draft, restatement="peeking")


def test_a_participant_sees_only_joint_sessions_and_their_own_preliminary_one(demo: Any) -> None:
    store, ids, by_party = demo
    party = sorted(by_party)[0]
    sessions = run(
        store,
        schedule.schedule,
        _participant(by_party[party][0], ids.first_workshop),
        ids.first_workshop,
    )
    assert {s.party for s in sessions if s.kind == "preliminary"} == {party}
    assert len(sessions) == 4


def test_a_participant_cannot_reach_another_workshop(demo: Any) -> None:
    store, ids, by_party = demo
    member = _participant(by_party[sorted(by_party)[0]][0], ids.first_workshop)
    stray = Actor(ActorKind.PARTICIPANT, member.id, ids.next_workshop, member.party_id)
    with pytest.raises(AccessDenied):
        run(store, phases.board, stray, ids.next_workshop)
    with pytest.raises(AccessDenied):
        run(store, recruitment.members, member, ids.first_workshop)


def test_the_third_party_cannot_author_ideas_or_concerns(demo: Any) -> None:
    store, ids, _ = demo
    lead = run(store, third_party, OPERATOR, ids.first_workshop)[0]
    facilitator = Actor.facilitator(UUID(lead.id), ids.first_workshop)
    with pytest.raises(FacilitativeRoleError, match="strictly facilitative"):
        run(store, phases.state_concern, facilitator, ids.first_workshop, kind="need", text="x")
    concern = run(store, phases.board, facilitator, ids.first_workshop).concerns[0].id
    with pytest.raises(FacilitativeRoleError):
        run(
            store,
            phases.propose_idea,
            facilitator,
            ids.first_workshop,
            text="my solution",
            answers=[UUID(concern)],
        )
    with pytest.raises(FacilitativeRoleError):
        run(store, phases.state_concern, OPERATOR, ids.first_workshop, kind="need", text="x")
    run(
        store,
        phases.log_intervention,
        facilitator,
        ids.first_workshop,
        phase="analysis",
        kind="clarify",
    )


def test_a_facilitator_of_one_workshop_cannot_manage_another(demo: Any) -> None:
    store, ids, _ = demo
    lead = run(store, third_party, OPERATOR, ids.first_workshop)[0]
    facilitator = Actor.facilitator(UUID(lead.id), ids.first_workshop)
    assert run(store, recruitment.members, facilitator, ids.first_workshop)
    elsewhere = Actor.facilitator(UUID(lead.id), ids.next_workshop)
    with pytest.raises(AccessDenied):
        run(store, recruitment.members, elsewhere, ids.next_workshop)


def test_a_party_rates_an_idea_once_and_its_own_concern_is_not_acknowledged_by_itself(
    demo: Any,
) -> None:
    store, ids, by_party = demo
    member = _participant(by_party[sorted(by_party)[0]][0], ids.first_workshop)
    board = run(store, phases.board, member, ids.first_workshop)
    idea = board.ideas[0]
    party = sorted(by_party)[0]
    count = idea.support[party].ratings
    enter_phase(store, ids.first_workshop, "problem-solving")
    run(store, phases.rate_idea, member, UUID(idea.id), value=1)
    run(store, phases.rate_idea, member, UUID(idea.id), value=2)
    after = run(store, phases.board, member, ids.first_workshop)
    again = next(i for i in after.ideas if i.id == idea.id)
    assert again.support[party].ratings == count
    own = next(c for c in board.concerns if c.party == party)
    enter_phase(store, ids.first_workshop, "analysis")
    with pytest.raises(ValidationError, match="other side"):
        run(store, phases.acknowledge_concern, member, UUID(own.id), restatement="ours")


def test_survey_figures_for_a_party_below_five_are_withheld_by_default(demo: Any) -> None:
    store, ids, _ = demo
    effects = run(store, surveys.survey_effects, OPERATOR, ids.first_workshop)
    change = effects.change
    per_party = change[change["party"] != "all"]
    assert per_party["suppressed"].all()
    assert per_party["cohen_d"].isna().all()
    assert not change[change["party"] == "all"]["suppressed"].any()


def test_min_group_2_is_refused_and_3_is_audited(demo: Any) -> None:
    store, ids, _ = demo
    with pytest.raises(ValidationError, match="give 3 or more"):
        run(store, surveys.survey_effects, OPERATOR, ids.first_workshop, min_group=2)
    before = run(store, audit.trail, OPERATOR, ids.first_workshop)
    assert not any("min-group" in entry.action for entry in before)
    effects = run(store, surveys.survey_effects, OPERATOR, ids.first_workshop, min_group=3)
    assert not effects.change[effects.change["party"] != "all"]["suppressed"].any()
    lowered = [e for e in run(store, audit.trail, OPERATOR, ids.first_workshop)
               if e.action == "lower-min-group-to-3"]  # fmt: skip
    assert len(lowered) == 1 and lowered[0].actor == OPERATOR.label


def test_a_partys_preliminary_space_is_open_to_that_party_and_the_third_party_only(
    demo: Any,
) -> None:
    store, ids, by_party = demo
    party_a, party_b = sorted(by_party)
    a = _participant(by_party[party_a][0], ids.first_workshop)
    b = _participant(by_party[party_b][0], ids.first_workshop)
    run(
        store,
        phases.state_concern,
        a,
        ids.first_workshop,
        kind="fear",
        text="only for us",
        space="preliminary",
    )
    space = run(store, phases.party_space, a, ids.first_workshop, a.party_id)  # type: ignore[arg-type]
    assert space.party == party_a
    assert [d.text for d in space.drafts] == ["only for us"]
    with pytest.raises(AccessDenied):
        run(store, phases.party_space, b, ids.first_workshop, a.party_id)  # type: ignore[arg-type]
    lead = run(store, third_party, OPERATOR, ids.first_workshop)[0]
    facilitator = Actor.facilitator(UUID(lead.id), ids.first_workshop)
    assert run(store, phases.party_space, facilitator, ids.first_workshop, a.party_id).drafts  # type: ignore[arg-type]


def test_use_cases_that_skipped_their_check_now_refuse_who_may_not_reach_them(
    demo: Any,
) -> None:
    from tracktwo.services import audit, conflicts, feedback, reports, workshops

    store, ids, by_party = demo
    lead = run(store, workshops.facilitators_of, OPERATOR, ids.first_workshop)[0]
    facilitator = Actor.facilitator(lead, ids.first_workshop)
    participant = _participant(by_party[sorted(by_party)[0]][0], ids.first_workshop)
    impostor = Actor.facilitator(lead, ids.next_workshop)  # not on that workshop's team
    # the conflict: its facilitators yes, participants and impostors no
    assert run(store, conflicts.conflict_profile, facilitator, ids.conflict).name
    assert run(store, conflicts.ripeness, facilitator, ids.conflict).points
    for stranger in (participant, impostor):
        for use_case in (conflicts.conflict_profile, conflicts.ripeness, conflicts.party_ids):
            with pytest.raises(AccessDenied, match="conflict"):
                run(store, use_case, stranger, ids.conflict)
    # a round: its own respondents and the workshop's managers, nobody else
    link = next(iter(run(store, feedback.rounds, OPERATOR, ids.first_workshop)))
    round_id = UUID(link.id)
    assert run(store, feedback.round_of, facilitator, round_id).title
    with pytest.raises(AccessDenied):
        run(store, feedback.round_of, participant, round_id)
    # the whole folder's workshops and the audit trail: the operator only
    assert run(store, reports.composed_workshops, OPERATOR)
    for use_case, arguments in (
        (reports.composed_workshops, ()),
        (audit.trail, (ids.first_workshop,)),
    ):
        with pytest.raises(AccessDenied, match="only the operator"):
            run(store, use_case, facilitator, *arguments)
