"""Negative contact: a workshop or an everyday encounter can worsen images.

Barlow et al. (2012, 'The contact caveat', PSPB) found negative contact more strongly
associated with prejudice than positive contact with its reduction; the model makes an
episode negative with a chance that grows as the five conditions fail, and a negative
episode weigh ``negative_weight`` times a positive one. Directions are asserted beyond
three Monte Carlo standard errors over replications.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tracktwo.engines.simulation.experiment import (
    Estimate,
    RandomisedEvaluation,
    difference,
    evaluation_programme,
    randomised_evaluation,
    replication_seed,
    survey_correlation,
    with_societies,
)
from tracktwo.engines.simulation.mechanisms.contact import (
    apply_contact,
    apply_negative_contact,
    negative_chance,
)
from tracktwo.engines.simulation.parameters import (
    ContactParameters,
    HypothesisConfirmationParameters,
    ModelParameters,
)
from tracktwo.engines.simulation.population import build_population
from tracktwo.engines.simulation.programme import ConditionScores, Programme
from tracktwo.engines.simulation.state import AgentState


def negative_off(parameters: ModelParameters) -> ModelParameters:
    return replace(parameters, mechanisms=replace(parameters.mechanisms, negative_contact=False))


def poor_workshop(index: float = 0.0) -> Programme:
    return replace(
        evaluation_programme(participants_per_party=100), conditions=ConditionScores.uniform(index)
    )


def test_bad_days_grow_likelier_as_the_conditions_fail_and_everyday_ones_are_rarer() -> None:
    contact = ContactParameters()
    chances = [negative_chance(q, contact, everyday=False) for q in (0.0, 0.3, 0.6, 1.0)]
    assert chances == sorted(chances, reverse=True)
    assert chances[0] == pytest.approx(contact.negative_chance)
    assert chances[-1] == 0.0
    assert negative_chance(0.3, contact, everyday=True) < chances[1]


def test_a_negative_episode_weighs_more_than_a_positive_one_of_the_same_strength() -> None:
    """Barlow et al. (2012): the asymmetry; from a neutral image, a bad episode moves it
    ``negative_weight`` times as far toward -1 as a good one moves it toward +1."""
    population = build_population(
        with_societies(ModelParameters(), members=60), np.random.default_rng(0)
    )
    good, bad = AgentState.starting(population), AgentState.starting(population)
    agents = np.arange(10, dtype=np.int64)
    for state in (good, bad):
        state.attitudes[:, agents] = 0.0
    strength = np.full(agents.size, 0.05, dtype=np.float32)
    confirmation = HypothesisConfirmationParameters()
    contact = ContactParameters()
    apply_contact(good, agents, strength, confirmation, confirm=False)
    apply_negative_contact(bad, agents, strength, contact, confirmation)
    assert np.allclose(bad.individual[agents], -contact.negative_weight * good.individual[agents])
    assert np.all(bad.group[agents] < 0) and np.all(bad.group_conviction[agents] < 0)
    assert np.all(bad.attitudes[:, agents] >= -1.0)


@pytest.fixture(scope="module")
def poor() -> tuple[RandomisedEvaluation, RandomisedEvaluation]:
    """One workshop with none of the conditions met, with and without negative contact."""
    runs = [
        randomised_evaluation(parameters, poor_workshop(0.0), replications=40, seed=4)
        for parameters in (ModelParameters(), negative_off(ModelParameters()))
    ]
    return runs[0], runs[1]


def test_poor_conditions_can_make_a_workshops_mean_effect_negative(
    poor: tuple[RandomisedEvaluation, RandomisedEvaluation],
) -> None:
    """With none of the five conditions met, a randomised evaluation of one workshop finds
    a mean d below zero by more than three Monte Carlo standard errors."""
    result, _ = poor
    assert result.short.mean < 0
    assert -result.short.mean > 3 * result.short.se


def test_without_negative_contact_the_same_poor_workshop_helps(
    poor: tuple[RandomisedEvaluation, RandomisedEvaluation],
) -> None:
    """The backfire is negative contact's doing: switched off, the same workshop on the same
    seeds improves the image (facilitating, not essential: Pettigrew & Tropp 2006)."""
    on, off = poor
    assert off.short.mean > 3 * off.short.se
    gain = difference(off.replications["short"].tolist(), on.replications["short"].tolist())
    assert gain.mean > 3 * gain.se


def test_better_conditions_turn_the_workshop_positive() -> None:
    """The same workshop at the default conditions (index 0.6) helps beyond error."""
    result = randomised_evaluation(ModelParameters(), poor_workshop(0.6), replications=12, seed=4)
    assert result.short.mean > 3 * result.short.se


def test_everyday_negative_encounters_weaken_the_contact_prejudice_correlation() -> None:
    """Everyday encounters under poor conditions sometimes go badly: switching that off
    makes contact reduce prejudice more (r more negative) on the same samples."""
    base = with_societies(ModelParameters(), members=1500)
    seeds = [replication_seed(5, r) for r in range(6)]
    with_bad = [survey_correlation(base, index=0.0, steps=365, seed=s) for s in seeds]
    without = [survey_correlation(negative_off(base), index=0.0, steps=365, seed=s) for s in seeds]
    weaker = difference(with_bad, without)
    assert weaker.mean > 3 * weaker.se
    assert Estimate.of([-r for r in with_bad]).mean > 0
