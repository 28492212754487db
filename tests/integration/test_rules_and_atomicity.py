"""Bad input gets our errors with clear messages, and leaves the store unchanged."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, select

from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor
from tracktwo.engines.composition import CompositionRules
from tracktwo.errors import (
    CommitmentMissing,
    CompositionInfeasible,
    NotFoundError,
    PartySizeError,
    SurveyFileError,
    ValidationError,
)
from tracktwo.services import conflicts, recruitment, surveys, workshops
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.store.models import Base

OPERATOR = Actor.operator()


def _row_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def _small_workshop(store: Store, per_party: int = 3) -> tuple[UUID, UUID]:
    conflict = run(
        store,
        conflicts.create_conflict,
        OPERATOR,
        name="Test conflict",
        parties=["A", "B"],
        stage="pre-negotiation",
        kind="inter-state",
        misperception_share=0.5,
    )
    return conflict, run(
        store, workshops.create_workshop, OPERATOR, conflict, title="W", per_party=per_party
    )


@pytest.mark.parametrize("size", [2, 7])
def test_a_party_of_two_or_seven_is_refused(store: Store, size: int) -> None:
    conflict, _ = _small_workshop(store)
    before = _row_counts(store)
    with pytest.raises(PartySizeError, match="3 to 6 members per party"):
        run(store, workshops.create_workshop, OPERATOR, conflict, title="too big", per_party=size)
    assert _row_counts(store) == before
    keys = list((store.data_dir / "keys" / "workshops").iterdir())
    assert len(keys) == 1, "a workshop that failed leaves no key behind"


def test_a_candidate_without_a_commitment_is_never_composed(store: Store) -> None:
    _, workshop = _small_workshop(store)
    candidate = run(
        store,
        recruitment.add_candidate,
        OPERATOR,
        workshop,
        party="A",
        name="Pat Example",
        role="scholar",
        influence=0.5,
        credibility=0.5,
        openness=0.5,
        status=0.5,
        key_person=True,
    ).id
    before = _row_counts(store)
    with pytest.raises(CommitmentMissing, match="recorded commitment"):
        run(store, recruitment.add_member, OPERATOR, workshop, candidate)
    run(
        store,
        recruitment.record_briefing,
        OPERATOR,
        candidate,
        held_on=date(2025, 1, 1),
        purposes=True,
        procedures=True,
        ground_rules=["privacy"],
        commitment="pending",
    )
    with pytest.raises(CommitmentMissing):
        run(store, recruitment.add_member, OPERATOR, workshop, candidate)
    assert _row_counts(store)["workshop_members"] == before["workshop_members"]


def test_a_commitment_needs_the_ground_rules_discussed_first(store: Store) -> None:
    _, workshop = _small_workshop(store)
    candidate = run(
        store,
        recruitment.add_candidate,
        OPERATOR,
        workshop,
        party="A",
        name="Pat Example",
        role="scholar",
        influence=0.5,
        credibility=0.5,
        openness=0.5,
        status=0.5,
    ).id
    with pytest.raises(ValidationError, match="no-fault"):
        run(
            store,
            recruitment.record_briefing,
            OPERATOR,
            candidate,
            held_on=date(2025, 1, 1),
            purposes=True,
            procedures=True,
            ground_rules=["privacy", "equality"],
            commitment="given",
        )


def test_contradictory_composition_constraints_name_the_constraint_and_change_nothing(
    store: Store,
) -> None:
    ids = build_demo(store, seed=7)
    before = _row_counts(store)
    rules = CompositionRules(
        per_party=4, max_status_gap=0.1, min_distinct_roles=2, required_roles={"youth": 4}
    )
    with pytest.raises(CompositionInfeasible) as raised:
        run(store, recruitment.compose_workshop, OPERATOR, ids.first_workshop, rules)
    assert raised.value.constraint == "required_roles"
    assert _row_counts(store) == before


def test_a_malformed_survey_file_names_the_row_and_stores_nothing(store: Store) -> None:
    ids = build_demo(store, seed=7)
    member = run(store, recruitment.members, OPERATOR, ids.first_workshop)[0].member_id
    before = _row_counts(store)
    good = f"{member},pre,trust-group,4,2025-01-01\n"
    cases = {
        "participant,wave,measure,value\n": "lacks column",
        "participant,wave,measure,value,taken_on\n"
        + good
        + f"{member},during,trust-group,4,2025-01-01\n": "row 3",
        "participant,wave,measure,value,taken_on\n"
        + good
        + f"{member},pre,trust-group,9,2025-01-01\n": "row 3",
        "participant,wave,measure,value,taken_on\n"
        + good
        + f"{member},pre,trust-group,x,2025-01-01\n": "not a number",
        "participant,wave,measure,value,taken_on\n"
        + good
        + "nobody,pre,trust-group,4,2025-01-01\n": "not a member",
    }
    for text, message in cases.items():
        with pytest.raises(SurveyFileError, match=message):
            run(store, surveys.import_survey_file, OPERATOR, ids.first_workshop, text)
    assert _row_counts(store) == before


def test_an_unknown_id_is_reported_as_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no workshop"):
        run(store, recruitment.members, OPERATOR, uuid4())
    with pytest.raises(NotFoundError, match="not a valid"):
        run(store, recruitment.reveal_identity, OPERATOR, "not-an-id")  # type: ignore[arg-type]


def test_an_out_of_range_score_is_refused_with_its_name(store: Store) -> None:
    _, workshop = _small_workshop(store)
    with pytest.raises(ValidationError, match=r"influence is 1\.5; give a number between 0 and 1"):
        run(
            store,
            recruitment.add_candidate,
            OPERATOR,
            workshop,
            party="A",
            name="X Y",
            role="scholar",
            influence=1.5,
            credibility=0.5,
            openness=0.5,
            status=0.5,
        )
    with pytest.raises(ValidationError, match="role 'general'"):
        run(
            store,
            recruitment.add_candidate,
            OPERATOR,
            workshop,
            party="A",
            name="X Y",
            role="general",
            influence=0.5,
            credibility=0.5,
            openness=0.5,
            status=0.5,
        )
