"""The demo's workshop itself: its schedule, the four phases and the session ratings."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

import numpy as np

from tracktwo.demo.island import CONCERNS, CONSTRAINTS, IDEAS, NORTH, REASSURANCE_STEPS, SOUTH
from tracktwo.domain.actors import Actor
from tracktwo.services import phase_order, phases, schedule
from tracktwo.services.recruitment import Member
from tracktwo.services.transaction import run
from tracktwo.store.database import Store


def schedule_first_workshop(
    store: Store, operator: Actor, first: UUID, start: date
) -> tuple[date, list[UUID]]:
    """Schedule each party's preliminary session and three joint days; return (the first
    joint day, the joint sessions)."""
    joint_day = start + timedelta(days=700)
    for offset, party in enumerate((NORTH, SOUTH)):
        run(
            store,
            schedule.schedule_session,
            operator,
            first,
            kind="preliminary",
            party=party,
            hours=4.5,
            starts_at=datetime.combine(joint_day - timedelta(days=2 - offset), datetime.min.time())
            + timedelta(hours=9),
        )
    session_ids = [
        run(
            store,
            schedule.schedule_session,
            operator,
            first,
            kind="joint",
            hours=7.0,
            starts_at=datetime.combine(joint_day + timedelta(days=day), datetime.min.time())
            + timedelta(hours=9),
        )
        for day in range(3)
    ]
    return joint_day, session_ids


def _phases(
    store: Store,
    workshop_id: UUID,
    members: dict[str, list[Member]],
    party_ids: dict[str, UUID],
    rng: np.random.Generator,
) -> list[UUID]:
    def as_member(party: str, index: int = 0) -> Actor:
        member = members[party][index % len(members[party])]
        return Actor.participant(UUID(member.member_id), workshop_id, party_ids[party])

    operator = Actor.operator()

    def next_phase(phase: str) -> None:
        """The third party closes the phase that is open (if one is) and opens ``phase``."""
        if run(store, phase_order.phase_states, operator, workshop_id).open:
            run(store, phase_order.close_phase, operator, workshop_id)
        run(store, phase_order.open_phase, operator, workshop_id, phase)

    next_phase("analysis")
    run(
        store, phases.log_intervention, operator, workshop_id, phase="analysis", kind="ground-rules"
    )
    concern_ids: dict[str, list[UUID]] = {}
    for party, items in CONCERNS.items():
        concern_ids[party] = []
        for index, (kind, need, text) in enumerate(items):
            concern_id = run(
                store,
                phases.state_concern,
                as_member(party, index),
                workshop_id,
                kind=kind,
                text=text,
                basic_need=need,
                space="preliminary",
            )
            run(store, phases.table_concern, as_member(party, index), concern_id)
            concern_ids[party].append(concern_id)
    other = {NORTH: SOUTH, SOUTH: NORTH}
    for party, ids in concern_ids.items():
        for index, concern_id in enumerate(ids):
            listener = other[party]
            ack = run(
                store,
                phases.acknowledge_concern,
                as_member(listener, index + 1),
                concern_id,
                restatement=f"As we understand it, your concern is {CONCERNS[party][index][2]}.",
            )
            # The last restatement of each side misses the point at first and is redone.
            satisfied = index < len(ids) - 1
            run(
                store,
                phases.confirm_acknowledgement,
                as_member(party, index),
                ack,
                satisfied=satisfied,
            )
            if not satisfied:
                retry = run(
                    store,
                    phases.acknowledge_concern,
                    as_member(listener, index + 2),
                    concern_id,
                    restatement=f"You are saying that {CONCERNS[party][index][2]} matters "
                    "because it decides whether your children see a future here.",
                )
                run(
                    store,
                    phases.confirm_acknowledgement,
                    as_member(party, index),
                    retry,
                    satisfied=True,
                )
    for kind in ("redirect-to-each-other", "analytic-not-polemic"):
        run(store, phases.log_intervention, operator, workshop_id, phase="analysis", kind=kind)
    next_phase("problem-solving")
    idea_ids = []
    for number, (text, answers) in enumerate(IDEAS):
        proposer = NORTH if number % 2 == 0 else SOUTH
        idea_id = run(
            store,
            phases.propose_idea,
            as_member(proposer, number),
            workshop_id,
            text=text,
            answers=[concern_ids[p][i] for p, i in answers],
        )
        idea_ids.append(idea_id)
    # The first three ideas answer both sides' needs; the fourth only the Sorai side's.
    appeal = {NORTH: [4.3, 3.9, 4.1, 2.2], SOUTH: [4.0, 4.4, 3.8, 4.6]}
    for party, means in appeal.items():
        for member_index in range(len(members[party])):
            for idea_id, mean in zip(idea_ids, means, strict=True):
                value = int(np.clip(np.rint(rng.normal(mean, 0.6)), 1, 5))
                run(store, phases.rate_idea, as_member(party, member_index), idea_id, value=value)
    run(
        store,
        phases.log_intervention,
        operator,
        workshop_id,
        phase="problem-solving",
        kind="clarify",
    )
    next_phase("constraints")
    for party, index, kind, text in CONSTRAINTS:
        member = as_member(party, index)
        run(store, phases.name_constraint, member, workshop_id, kind=kind, text=text)
    run(
        store,
        phases.log_intervention,
        operator,
        workshop_id,
        phase="constraints",
        kind="de-escalate",
    )
    next_phase("reassurance")
    for party, index, who, what, when in REASSURANCE_STEPS:
        member = as_member(party, index)
        run(store, phases.add_reassurance_step, member, workshop_id, who=who, what=what, when=when)
    vision = run(
        store,
        phases.add_shared_vision,
        as_member(NORTH, 2),
        workshop_id,
        text="An island where children of both communities learn both languages and "
        "share one water board",
    )
    run(store, phases.endorse_shared_vision, as_member(SOUTH, 2), vision)
    run(
        store, phases.log_intervention, operator, workshop_id, phase="reassurance", kind="summarise"
    )
    run(store, phase_order.close_phase, operator, workshop_id)  # the workshop is over
    return idea_ids


def hold_workshop(
    store: Store,
    first: UUID,
    by_party: dict[str, list[Member]],
    party_ids: dict[str, UUID],
    session_ids: list[UUID],
    rng: np.random.Generator,
) -> list[UUID]:
    """Run the four phases and let every member rate every joint session; return the ideas."""
    idea_ids = _phases(store, first, by_party, party_ids, rng)
    for session_id in session_ids:
        for party, party_members in by_party.items():
            for member in party_members:
                actor = Actor.participant(UUID(member.member_id), first, party_ids[party])
                value = float(np.clip(np.rint(rng.normal(4.1, 0.6)), 1, 5))
                run(store, schedule.rate_session, actor, session_id, value=value)
    return idea_ids
