"""Feelings and trust as separate states; cross-divide ties that cluster; extended contact.

Contact moves feelings toward the other side's people (empathy up, anxiety down: the main
mediators in Pettigrew & Tropp 2008); beliefs about the other group's intentions (trust) move
with what that group is seen to do (events, official signals, its returning participants'
conduct), each state with its own persistence. Cross-divide ties formed in shared places
cluster around the home network (Feld 1981), and members whose in-group friends have friends
across the divide warm to the other group (extended contact: Wright et al. 1997; Zhou et al.
2019). Directions are asserted beyond three standard errors on seeded runs.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from tracktwo.engines.simulation.experiment import with_societies
from tracktwo.engines.simulation.mechanisms.trust import (
    TrustDynamics,
    credited_share,
    visible_stance,
)
from tracktwo.engines.simulation.model import Simulation
from tracktwo.engines.simulation.network import cross_clustering
from tracktwo.engines.simulation.parameters import (
    HypothesisConfirmationParameters,
    Mechanisms,
    ModelParameters,
    NetworkParameters,
    ReadinessParameters,
    TrustParameters,
)
from tracktwo.engines.simulation.population import AgentRole, build_population
from tracktwo.engines.simulation.programme import ConditionScores, Programme, SelectionRule
from tracktwo.engines.simulation.scenarios import scenario_from_mapping
from tracktwo.engines.simulation.state import AgentState
from tracktwo.errors import ValidationError
from tracktwo.io.scenarios import load_scenario


def small(parameters: ModelParameters | None = None, members: int = 2000) -> ModelParameters:
    return with_societies(parameters or ModelParameters(), members=members, elite_share=0.1)


def switched(parameters: ModelParameters, **switches: bool) -> ModelParameters:
    return replace(parameters, mechanisms=replace(parameters.mechanisms, **switches))


def no_talks(parameters: ModelParameters) -> ModelParameters:
    """Keep formal talks shut, so that no official signal moves trust."""
    return replace(parameters, readiness=replace(parameters.readiness, threshold=1.0))


def one_good_workshop() -> Programme:
    return Programme(
        workshops=1,
        first_step=5,
        days=3,
        participants_per_party=50,
        selection=SelectionRule.RANDOM,
        continuing=False,
        feedback_rounds=False,
        conditions=ConditionScores.uniform(0.9),
    )


def mean_and_se(values: np.ndarray) -> tuple[float, float]:
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(values.size))


# feelings and trust ----------------------------------------------------------------------


def test_a_workshop_with_good_conditions_moves_feelings_more_than_trust() -> None:
    simulation = Simulation(no_talks(small()), one_good_workshop(), seed=11, record=False)
    simulation.advance(5)
    simulation.advance(1)
    chosen = simulation.current
    feelings_before = simulation.baseline_group[chosen].astype(np.float64)
    trust_before = simulation.state.trust[chosen].astype(np.float64)
    simulation.advance(2 + 7)
    feelings_gain = simulation.state.group[chosen] - feelings_before
    trust_gain = simulation.state.trust[chosen] - trust_before
    mean, se = mean_and_se(feelings_gain - trust_gain)
    assert mean > 0.05
    assert mean > 3 * se


def test_participants_come_to_trust_the_other_side_as_far_as_its_returnees_confirm() -> None:
    """Seed 4.3, hypothesis confirmation on trust: what the other side said is believed as
    far as its participants' conduct at home bears it out. Participants who trusted less
    than the counterparts' visible stance gain trust, those who trusted more lose some, and
    good news is believed less when a hostile prior discounts it."""
    base = no_talks(small())
    ends, stance_gap = {}, np.empty(0)
    for label, parameters in {
        "confirming": base,
        "blind": replace(base, trust=replace(base.trust, confirmation_rate=0.0)),
        "undiscounted": switched(base, hypothesis_confirmation=False),
    }.items():
        simulation = Simulation(parameters, one_good_workshop(), seed=5, record=False)
        simulation.advance(8)
        chosen = simulation.participants
        if label == "confirming":
            split = simulation.population.bounds[1][0]
            sides = [chosen[chosen < split], chosen[chosen >= split]]
            stances = [visible_stance(simulation.state, side) for side in sides]
            seen = np.where(chosen < split, stances[1], stances[0])
            stance_gap = seen - simulation.state.trust[chosen]
        simulation.advance(60)
        ends[label] = simulation.state.trust[chosen].astype(np.float64)
    below, above = stance_gap > 0.1, stance_gap < -0.1
    assert below.sum() >= 10 and above.sum() >= 10
    gain, se = mean_and_se((ends["confirming"] - ends["blind"])[below])
    assert gain > 3 * se > 0
    loss, se = mean_and_se((ends["blind"] - ends["confirming"])[above])
    assert loss > 3 * se > 0
    assert ends["undiscounted"][below].mean() > ends["confirming"][below].mean()


def test_an_event_attributed_to_the_other_side_moves_trust_and_not_feelings() -> None:
    base = no_talks(small())
    calm, eventful = (
        replace(
            base, societies=(replace(base.societies[0], cost_jump_chance=chance), base.societies[1])
        )
        for chance in (0.0, 0.05)
    )
    runs = []
    for parameters in (calm, eventful):
        simulation = Simulation(parameters, Programme(workshops=0), seed=3, record=False)
        simulation.advance(120)
        runs.append(simulation)
    quiet, struck = runs
    assert np.array_equal(quiet.state.attitudes, struck.state.attitudes)
    side_a, side_b = (quiet.population.members(s) for s in (0, 1))
    assert struck.state.trust[side_a].mean() < quiet.state.trust[side_a].mean() - 0.02
    assert np.array_equal(struck.state.trust[side_b], quiet.state.trust[side_b])


def test_an_event_and_an_official_signal_move_trust_toward_minus_and_plus_one() -> None:
    parameters = small()
    population = build_population(parameters, np.random.default_rng(2))
    state = AgentState.starting(population)
    trust = TrustDynamics(
        state,
        (population.members(0), population.members(1)),
        TrustParameters(),
        HypothesisConfirmationParameters(),
        confirm=True,
    )
    before = state.trust.copy()
    trust.event(state, 1, jump=0.03, mean_jump=0.03)
    side_a, side_b = population.members(0), population.members(1)
    assert np.array_equal(state.trust[side_a], before[side_a])
    expected = before[side_b] + (1 - math.exp(-0.1)) * (-1.0 - before[side_b])
    assert state.trust[side_b] == pytest.approx(expected, abs=1e-5)
    opened = state.trust.copy()
    trust.signal(state, 1.0)
    assert np.all(state.trust > opened)


def test_good_news_about_a_distrusted_group_is_discounted_and_bad_news_is_not() -> None:
    trust = np.array([-0.8, 0.0, 0.8], dtype=np.float32)
    confirmation = HypothesisConfirmationParameters(strength=0.5)
    good = credited_share(trust, 0.9, confirmation, on=True)
    assert good.tolist() == pytest.approx([0.55, 0.75, 0.95])
    assert credited_share(trust, -0.9, confirmation, on=True).tolist() == [1.0, 1.0, 1.0]
    assert credited_share(trust, 0.9, confirmation, on=False).tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize(("feelings_rate", "trust_rate"), [(0.02, 0.005), (0.005, 0.02)])
def test_each_state_decays_at_its_own_rate(feelings_rate: float, trust_rate: float) -> None:
    parameters = no_talks(small())
    parameters = replace(
        parameters,
        social_influence=replace(parameters.social_influence, conviction_decay=feelings_rate),
        trust=replace(parameters.trust, decay=trust_rate),
        mechanisms=Mechanisms(
            everyday_contact=False,
            extended_contact=False,
            negative_contact=False,
            diffusion=False,
            reentry=False,
            ripeness=False,
        ),
    )
    simulation = Simulation(parameters, Programme(workshops=0), seed=4, record=False)
    state = simulation.state
    conviction_anchor = simulation.population.group_image.astype(np.float64)
    trust_anchor = state.trust_anchor.astype(np.float64)
    state.attitudes += np.float32(0.3)
    state.trust += np.float32(0.3)
    days = 60
    simulation.advance(days)
    conviction_left = float(np.mean(state.group_conviction - conviction_anchor)) / 0.3
    trust_left = float(np.mean(state.trust - trust_anchor)) / 0.3
    assert conviction_left == pytest.approx((1 - feelings_rate) ** days, rel=1e-3)
    assert trust_left == pytest.approx((1 - trust_rate) ** days, rel=1e-3)
    feelings_left = float(np.mean(state.group - conviction_anchor)) / 0.3
    assert (feelings_left < trust_left) == (feelings_rate > trust_rate)


def test_without_the_trust_mechanism_readiness_reads_feelings_alone() -> None:
    parameters = switched(small(), trust=False)
    simulation = Simulation(parameters, Programme(workshops=0), seed=1, record=False)
    anchor = simulation.state.trust.copy()
    simulation.advance(30)
    assert np.array_equal(simulation.state.trust, anchor)
    shared = replace(parameters, readiness=ReadinessParameters(trust_share=0.0))
    other = Simulation(shared, Programme(workshops=0), seed=1, record=False)
    other.advance(30)
    assert simulation.societies.perception == other.societies.perception


def test_trust_parameters_refuse_a_day_that_overshoots() -> None:
    with pytest.raises(ValidationError):
        TrustParameters(decay=0.6, confirmation_rate=0.6)


def test_a_scenario_can_set_trust_and_network_structure_and_older_files_still_load() -> None:
    scenario = scenario_from_mapping(
        {
            "name": "t",
            "trust": {"decay": 0.02},
            "network": {"cross_ties_locality": 0.8},
            "contact": {"extended_share": 0.1},
        }
    )
    assert scenario.parameters.trust.decay == 0.02
    assert scenario.parameters.network.cross_ties_locality == 0.8
    assert scenario.parameters.contact.extended_share == 0.1
    assert scenario_from_mapping({"name": "old"}).parameters.trust == TrustParameters()


# networks --------------------------------------------------------------------------------


def test_ties_formed_in_shared_places_cluster_around_the_home_network() -> None:
    clustering = {}
    ties = {}
    for locality in (0.0, 0.5):
        parameters = replace(
            small(members=5000), network=NetworkParameters(cross_ties_locality=locality)
        )
        population = build_population(parameters, np.random.default_rng(8))
        clustering[locality] = cross_clustering(population.within, population.across)
        ties[locality] = population.cross_ties
    assert clustering[0.5] > 10 * clustering[0.0]
    assert clustering[0.5] > 0.002
    # the same members have ties across, and about as many
    assert np.array_equal(ties[0.0] > 0, ties[0.5] > 0)
    assert ties[0.5].sum() == pytest.approx(ties[0.0].sum(), rel=0.05)


def test_extended_contact_warms_members_without_ties_whose_friends_have_some() -> None:
    base = small(members=3000)
    ends = {}
    for label, parameters in {
        "extended": base,
        "none": replace(base, contact=replace(base.contact, extended_share=0.0)),
        "off": switched(base, extended_contact=False),
    }.items():
        simulation = Simulation(parameters, Programme(workshops=0), seed=9, record=False)
        simulation.advance(365)
        ends[label] = simulation.state.group.astype(np.float64)
    population = simulation.population
    bridged = (population.cross_ties > 0).astype(np.float32)
    friends_bridged = np.asarray(population.within @ bridged).ravel()
    untied = population.cross_ties == 0
    hearing = untied & (friends_bridged >= 2)
    unconnected = untied & (friends_bridged == 0)
    gain, se = mean_and_se((ends["extended"] - ends["none"])[hearing])
    assert gain > 3 * se > 0
    assert gain > 3 * np.mean((ends["extended"] - ends["none"])[unconnected])
    # a strength of 0 is no extended contact at all
    assert np.array_equal(ends["none"], ends["off"])


def test_a_workshop_friendship_reaches_the_participants_friends_by_extended_contact() -> None:
    parameters = no_talks(small())
    simulation = Simulation(parameters, one_good_workshop(), seed=12, record=False)
    extended = simulation._extended
    assert extended is not None
    before = extended.friends.copy()
    simulation.advance(8)
    newly = simulation.participants[
        (simulation.state.tie[simulation.participants] > 0)
        & (simulation.population.cross_ties[simulation.participants] == 0)
    ]
    assert newly.size > 0
    heard = np.unique(simulation.population.within[newly].indices)
    assert np.all(extended.friends[heard] > before[heard])
    elites = simulation.population.indices(0, AgentRole.ELITE)
    assert extended.friends[elites].sum() >= before[elites].sum()


def test_the_default_scenario_file_writes_out_the_new_defaults() -> None:
    parameters = load_scenario("default").parameters
    assert parameters.trust == TrustParameters()
    assert parameters.network == NetworkParameters()
    assert parameters.contact.extended_share == ModelParameters().contact.extended_share
    assert parameters.readiness.trust_share == ReadinessParameters().trust_share
    assert parameters.mechanisms == Mechanisms()
