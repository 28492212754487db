"""Each conflict keeps its own roles: set when it is opened, edited later, and every
candidate's role is one of them; a role a candidate holds stays (both stores)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from sqlalchemy import func, select

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import KELMAN_GROUND_RULES
from tracktwo.domain.vocabulary import DEFAULT_ROLES
from tracktwo.engines.composition import CompositionRules
from tracktwo.errors import AccessDenied, CompositionInfeasible, RuleViolation, ValidationError
from tracktwo.services import conflicts, recruitment, workshops
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.store.models import Base

OPERATOR = Actor.operator()
LOCAL = ["mayor", "elder", "teacher"]


def _row_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def _conflict(store: Store, roles: list[str] | None = None) -> tuple[UUID, UUID]:
    conflict = run(
        store,
        conflicts.create_conflict,
        OPERATOR,
        name="Valley water",
        parties=["Upstream", "Downstream"],
        stage="pre-negotiation",
        kind="internal-identity",
        misperception_share=0.4,
        roles=roles,
    )
    workshop = run(store, workshops.create_workshop, OPERATOR, conflict, title="W", per_party=3)
    return conflict, workshop


def _add(
    store: Store, workshop: UUID, party: str, role: str, n: int, actor: Actor = OPERATOR
) -> UUID:
    added = run(
        store,
        recruitment.add_candidate,
        actor,
        workshop,
        party=party,
        name=f"{party} {role} {n}",
        role=role,
        influence=0.5 + n / 20,
        credibility=0.6,
        openness=0.7,
        status=0.5,
        key_person=n == 0,
    )
    return added.id


def test_a_new_conflict_has_the_seven_roles_unless_the_organiser_names_its_own(
    store: Store,
) -> None:
    default, workshop = _conflict(store)
    assert run(store, conflicts.conflict_profile, OPERATOR, default).roles == list(DEFAULT_ROLES)
    assert run(store, workshops.workshop_summary, OPERATOR, workshop).roles == list(DEFAULT_ROLES)
    own, _ = _conflict(store, [" mayor", "elder ", "teacher"])
    assert run(store, conflicts.conflict_profile, OPERATOR, own).roles == LOCAL


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ([], "at least one role"),
        (["mayor", "mayor"], "mayor are given twice"),
        (["mayor", " "], "role must not be empty"),
        (["mayor=2"], "holds '='"),
        (["x" * 41], "at most 40"),
    ],
)
def test_a_bad_list_of_roles_is_refused_and_nothing_is_stored(
    store: Store, roles: list[str], message: str
) -> None:
    conflict, _ = _conflict(store, LOCAL)
    before = _row_counts(store)
    with pytest.raises(ValidationError, match=message):
        _conflict(store, roles)
    with pytest.raises(ValidationError, match=message):
        run(store, conflicts.set_roles, OPERATOR, conflict, roles=roles)
    assert _row_counts(store) == before


def test_a_candidate_holds_one_of_the_conflicts_roles(store: Store) -> None:
    _, workshop = _conflict(store, LOCAL)
    assert _add(store, workshop, "Upstream", "elder", 0)
    before = _row_counts(store)
    with pytest.raises(ValidationError, match="rule 'roles of the conflict': role 'scholar'"):
        _add(store, workshop, "Upstream", "scholar", 1)
    assert _row_counts(store) == before


def test_roles_are_edited_in_order_and_a_held_role_stays(store: Store) -> None:
    conflict, workshop = _conflict(store, LOCAL)
    _add(store, workshop, "Upstream", "elder", 0)
    _add(store, workshop, "Downstream", "elder", 0)
    _add(store, workshop, "Upstream", "teacher", 1)
    edited = ["teacher", "elder", "farmer"]  # mayor, held by nobody, goes; farmer is new
    assert run(store, conflicts.set_roles, OPERATOR, conflict, roles=edited) == edited
    assert run(store, conflicts.conflict_profile, OPERATOR, conflict).roles == edited
    assert _add(store, workshop, "Downstream", "farmer", 1)
    before = _row_counts(store)
    with pytest.raises(RuleViolation, match=r"rule 'a held role stays'.*elder \(2\)"):
        run(store, conflicts.set_roles, OPERATOR, conflict, roles=["teacher", "farmer"])
    with pytest.raises(ValidationError, match="rule 'roles of the conflict': role 'mayor'"):
        _add(store, workshop, "Upstream", "mayor", 2)
    assert _row_counts(store) == before
    assert run(store, conflicts.conflict_profile, OPERATOR, conflict).roles == edited


def test_the_conflicts_facilitators_may_set_its_roles_and_nobody_else(store: Store) -> None:
    conflict, workshop = _conflict(store, LOCAL)
    lead = run(
        store,
        workshops.add_facilitator,
        OPERATOR,
        workshop,
        name="Lead",
        lead=True,
        impartiality=0.9,
        communication=0.9,
        sensitivity=0.9,
        credibility={"Upstream": 0.9, "Downstream": 0.9},
    ).id
    facilitator = Actor.facilitator(lead, workshop)
    assert run(store, conflicts.set_roles, facilitator, conflict, roles=["elder"]) == ["elder"]
    other, elsewhere = _conflict(store)
    for stranger in (Actor.facilitator(lead, elsewhere), Actor.facilitator(lead, workshop)):
        with pytest.raises(AccessDenied, match="conflict"):
            run(store, conflicts.set_roles, stranger, other, roles=["elder"])


def test_composition_counts_the_conflicts_roles_and_requires_only_its_roles(
    store: Store,
) -> None:
    _, workshop = _conflict(store, ["mayor", "elder"])
    for party in ("Upstream", "Downstream"):
        for n, role in enumerate(["mayor", "elder", "elder", "mayor"]):
            candidate = _add(store, workshop, party, role, n)
            run(
                store,
                recruitment.record_briefing,
                OPERATOR,
                candidate,
                held_on=date(2026, 11, 2),
                purposes=True,
                procedures=True,
                ground_rules=list(KELMAN_GROUND_RULES),
                commitment="given",
            )
    with pytest.raises(ValidationError, match="rule 'roles of the conflict': role 'youth'"):
        rules = CompositionRules(per_party=3, required_roles={"youth": 1})
        run(store, recruitment.compose_workshop, OPERATOR, workshop, rules)
    with pytest.raises(CompositionInfeasible, match="there are 2 roles") as caught:
        rules = CompositionRules(per_party=3, min_distinct_roles=3)
        run(store, recruitment.compose_workshop, OPERATOR, workshop, rules)
    assert caught.value.constraint == "min_distinct_roles"
    rules = CompositionRules(per_party=3, min_distinct_roles=2, required_roles={"mayor": 2})
    result = run(store, recruitment.compose_workshop, OPERATOR, workshop, rules)
    assert all(len(chosen) == 3 for chosen in result.selected.values())
