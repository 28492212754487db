"""Schema migrations run both ways on a populated store, keeping every row."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor
from tracktwo.domain.vocabulary import DEFAULT_ROLES
from tracktwo.errors import ConfigurationError
from tracktwo.services import (
    conflicts,
    feedback,
    phase_order,
    phases,
    recruitment,
    reports,
    transfers,
    workshops,
)
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.store.migrate import downgrade, upgrade
from tracktwo.store.models import Base, RespondentRow, RoundVoteRow


def test_respondents_keep_their_rows_across_the_respondent_number_migration(
    store: Store,
) -> None:
    ids = build_demo(store, seed=7)

    def count(table: type) -> int | None:
        with store.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(table))

    before = (count(RespondentRow), count(RoundVoteRow))
    downgrade(store.engine, "0003", keys=store.keys)
    columns = {c["name"] for c in inspect(store.engine).get_columns("respondents")}
    assert "number" in columns
    upgrade(store.engine, keys=store.keys)
    columns = {c["name"] for c in inspect(store.engine).get_columns("respondents")}
    assert "number" not in columns
    rounds = {c["name"] for c in inspect(store.engine).get_columns("feedback_rounds")}
    assert "support_threshold" in rounds
    assert (count(RespondentRow), count(RoundVoteRow)) == before
    frame = run(store, feedback.votes_frame, Actor.operator(), ids.feedback_round)
    assert frame["voter"].nunique() == 120
    if store.engine.dialect.name == "sqlite":  # foreign keys are back on after migrating
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_migration_0005_seals_plain_places_and_context_and_brings_them_back(store: Store) -> None:
    ids = build_demo(store, seed=7)
    operator = Actor.operator()
    before = run(store, reports.workshop_report, operator, ids.first_workshop).to_dict()
    downgrade(store.engine, "0004", keys=store.keys)
    with store.engine.connect() as connection:
        venues = connection.exec_driver_sql("SELECT venue FROM workshops").scalars().all()
        context = connection.exec_driver_sql("SELECT context FROM conflicts").scalar()
    assert "Lindqvist University" in " ".join(venues) and "buffer line" in context
    upgrade(store.engine, keys=store.keys)
    workshops = {c["name"] for c in inspect(store.engine).get_columns("workshops")}
    assert "venue" not in workshops and "venue_enc" in workshops
    after = run(store, reports.workshop_report, operator, ids.first_workshop).to_dict()
    assert after["workshop"]["venue"] == before["workshop"]["venue"] != ""
    assert after["conflict"]["context"] == before["conflict"]["context"] != ""
    assert after["schedule"] == before["schedule"]
    assert after["board"]["reassurance_steps"] == before["board"]["reassurance_steps"]


def test_migration_0005_refuses_to_run_without_the_keys_when_there_is_text_to_seal(
    store: Store,
) -> None:
    build_demo(store, seed=7)
    downgrade(store.engine, "0004", keys=store.keys)
    with pytest.raises(ConfigurationError, match="needs the key folder"):
        upgrade(store.engine)
    upgrade(store.engine, keys=store.keys)


def test_migration_0009_adds_transfer_reasons_and_rating_changes_and_takes_them_back(
    store: Store,
) -> None:
    ids = build_demo(store, seed=7)
    operator = Actor.operator()
    before = run(store, transfers.transfers, operator, ids.first_workshop)
    downgrade(store.engine, "0008", keys=store.keys)
    inspector = inspect(store.engine)
    assert "reason_enc" not in {c["name"] for c in inspector.get_columns("transfers")}
    assert "rated_at" not in {c["name"] for c in inspector.get_columns("idea_ratings")}
    assert not inspector.has_table("idea_rating_changes")
    upgrade(store.engine, keys=store.keys)
    assert inspect(store.engine).has_table("idea_rating_changes")
    assert run(store, transfers.transfers, operator, ids.first_workshop) == before


def test_migration_0011_leaves_every_phase_of_an_earlier_workshop_open_until_closed(
    store: Store,
) -> None:
    ids = build_demo(store, seed=7)
    operator = Actor.operator()
    board = run(store, phases.board, operator, ids.first_workshop).to_dict()
    downgrade(store.engine, "0010", keys=store.keys)
    inspector = inspect(store.engine)
    assert not inspector.has_table("phase_openings") and not inspector.has_table("moderations")
    assert "amends_id" not in {c["name"] for c in inspector.get_columns("shared_visions")}
    upgrade(store.engine, keys=store.keys)
    everything = ["analysis", "problem-solving", "constraints", "reassurance"]
    # Workshops stored before phases were opened in order ran with all four open at once.
    for workshop in (ids.first_workshop, ids.next_workshop):
        assert run(store, phase_order.phase_states, operator, workshop).open == everything
    assert run(store, phase_order.close_phase, operator, ids.first_workshop) == everything
    assert run(store, phases.board, operator, ids.first_workshop).to_dict() == board


def test_migration_0012_gives_every_earlier_conflict_the_seven_roles_and_any_role_held(
    store: Store,
) -> None:
    operator = Actor.operator()
    made = {"name": "C", "parties": ["A", "B"], "stage": "pre-negotiation"}
    plain = run(store, conflicts.create_conflict, operator, **made, kind="inter-state",
                misperception_share=0.5)  # fmt: skip
    local = run(store, conflicts.create_conflict, operator, **made, kind="inter-state",
                misperception_share=0.5, roles=["elder", "scholar"])  # fmt: skip
    workshop = run(store, workshops.create_workshop, operator, local, title="W", per_party=3)
    run(store, recruitment.add_candidate, operator, workshop, party="A", name="N", role="elder",
        influence=0.5, credibility=0.5, openness=0.5, status=0.5, key_person=True)  # fmt: skip
    downgrade(store.engine, "0011", keys=store.keys)
    assert not inspect(store.engine).has_table("conflict_roles")
    upgrade(store.engine, keys=store.keys)
    seven = list(DEFAULT_ROLES)
    assert run(store, conflicts.conflict_profile, operator, plain).roles == seven
    assert run(store, conflicts.conflict_profile, operator, local).roles == [*seven, "elder"]


def test_the_migrated_schema_is_the_schema_of_the_models(store: Store) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
