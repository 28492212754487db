"""The same button pressed at the same moment, on the lifecycle's new steps.

A participant's session rating sent twice at once counts once; one re-entry check recorded
by two facilitators at once gives one reading; overlapping joint sessions added at once
leave one; the same person invited back twice at once gets one candidacy. On SQLite and,
when ``TRACKTWO_TEST_DATABASE_URL`` is set, PostgreSQL, with real threads.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select

from tests.integration.test_crowds import all_at_once
from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor
from tracktwo.errors import TrackTwoError
from tracktwo.services import recruitment, reentry, reports, schedule, workshops
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.store.models import CandidateRow, ReentryRow, SessionRatingRow, SessionRow

OPERATOR = Actor.operator()
CROWD = 8


@pytest.fixture
def island(store: Store) -> tuple[Store, Any]:
    return store, build_demo(store, seed=7)


def _count(store: Store, query: Any) -> int:
    with store.engine.connect() as connection:
        return int(connection.scalar(query) or 0)


def _a_month_after_the_last_session(store: Store, workshop: UUID) -> datetime:
    sessions = run(store, schedule.schedule, OPERATOR, workshop)
    return max(datetime.fromisoformat(s.starts_at) for s in sessions) + timedelta(days=30)


def test_one_participants_rating_sent_at_once_counts_once(island: tuple[Store, Any]) -> None:
    store, ids = island
    member = run(store, recruitment.members, OPERATOR, ids.first_workshop)[0]
    participant = run(store, recruitment.act_as_member, OPERATOR, UUID(member.member_id))
    starts = _a_month_after_the_last_session(store, ids.first_workshop)
    session = run(
        store, schedule.schedule_session, OPERATOR, ids.first_workshop,
        kind="joint", starts_at=starts, hours=3,
    )  # fmt: skip
    all_at_once(CROWD, lambda: run(store, schedule.rate_session, participant, session, value=4))
    ratings = (
        select(func.count())
        .select_from(SessionRatingRow)
        .where(SessionRatingRow.session_id == session)
    )
    assert _count(store, ratings) == 1


def test_a_check_recorded_at_once_by_two_gives_one_reading(island: tuple[Store, Any]) -> None:
    store, ids = island
    member = run(store, recruitment.members, OPERATOR, ids.first_workshop)[0]
    check = run(
        store, reentry.schedule_check, OPERATOR, UUID(member.member_id), due_on=date(2026, 4, 1)
    )
    before = _count(store, select(func.count()).select_from(ReentryRow))

    def record() -> Any:
        return run(
            store, reentry.record_check, OPERATOR, check, done_on=date(2026, 4, 2),
            contacted=True, ingroup_pressure=0.4, marginalisation=0.2,
        )  # fmt: skip

    outcomes = all_at_once(CROWD, record)
    refused = [o for o in outcomes if isinstance(o, TrackTwoError)]
    assert len(refused) == CROWD - 1, outcomes
    assert _count(store, select(func.count()).select_from(ReentryRow)) == before + 1


def test_overlapping_joint_sessions_added_at_once_leave_one(island: tuple[Store, Any]) -> None:
    store, ids = island
    starts = _a_month_after_the_last_session(store, ids.first_workshop)
    before = _count(store, select(func.count()).select_from(SessionRow))

    def add() -> Any:
        return run(
            store, schedule.schedule_session, OPERATOR, ids.first_workshop,
            kind="joint", starts_at=starts, hours=3,
        )  # fmt: skip

    outcomes = all_at_once(CROWD, add)
    assert sum(1 for o in outcomes if isinstance(o, UUID)) == 1, outcomes
    assert _count(store, select(func.count()).select_from(SessionRow)) == before + 1


def test_the_same_person_invited_back_at_once_gets_one_candidacy(
    island: tuple[Store, Any],
) -> None:
    store, ids = island
    conflict = run(store, reports.conflict_of, OPERATOR, ids.next_workshop)
    listed = run(store, workshops.workshops_of, OPERATOR, conflict)
    series = next(w.series_id for w in listed if w.id == str(ids.next_workshop))
    assert series is not None
    third = run(
        store, workshops.create_workshop, OPERATOR, conflict,
        title="III", per_party=4, series_id=UUID(series),
    )  # fmt: skip
    fresh = run(store, recruitment.returning_candidates, OPERATOR, third)[0]
    assert not fresh.invited

    def invite() -> Any:
        return run(store, recruitment.invite_returning, OPERATOR, third, [UUID(fresh.candidate_id)])

    all_at_once(CROWD, invite)
    copies = (
        select(func.count())
        .select_from(CandidateRow)
        .where(CandidateRow.workshop_id == third, CandidateRow.person_id.is_not(None))
    )
    assert _count(store, copies) == 1
