"""Composition: the exact choice of members per party, and what each constraint cost."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracktwo.domain.vocabulary import DEFAULT_ROLES
from tracktwo.engines.composition import (
    ENGINE_VERSION,
    Composition,
    CompositionCandidate,
    CompositionRules,
    brute_force_compose,
    compose,
)
from tracktwo.errors import CompositionInfeasible, PartySizeError, ValidationError

PARTIES = ("A", "B")


def person(
    cid: str,
    role: str = "scholar",
    quality: float = 0.5,
    status: float = 0.5,
    committed: bool = True,
) -> CompositionCandidate:
    return CompositionCandidate(
        id=cid,
        party=cid[0],
        role=role,
        influence=quality,
        credibility=quality,
        openness=quality,
        status=status,
        committed=committed,
    )


def balanced_pool() -> list[CompositionCandidate]:
    roles = ["scholar", "journalist", "parliamentarian", "youth", "scholar"]
    return [
        person(f"{party}{i}", roles[i], quality=0.9 - 0.1 * i, status=0.5)
        for party in PARTIES
        for i in range(5)
    ]


def test_the_best_committed_candidates_of_each_party_are_chosen_in_equal_numbers() -> None:
    result = compose(balanced_pool(), PARTIES, CompositionRules(per_party=3))
    assert result.selected == {"A": ("A0", "A1", "A2"), "B": ("B0", "B1", "B2")}
    assert result.objective == pytest.approx(2 * 3 * (0.9 + 0.8 + 0.7))
    assert result.engine_version == ENGINE_VERSION


def test_uncommitted_candidates_are_never_chosen_and_are_listed() -> None:
    pool = [*balanced_pool(), person("A9", "former-official", quality=1.0, committed=False)]
    result = compose(pool, PARTIES, CompositionRules(per_party=3))
    assert "A9" not in result.selected["A"]
    assert result.excluded_uncommitted == ("A9",)
    assert any("A9" in line and "commitment" in line for line in result.explain())


def test_equal_status_trades_a_better_score_for_a_smaller_status_gap() -> None:
    pool = [
        person("A1", quality=1.0, status=0.9, role="scholar"),
        person("A2", quality=0.9, status=0.9, role="journalist"),
        person("A3", quality=0.8, status=0.9, role="youth"),
        person("A4", quality=0.3, status=0.3, role="youth"),
        person("B1", quality=0.5, status=0.3, role="scholar"),
        person("B2", quality=0.5, status=0.3, role="journalist"),
        person("B3", quality=0.5, status=0.3, role="youth"),
    ]
    free = compose(pool, PARTIES, CompositionRules(per_party=3, max_status_gap=None))
    bound = compose(pool, PARTIES, CompositionRules(per_party=3, max_status_gap=0.45))
    assert free.status_gap == pytest.approx(0.6)
    assert bound.status_gap <= 0.45 + 1e-6
    assert "A4" in bound.selected["A"]
    report = {r.name: r for r in bound.constraints}["max_status_gap"]
    assert report.binding
    assert report.cost == pytest.approx(free.objective - bound.objective)


def test_a_constraint_that_does_not_bind_costs_nothing() -> None:
    result = compose(balanced_pool(), PARTIES, CompositionRules(per_party=3, min_distinct_roles=2))
    report = {r.name: r for r in result.constraints}["min_distinct_roles"]
    assert not report.binding
    assert report.cost == 0.0
    assert "does not bind" in report.detail


def test_a_required_role_is_honoured_in_every_party() -> None:
    rules = CompositionRules(per_party=3, required_roles={"youth": 1})
    result = compose(balanced_pool(), PARTIES, rules)
    assert result.selected["A"][-1] == "A3" and result.selected["B"][-1] == "B3"
    assert {r.name: r for r in result.constraints}["required_roles"].binding


def test_too_few_committed_candidates_names_per_party() -> None:
    pool = [person("A1"), person("A2"), person("A3"), person("A4"), person("B1"), person("B2")]
    pool.append(person("B3", committed=False))
    with pytest.raises(CompositionInfeasible) as caught:
        compose(pool, PARTIES, CompositionRules(per_party=3, min_distinct_roles=0))
    assert caught.value.constraint == "per_party"
    assert "party 'B' has only 2 committed candidates; 3 are needed per party" in str(caught.value)


def test_a_missing_role_names_required_roles() -> None:
    rules = CompositionRules(per_party=3, required_roles={"civil-society": 1})
    with pytest.raises(CompositionInfeasible) as caught:
        compose(balanced_pool(), PARTIES, rules)
    assert caught.value.constraint == "required_roles"
    assert "civil-society" in str(caught.value)


def test_a_single_role_pool_names_min_distinct_roles() -> None:
    pool = [person(f"{p}{i}") for p in PARTIES for i in range(4)]
    with pytest.raises(CompositionInfeasible) as caught:
        compose(pool, PARTIES, CompositionRules(per_party=3, min_distinct_roles=2))
    assert caught.value.constraint == "min_distinct_roles"


def test_an_unreachable_status_gap_names_max_status_gap_and_the_smallest_gap() -> None:
    pool = [person(f"A{i}", role=r, status=0.9) for i, r in enumerate(DEFAULT_ROLES)]
    pool += [person(f"B{i}", role=r, status=0.2) for i, r in enumerate(DEFAULT_ROLES)]
    with pytest.raises(CompositionInfeasible) as caught:
        compose(pool, PARTIES, CompositionRules(per_party=3, max_status_gap=0.1))
    assert caught.value.constraint == "max_status_gap"
    assert "smallest achievable gap is 0.700" in str(caught.value)


def test_rules_outside_three_to_six_per_party_are_refused() -> None:
    with pytest.raises(PartySizeError):
        CompositionRules(per_party=2)
    with pytest.raises(PartySizeError):
        CompositionRules(per_party=7)


def test_candidates_with_scores_outside_zero_to_one_are_refused() -> None:
    with pytest.raises(ValidationError, match="influence"):
        CompositionCandidate("A1", "A", "scholar", 1.2, 0.5, 0.5, 0.5, committed=True)


def test_a_candidate_of_an_unnamed_party_is_refused() -> None:
    with pytest.raises(ValidationError, match="'C'"):
        compose([*balanced_pool(), person("C1")], PARTIES, CompositionRules(per_party=3))


def test_the_result_explains_itself_and_exports_as_json() -> None:
    result = compose(balanced_pool(), PARTIES, CompositionRules(per_party=3))
    frame = result.to_frame()
    assert list(frame["candidate"]) == ["A0", "A1", "A2", "B0", "B1", "B2"]
    assert frame.attrs["engine_version"] == ENGINE_VERSION
    data = json.loads(json.dumps(result.to_dict()))
    assert data["selected"]["A"] == ["A0", "A1", "A2"]
    assert len(data["explanation"]) == 1 + 6 + 1 + len(result.constraints)


def test_three_parties_are_held_to_the_status_gap_pairwise() -> None:
    pool = [
        person(f"{p}{i}", role=["scholar", "youth"][i % 2], quality=q, status=s)
        for p, statuses in (("A", (0.2, 0.5, 0.8)), ("B", (0.5,) * 3), ("C", (0.2, 0.8, 0.8)))
        for i, (q, s) in enumerate(zip((0.9, 0.6, 0.3, 0.1), (*statuses, 0.5), strict=False))
    ]
    rules = CompositionRules(per_party=3, max_status_gap=0.05)
    result = compose(pool, ("A", "B", "C"), rules)
    assert result.status_gap <= 0.05 + 1e-6
    assert result.objective == pytest.approx(
        brute_force_compose(pool, ("A", "B", "C"), rules).objective
    )


# --- the exact optimiser against enumeration ------------------------------------------------

SMALL_ROLES = ["scholar", "journalist", "youth"]
grid = st.integers(0, 20).map(lambda n: n / 20)


Problem = tuple[list[CompositionCandidate], tuple[str, ...], CompositionRules]


@st.composite
def small_problems(draw: st.DrawFn) -> Problem:
    """Two parties of 4-8 candidates, or three of 4-6; statuses on a 0.05 grid.

    The grid keeps every status gap either on a bound or clearly off it, away from the
    solver's 1e-6 feasibility tolerance, so that both methods must give the same verdict.
    """
    parties = draw(st.sampled_from([("A", "B"), ("A", "B", "C")]))
    largest = 8 if len(parties) == 2 else 6
    pool = []
    for party in parties:
        for i in range(draw(st.integers(4, largest))):
            pool.append(
                CompositionCandidate(
                    id=f"{party}{i}",
                    party=party,
                    role=draw(st.sampled_from(SMALL_ROLES)),
                    influence=draw(st.floats(0, 1)),
                    credibility=draw(st.floats(0, 1)),
                    openness=draw(st.floats(0, 1)),
                    status=draw(grid),
                    committed=draw(st.sampled_from([True, True, True, True, False])),
                )
            )
    rules = CompositionRules(
        per_party=3,
        max_status_gap=draw(st.sampled_from([None, 0.0, 0.05, 0.1, 0.3])),
        min_distinct_roles=draw(st.integers(0, 3)),
        required_roles=draw(
            st.dictionaries(st.sampled_from(SMALL_ROLES), st.sampled_from([0, 1, 1, 2]), max_size=2)
        ),
        max_per_role=draw(st.sampled_from([None, 1, 2, 3])),
        weights=draw(st.tuples(grid, grid, grid)),
    )
    return pool, parties, rules


def outcome(solve: object, problem: Problem) -> Composition | str:
    assert callable(solve)
    pool, parties, rules = problem
    try:
        result = solve(pool, parties, rules)
    except CompositionInfeasible as error:
        return error.constraint
    assert isinstance(result, Composition)
    return result


@settings(max_examples=60, deadline=None)
@given(small_problems())
def test_the_optimiser_agrees_with_enumerating_every_selection(problem: Problem) -> None:
    _, parties, rules = problem
    exact = outcome(compose, problem)
    enumerated = outcome(brute_force_compose, problem)
    if isinstance(enumerated, str):
        assert exact == enumerated
        return
    assert isinstance(exact, Composition)
    assert exact.objective == pytest.approx(enumerated.objective, abs=1e-6)
    if rules.max_status_gap is not None:
        assert exact.status_gap <= rules.max_status_gap + 1e-6
    for party in parties:
        assert len(exact.selected[party]) == rules.per_party
    for mine, theirs in zip(exact.constraints, enumerated.constraints, strict=True):
        assert mine.name == theirs.name
        assert mine.cost >= 0.0
        assert mine.cost == pytest.approx(theirs.cost, abs=1e-6)
        assert mine.binding or mine.cost == 0.0


def test_an_exact_status_gap_that_no_selection_meets_is_diagnosed_not_crashed() -> None:
    # HiGHS's presolve once ended this case, a party with no choice left, in a solve error.
    pool = [person(f"A{i}", status=s) for i, s in enumerate((0.2, 0.3, 0.4))]
    pool += [person(f"B{i}", status=s) for i, s in enumerate((0.0, 0.0, 0.2, 0.8, 0.15))]
    rules = CompositionRules(per_party=3, max_status_gap=0.0, min_distinct_roles=0)
    with pytest.raises(CompositionInfeasible) as caught:
        compose(pool, PARTIES, rules)
    assert caught.value.constraint == "max_status_gap"
    assert "smallest achievable gap is 0.017" in str(caught.value)


def test_an_ordinary_composition_is_proven_optimal() -> None:
    result = compose(balanced_pool(), PARTIES, CompositionRules(per_party=3))
    assert result.proven_optimal
    assert result.to_dict()["proven_optimal"] is True


def test_a_time_limit_must_be_positive() -> None:
    with pytest.raises(ValidationError, match="time_limit"):
        compose(balanced_pool(), PARTIES, CompositionRules(per_party=3), time_limit=0)


@pytest.mark.parametrize("solver", [compose, brute_force_compose])
def test_a_pinned_person_is_chosen_and_an_excluded_one_is_not(solver: Any) -> None:
    rules = CompositionRules(
        per_party=3, pinned=frozenset({"A4"}), excluded=frozenset({"B0"}), min_distinct_roles=0
    )
    result = solver(balanced_pool(), PARTIES, rules)
    assert "A4" in result.selected["A"] and "B0" not in result.selected["B"]
    # Without the pin and the exclusion the best three of each party are A0-A2 and B0-B2.
    assert set(result.selected["A"]) == {"A0", "A1", "A4"}
    assert set(result.selected["B"]) == {"B1", "B2", "B3"}
    explained = "\n".join(result.explain())
    assert "A4" in explained and "Pinned by the facilitators" in explained
    assert "Left out by the facilitators: B0" in explained
    assert result.to_dict()["rules"]["pinned"] == ["A4"]


def test_pins_that_cannot_be_honoured_are_refused_by_name() -> None:
    pool = [*balanced_pool(), person("A9", committed=False)]
    with pytest.raises(CompositionInfeasible, match="A9 has no recorded commitment"):
        compose(pool, PARTIES, CompositionRules(per_party=3, pinned=frozenset({"A9"})))
    too_many = frozenset({"A0", "A1", "A2", "A3"})
    with pytest.raises(CompositionInfeasible, match="4 pinned candidates for 3 seats"):
        compose(balanced_pool(), PARTIES, CompositionRules(per_party=3, pinned=too_many))
    with pytest.raises(ValidationError, match="both pinned and excluded"):
        CompositionRules(per_party=3, pinned=frozenset({"A0"}), excluded=frozenset({"A0"}))


def test_the_number_of_roles_given_bounds_the_rules_on_roles() -> None:
    # roles are plain strings set per conflict; the caller says how many the conflict has
    with pytest.raises(CompositionInfeasible, match="there are 2 roles") as caught:
        compose(balanced_pool(), PARTIES, CompositionRules(per_party=3, min_distinct_roles=3),
                role_count=2)  # fmt: skip
    assert caught.value.constraint == "min_distinct_roles"
    with pytest.raises(CompositionInfeasible, match="max_per_role 1 over 2 roles") as caught:
        compose(balanced_pool(), PARTIES, CompositionRules(per_party=3, max_per_role=1),
                role_count=2)  # fmt: skip
    assert caught.value.constraint == "max_per_role"
    with pytest.raises(ValidationError, match="role_count is 0"):
        compose(balanced_pool(), PARTIES, CompositionRules(per_party=3), role_count=0)
    assert compose(balanced_pool(), PARTIES, CompositionRules(per_party=3), role_count=7).objective


def test_a_role_is_any_non_empty_name() -> None:
    assert person("A1", role="village elder").role == "village elder"
    with pytest.raises(ValidationError, match="needs a role"):
        person("A1", role="")
