"""The vectorised model: its inputs, its frames, its invariants and its seeds."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracktwo.domain.vocabulary import ContactCondition, NegotiationStage, RipenessState
from tracktwo.engines.conditions import WorkshopEvidence, assess_conditions
from tracktwo.engines.simulation import (
    ENGINE_VERSION,
    ConditionScores,
    Mechanisms,
    ModelParameters,
    Programme,
    SelectionRule,
    Simulation,
    condition_scores,
    recording,
    simulate,
)
from tracktwo.engines.simulation.experiment import with_societies
from tracktwo.engines.simulation.mechanisms import influence
from tracktwo.engines.simulation.mechanisms.contact import contact_strength
from tracktwo.engines.simulation.mechanisms.readiness import (
    perception_cap,
    readiness_to_negotiate,
)
from tracktwo.engines.simulation.parameters import ContactParameters, ReadinessParameters
from tracktwo.engines.simulation.population import AgentRole
from tracktwo.engines.simulation.programme import select_participants
from tracktwo.errors import ValidationError

TINY = with_societies(ModelParameters(), members=400, elite_share=0.05, decision_makers=4)
SHORT = Programme(workshops=2, first_step=5, interval=20, participants_per_party=4)


def a_real_workshop_report() -> object:
    return assess_conditions(
        WorkshopEvidence(
            parties=("A", "B"),
            member_status={"A": [0.6, 0.5, 0.7], "B": [0.6, 0.6, 0.5]},
            ripeness=RipenessState.RIPENING,
            stage=NegotiationStage.PRE_NEGOTIATION,
            leadership_approval_share=0.5,
            preliminary_hours={"A": 4.0, "B": 4.0},
            joint_hours=20.0,
            members_per_party=3,
            series_position=1,
            session_ratings=[4, 4, 5],
            idea_support=[{"A": 4.0, "B": 3.8}, {"A": 2.0, "B": 4.0}],
        )
    )


def test_a_real_workshops_condition_report_feeds_the_simulation() -> None:
    report = a_real_workshop_report()
    scores = condition_scores(report)  # type: ignore[arg-type]
    assert scores.index == pytest.approx(report.index)  # type: ignore[attr-defined]
    programme = replace(SHORT, conditions=scores)
    result = simulate(TINY, programme, steps=30, seed=1)
    assert len(result.participants) == 8


def test_condition_scores_come_as_a_mapping_of_the_five_conditions_or_one_index() -> None:
    mapping = {c: 0.5 for c in ContactCondition}
    assert condition_scores(mapping) == ConditionScores.uniform(0.5)
    assert condition_scores({c.value: 0.2 for c in ContactCondition}).index == pytest.approx(0.2)
    assert condition_scores(0.7).index == pytest.approx(0.7)
    with pytest.raises(ValidationError, match="no score"):
        condition_scores({ContactCondition.INTIMACY: 0.5})
    with pytest.raises(ValidationError, match="unknown contact condition"):
        condition_scores({"friendliness": 0.5})


def test_a_continuing_series_grows_intimacy_up_to_the_third_workshop() -> None:
    scores = ConditionScores(intimacy=0.5)
    assert scores.at_series_position(1).intimacy == pytest.approx(0.5)
    assert scores.at_series_position(3).intimacy > scores.at_series_position(2).intimacy
    assert scores.at_series_position(9).intimacy == scores.at_series_position(3).intimacy


def test_contact_with_none_of_the_conditions_still_works_but_less() -> None:
    """Pettigrew & Tropp (2006): the conditions are facilitating, not essential."""
    identity = np.array([0.5], dtype=np.float32)
    contact = ContactParameters()
    none = float(contact_strength(21.0, 0.0, identity, contact)[0])
    full = float(contact_strength(21.0, 1.0, identity, contact)[0])
    assert 0.0 < none < full
    assert none / full == pytest.approx(contact.floor, rel=0.1)


def test_the_same_seed_gives_the_same_run_and_another_seed_another() -> None:
    first = simulate(TINY, SHORT, steps=40, seed=7)
    again = simulate(TINY, SHORT, steps=40, seed=7)
    other = simulate(TINY, SHORT, steps=40, seed=8)
    pd.testing.assert_frame_equal(first.images, again.images)
    pd.testing.assert_frame_equal(first.societies, again.societies)
    assert not first.images["group_mean"].equals(other.images["group_mean"])


def test_a_run_reports_images_per_society_and_role_every_day() -> None:
    result = simulate(TINY, SHORT, steps=30, seed=2)
    images = result.images
    assert list(images.columns[:3]) == ["step", "society", "role"]
    assert set(images["role"]) == {"ordinary", "elite", "decision-maker", "participant", "all"}
    assert images["step"].nunique() == 31
    everyone = images[(images["role"] == "all") & (images["step"] == 0)]
    assert everyone["count"].tolist() == [400, 400]
    assert images.attrs["engine_version"] == ENGINE_VERSION
    societies = result.societies
    for column in ("polarisation", "standing", "ideas_transferred", "readiness", "negotiating"):
        assert column in societies
    assert len(societies) == 2 * 31


def test_participants_come_from_the_elites_and_one_off_meetings_invite_new_people() -> None:
    continuing = simulate(TINY, SHORT, steps=40, seed=3).participants
    one_off = simulate(TINY, replace(SHORT, continuing=False), steps=40, seed=3).participants
    assert set(continuing["role"]) == {"elite"}
    assert len(continuing) == 8 and (continuing["attended"] == 2).all()
    assert len(one_off) == 16 and (one_off["attended"] == 1).all()


def test_selection_by_influence_picks_the_most_influential_elites() -> None:
    candidates = np.arange(6, dtype=np.int64)
    influence = np.array([1, 9, 3, 8, 2, 7], dtype=np.float32)
    image = np.zeros(6, dtype=np.float32)
    chosen = select_participants(
        SelectionRule.INFLUENTIAL, 3, candidates, influence, image, np.random.default_rng(0)
    )
    assert chosen.tolist() == [1, 3, 5]
    with pytest.raises(ValidationError, match="elites"):
        select_participants(
            SelectionRule.RANDOM, 7, candidates, influence, image, np.random.default_rng(0)
        )


def test_the_programme_schedules_workshops_and_feedback_rounds() -> None:
    programme = Programme(workshops=2, first_step=10, interval=30, days=3, feedback_delay=5)
    in_session = [s for s in range(80) if programme.workshop_on(s) is not None]
    assert in_session == [10, 11, 12, 40, 41, 42]
    assert [s for s in range(80) if programme.feedback_on(s)] == [18, 48]
    assert not replace(programme, feedback_rounds=False).feedback_on(18)


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    switches=st.lists(st.booleans(), min_size=9, max_size=9),
    index=st.floats(0.0, 1.0),
)
def test_images_ideas_and_influence_stay_in_range_whatever_is_switched_off(
    seed: int, switches: list[bool], index: float
) -> None:
    mechanisms = Mechanisms(*switches)
    programme = replace(SHORT, conditions=ConditionScores.uniform(index))
    simulation = Simulation(replace(TINY, mechanisms=mechanisms), programme, seed=seed)
    simulation.advance(50)
    state = simulation.state
    assert np.all(np.abs(state.group) <= 1.0) and np.all(np.abs(state.individual) <= 1.0)
    assert np.all((state.ideas >= 0.0) & (state.ideas <= 1.0))
    assert np.all(state.influence >= 0.0)


@settings(max_examples=50, deadline=None)
@given(
    hurting=st.floats(0.0, 1.0),
    perceived=st.floats(0.0, 1.0),
    clash=st.floats(0.0, 1.0),
    push=st.floats(0.0, 1.0),
)
def test_perceptions_never_lift_readiness_past_the_clash_of_interests(
    hurting: float, perceived: float, clash: float, push: float
) -> None:
    """Seed 4.3, second point, as a property: perfect perceptions add at most 1 - clash."""
    parameters = ReadinessParameters(clash_share=clash, push_weight=push)
    ready = readiness_to_negotiate(hurting, perceived, parameters, interests=True)
    ceiling = push * hurting + (1 - push) * perception_cap(parameters, interests=True)
    assert ready <= ceiling + 1e-12
    assert perception_cap(parameters, interests=False) == 1.0


def test_negotiation_starts_on_the_first_day_both_sides_are_ready() -> None:
    ready = replace(TINY, readiness=replace(TINY.readiness, threshold=0.0), mechanisms=Mechanisms())
    result = simulate(ready, SHORT, steps=5, seed=1)
    assert result.negotiation_step == 0
    assert result.societies["negotiating"].all()
    never = replace(TINY, readiness=replace(TINY.readiness, threshold=1.0))
    assert simulate(never, SHORT, steps=5, seed=1).negotiation_step is None


def test_decision_makers_learn_ideas_only_by_transfer_diffusion_or_feedback() -> None:
    on = Simulation(TINY, SHORT, seed=4)
    off = Simulation(
        replace(TINY, mechanisms=Mechanisms(transfer=False, diffusion=False)),
        replace(SHORT, feedback_rounds=False),
        seed=4,
    )
    on.advance(60)
    off.advance(60)
    block = on.population.block(0, AgentRole.DECISION_MAKER)
    assert on.state.ideas[block].mean() > 0.0
    assert off.state.ideas[block].mean() == 0.0


def test_impossible_parameters_are_refused_with_a_reason() -> None:
    with pytest.raises(ValidationError, match="floor"):
        ContactParameters(floor=1.5)
    with pytest.raises(ValidationError, match="sum to 1"):
        ReadinessParameters(ideas_weight=0.9)
    with pytest.raises(ValidationError, match="participants_per_party"):
        Programme(participants_per_party=0)
    with pytest.raises(ValidationError, match="different names"):
        with_societies(ModelParameters(), name="X")
    with pytest.raises(ValidationError, match="steps"):
        simulate(TINY, SHORT, steps=-1, seed=0)


def test_role_statistics_are_the_same_summed_at_once_or_block_by_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at_once = simulate(TINY, SHORT, steps=30, seed=5).images
    monkeypatch.setattr(recording, "BLOCKWISE_FROM", 0)
    by_block = simulate(TINY, SHORT, steps=30, seed=5).images
    pd.testing.assert_frame_equal(at_once, by_block, rtol=1e-5)


def test_the_network_product_gives_the_same_run_packed_or_in_two_real_products(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    packed = simulate(TINY, SHORT, steps=40, seed=6)
    monkeypatch.setattr(influence, "PACKED_LIMIT", 0)
    real = simulate(TINY, SHORT, steps=40, seed=6)
    pd.testing.assert_frame_equal(packed.images, real.images, rtol=1e-4)
    pd.testing.assert_frame_equal(packed.societies, real.societies, rtol=1e-4)
