"""Each workshop is kept until its retention date, then destroyed with its key; destroying a
workshop of a series says what the later workshops keep of it, or destroys the series whole."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest
from sqlalchemy import update

from tests.integration.conftest import enter_phase
from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import DEFAULT_RETENTION_DAYS
from tracktwo.errors import AccessDenied, NotFoundError, ValidationError
from tracktwo.services import conflicts, phases, recruitment, reports, retention, workshops
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.store.models import SeriesRow, WorkshopRow
from tracktwo.store.unit_of_work import now

OPERATOR = Actor.operator()
# The demo keeps its first workshop until 2031-12-31 and the next one until 2032-12-31.
FIRST_KEPT_UNTIL = date(2031, 12, 31)
NEXT_KEPT_UNTIL = date(2032, 12, 31)


def _conflict(store: Store) -> UUID:
    return run(
        store,
        conflicts.create_conflict,
        OPERATOR,
        name="Test conflict",
        parties=["A", "B"],
        stage="pre-negotiation",
        kind="inter-state",
        misperception_share=0.5,
    )


def _kept_until(store: Store, workshop: UUID) -> date:
    return run(store, reports.workshop_report, OPERATOR, workshop).workshop.retention_until


def _key(store: Store, workshop: UUID | str) -> bool:
    return (store.data_dir / "keys" / "workshops" / f"{workshop}.key").exists()


def _exists(store: Store, workshop: UUID) -> bool:
    try:
        run(store, workshops.workshop_summary, OPERATOR, workshop)
    except NotFoundError:
        return False
    return True


def test_a_workshop_is_kept_a_year_unless_created_with_a_date_of_its_own(store: Store) -> None:
    conflict = _conflict(store)
    today = now().date()
    default = run(store, workshops.create_workshop, OPERATOR, conflict, title="D", per_party=3)
    assert _kept_until(store, default) == today + timedelta(days=DEFAULT_RETENTION_DAYS)
    chosen = run(
        store,
        workshops.create_workshop,
        OPERATOR,
        conflict,
        title="C",
        per_party=3,
        retention_until=today,
    )
    assert _kept_until(store, chosen) == today
    with pytest.raises(ValidationError, match=r"retention date .* is in the past"):
        run(
            store,
            workshops.create_workshop,
            OPERATOR,
            conflict,
            title="P",
            per_party=3,
            retention_until=today - timedelta(days=1),
        )


def test_a_workshop_stored_without_a_date_is_kept_a_year_after_its_creation(
    store: Store,
) -> None:
    conflict = _conflict(store)
    workshop = run(store, workshops.create_workshop, OPERATOR, conflict, title="Old", per_party=3)
    with store.sessions.begin() as session:  # as a row written before dates were set
        session.execute(
            update(WorkshopRow).where(WorkshopRow.id == workshop).values(retention_until=None)
        )
    last_day = now().date() + timedelta(days=DEFAULT_RETENTION_DAYS)
    assert _kept_until(store, workshop) == last_day
    kept = run(store, retention.enforce, OPERATOR, today=last_day)
    assert kept.destruction.destroyed == [] and _exists(store, workshop)
    gone = run(store, retention.enforce, OPERATOR, today=last_day + timedelta(days=1))
    assert [w.id for w in gone.destruction.destroyed] == [str(workshop)]
    assert not _exists(store, workshop) and not _key(store, workshop)


def test_enforcing_retention_destroys_only_what_is_past_its_date_and_can_run_again(
    store: Store,
) -> None:
    ids = build_demo(store, seed=7)
    assert _kept_until(store, ids.first_workshop) == FIRST_KEPT_UNTIL
    assert _kept_until(store, ids.next_workshop) == NEXT_KEPT_UNTIL
    on_the_day = run(store, retention.enforce, OPERATOR, today=FIRST_KEPT_UNTIL)
    assert on_the_day.destruction.destroyed == [], "the last day kept is kept"
    preview = run(store, retention.enforce, OPERATOR, today=date(2032, 1, 1), dry_run=True)
    assert [w.id for w in preview.destruction.destroyed] == [str(ids.first_workshop)]
    assert not preview.destruction.done and _exists(store, ids.first_workshop)
    assert _key(store, ids.first_workshop)

    enforced = run(store, retention.enforce, OPERATOR, today=date(2032, 1, 1))
    assert enforced.destruction.done and enforced.as_of == date(2032, 1, 1)
    assert [w.id for w in enforced.destruction.destroyed] == [str(ids.first_workshop)]
    assert not _exists(store, ids.first_workshop) and not _key(store, ids.first_workshop)
    # The next workshop, before its date, is untouched: its records open with its key.
    assert _key(store, ids.next_workshop)
    assert run(store, recruitment.members, OPERATOR, ids.next_workshop, reveal=True)[0].name
    assert run(store, phases.board, OPERATOR, ids.next_workshop).ideas[0].text

    again = run(store, retention.enforce, OPERATOR, today=date(2032, 1, 1))
    assert again.destruction.destroyed == [] and again.destruction.left_behind == []
    last = run(store, retention.enforce, OPERATOR, today=date(2033, 1, 1))
    assert [w.id for w in last.destruction.destroyed] == [str(ids.next_workshop)]
    assert not _key(store, ids.next_workshop)


def test_retention_destroys_the_pending_key_of_a_keep_only_endorsed_workshop(
    store: Store,
) -> None:
    ids = build_demo(store, seed=7)
    workshop = ids.first_workshop
    with store.engine.begin() as connection:
        connection.execute(
            update(WorkshopRow).where(WorkshopRow.id == workshop).values(keep_only_endorsed=True)
        )
    member = run(store, recruitment.members, OPERATOR, workshop)[0]
    speaker = Actor.participant(UUID(member.member_id), workshop, UUID(member.party_id))
    enter_phase(store, workshop, "analysis")
    run(store, phases.state_concern, speaker, workshop, kind="fear", text="not yet pruned")
    with store.sessions() as session:
        pending = session.get(WorkshopRow, workshop).pending_key_id  # type: ignore[union-attr]
    assert pending is not None
    assert (store.data_dir / "keys" / "pending" / f"{pending}.key").exists()
    run(store, retention.enforce, OPERATOR, today=date(2032, 1, 1))
    assert not _key(store, workshop)
    assert not (store.data_dir / "keys" / "pending" / f"{pending}.key").exists()


def test_destroying_the_first_workshop_of_a_series_says_what_the_next_one_keeps(
    store: Store,
) -> None:
    ids = build_demo(store, seed=7)
    carried = [
        idea for idea in run(store, phases.board, OPERATOR, ids.next_workshop).ideas
        if idea.carried_from
    ]  # fmt: skip
    returning = run(store, recruitment.members, OPERATOR, ids.first_workshop)
    assert carried and returning
    destroyed = run(store, workshops.destroy_workshop, OPERATOR, ids.first_workshop)
    assert destroyed.done and destroyed.series_id is None
    assert [w.id for w in destroyed.destroyed] == [str(ids.first_workshop)]
    assert [left.to_dict() for left in destroyed.left_behind] == [
        {
            "workshop_id": str(ids.next_workshop),
            "title": "Karsa problem-solving workshop II",
            "sequence": 2,
            "kept_until": NEXT_KEPT_UNTIL,
            "carried_ideas": len(carried),
            "returning_participants": len(returning),
        }
    ]
    assert destroyed.untraced_identities == 0
    # What it said remains does remain, readable with the next workshop's key.
    board = run(store, phases.board, OPERATOR, ids.next_workshop)
    assert sorted(i.text for i in board.ideas) == sorted(i.text for i in carried)
    assert len(run(store, recruitment.candidates, OPERATOR, ids.next_workshop)) >= len(returning)


def test_destroying_a_series_destroys_every_workshop_of_it_with_its_key(store: Store) -> None:
    ids = build_demo(store, seed=7)
    preview = run(
        store, workshops.destroy_workshop, OPERATOR, ids.next_workshop, series=True, dry_run=True
    )
    assert not preview.done and _key(store, ids.first_workshop) and _key(store, ids.next_workshop)
    destroyed = run(store, workshops.destroy_workshop, OPERATOR, ids.first_workshop, series=True)
    assert [w.id for w in destroyed.destroyed] == [str(ids.first_workshop), str(ids.next_workshop)]
    assert destroyed.series_id == str(ids.series)
    assert destroyed.left_behind == [] and destroyed.untraced_identities == 0
    for workshop in (ids.first_workshop, ids.next_workshop):
        assert not _exists(store, workshop) and not _key(store, workshop)
    with store.sessions() as session:
        assert session.get(SeriesRow, ids.series) is None


def test_a_workshop_outside_a_series_cannot_be_destroyed_as_a_series(store: Store) -> None:
    alone = run(
        store, workshops.create_workshop, OPERATOR, _conflict(store), title="A", per_party=3
    )
    with pytest.raises(ValidationError, match="belongs to no series"):
        run(store, workshops.destroy_workshop, OPERATOR, alone, series=True)
    assert _exists(store, alone) and _key(store, alone)


def test_only_the_operator_enforces_retention_or_destroys(store: Store) -> None:
    ids = build_demo(store, seed=7)
    lead = run(store, workshops.facilitators_of, OPERATOR, ids.first_workshop)[0]
    facilitator = Actor.facilitator(lead, ids.first_workshop)
    with pytest.raises(AccessDenied):
        run(store, retention.enforce, facilitator, today=date(2040, 1, 1))
    with pytest.raises(AccessDenied):
        run(store, workshops.destroy_workshop, facilitator, ids.first_workshop, dry_run=True)
    assert _exists(store, ids.first_workshop) and _exists(store, ids.next_workshop)
