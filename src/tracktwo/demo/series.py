"""The next workshop of the demo's series: it starts from the first one's ideas."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from tracktwo.demo.island import ISLAND, NORTH, SOUTH
from tracktwo.domain.actors import Actor
from tracktwo.engines.composition import CompositionRules
from tracktwo.services import commonground_rounds, recruitment, schedule, workshops
from tracktwo.services.recruitment import Member
from tracktwo.services.transaction import run
from tracktwo.store.database import Store


def open_workshop(
    store: Store,
    operator: Actor,
    conflict_id: UUID,
    series_id: UUID,
    numeral: str,
    retention_until: date,
) -> UUID:
    """Open workshop ``numeral`` (I, II...) of the series: four members per party, at the same
    neutral academic venue; return its id."""
    return run(
        store,
        workshops.create_workshop,
        operator,
        conflict_id,
        title=f"{ISLAND} problem-solving workshop {numeral}",
        per_party=4,
        venue="Centre for Conflict Analysis, Lindqvist University (neutral academic setting)",
        series_id=series_id,
        retention_until=retention_until,
    )


def next_workshop(
    store: Store,
    operator: Actor,
    conflict_id: UUID,
    series_id: UUID,
    round_id: UUID,
    members: list[Member],
    joint_day: date,
) -> UUID:
    """Open the series' next workshop from the feedback on the first one's ideas; return it."""
    second = open_workshop(store, operator, conflict_id, series_id, "II", date(2032, 12, 31))
    run(
        store,
        workshops.add_facilitator,
        operator,
        second,
        name="Dr. Maren Holloway",
        lead=True,
        impartiality=0.9,
        communication=0.85,
        sensitivity=0.8,
        credibility={NORTH: 0.82, SOUTH: 0.8},
    )
    run(
        store,
        workshops.carry_ideas,
        operator,
        second,
        actions=run(store, commonground_rounds.carry_actions, operator, round_id),
    )
    returning = run(
        store,
        recruitment.invite_returning,
        operator,
        second,
        [UUID(m.candidate_id) for m in members],
    )
    for candidate_id in returning:
        run(
            store,
            recruitment.record_briefing,
            operator,
            candidate_id,
            held_on=joint_day + timedelta(days=200),
            purposes=True,
            procedures=True,
            ground_rules=["privacy", "no-attribution", "no-fault", "equality"],
            commitment="given",
        )
    run(
        store,
        recruitment.compose_workshop,
        operator,
        second,
        CompositionRules(per_party=4, max_status_gap=0.1, min_distinct_roles=2),
    )
    for offset, party in enumerate((NORTH, SOUTH)):
        run(
            store,
            schedule.schedule_session,
            operator,
            second,
            kind="preliminary",
            party=party,
            hours=5.0,
            starts_at=datetime.combine(
                joint_day + timedelta(days=238 + offset), datetime.min.time()
            )
            + timedelta(hours=9),
        )
    for day in range(4):
        run(
            store,
            schedule.schedule_session,
            operator,
            second,
            kind="joint",
            hours=6.5,
            starts_at=datetime.combine(joint_day + timedelta(days=240 + day), datetime.min.time())
            + timedelta(hours=9),
        )
    return second
