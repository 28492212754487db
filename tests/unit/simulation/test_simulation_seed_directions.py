"""The seed's own claims as directions (CALIBRATION.md 4; seed 4.3 and 5).

The seed argues directions, not sizes: each test compares two designs or settings on the
same seeds (common random numbers) and asserts the direction and that the paired
difference exceeds three Monte Carlo standard errors.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from tracktwo.engines.simulation.experiment import (
    Estimate,
    difference,
    programme_outcomes,
    reentry_pattern,
    with_societies,
)
from tracktwo.engines.simulation.parameters import Mechanisms, ModelParameters
from tracktwo.engines.simulation.programme import Programme, SelectionRule
from tracktwo.io.scenarios import load_scenario

SMALL = with_societies(ModelParameters(), members=2000)
REPLICATIONS = 8


def outcomes(
    parameters: ModelParameters = SMALL, programme: Programme | None = None
) -> pd.DataFrame:
    return programme_outcomes(
        parameters, programme or Programme(), steps=365, replications=REPLICATIONS, seed=1
    )


def exceeds(first: pd.Series[float], second: pd.Series[float]) -> bool:
    gap: Estimate = difference(first.tolist(), second.tolist())
    return gap.mean > 3 * gap.se


@pytest.fixture(scope="module")
def default_programme() -> pd.DataFrame:
    return outcomes()


def test_the_image_of_the_individuals_met_moves_more_than_the_image_of_their_group(
    default_programme: pd.DataFrame,
) -> None:
    """Seed 4.3, fourth point: 'At best, individual change may occur ... but the general
    image of groups may remain unchanged' (hypothesis confirmation)."""
    assert exceeds(
        default_programme["participant_individual_change"],
        default_programme["participant_group_change"],
    )


def test_switching_off_hypothesis_confirmation_lets_the_group_image_move_more(
    default_programme: pd.DataFrame,
) -> None:
    """Seed 4.3, fourth point: hypothesis confirmation is what keeps the group image still;
    without it participants' image of the group, and the public's, warm more."""
    without = outcomes(replace(SMALL, mechanisms=Mechanisms(hypothesis_confirmation=False)))
    for outcome in ("participant_group_change", "public_group_change"):
        assert exceeds(without[outcome], default_programme[outcome])
    gap_with = (
        default_programme["participant_individual_change"]
        - default_programme["participant_group_change"]
    )
    gap_without = without["participant_individual_change"] - without["participant_group_change"]
    assert exceeds(gap_with, gap_without)


def test_switching_off_reentry_lets_returning_participants_keep_more_of_their_gain() -> None:
    """Seed 4.3, fifth point: back home, group pressure can 'overpower their personal
    experiences'; without that pressure more of the workshop's change survives."""
    parameters = with_societies(ModelParameters(), identity_mean=0.8)
    with_pressure = reentry_pattern(parameters, replications=REPLICATIONS, seed=4)
    without = reentry_pattern(
        replace(parameters, mechanisms=Mechanisms(reentry=False)), replications=REPLICATIONS, seed=4
    )
    assert exceeds(without.replications["retained"], with_pressure.replications["retained"])
    assert exceeds(without.replications["follow_up"], with_pressure.replications["follow_up"])


def test_a_stronger_social_identity_means_more_fall_back_and_more_marginalisation() -> None:
    """Seed 4.3, third and fifth points: where social identity is strong, returning
    participants fall back further, and those who do not conform lose more standing."""
    weak = reentry_pattern(
        with_societies(ModelParameters(), identity_mean=0.3), replications=REPLICATIONS, seed=5
    )
    strong = reentry_pattern(
        with_societies(ModelParameters(), identity_mean=0.8), replications=REPLICATIONS, seed=5
    )
    assert exceeds(weak.replications["retained"], strong.replications["retained"])
    assert exceeds(weak.replications["standing"], strong.replications["standing"])


def test_without_marginalisation_participants_keep_their_standing_at_home(
    default_programme: pd.DataFrame,
) -> None:
    """Seed 4.3, fifth point: marginalisation is what costs non-conformers their standing."""
    without = outcomes(replace(SMALL, mechanisms=Mechanisms(marginalisation=False)))
    assert (without["participant_standing"] == 1.0).all()
    assert exceeds(without["participant_standing"], default_programme["participant_standing"])


def test_a_real_clash_of_interests_caps_what_changed_perceptions_achieve() -> None:
    """Seed 4.3, second point: in a real clash of interests 'changes in perceptions may
    have limited utility'; the same programme leaves both sides less ready to negotiate."""
    mostly_perceived = outcomes(replace(SMALL, readiness=replace(SMALL.readiness, clash_share=0.1)))
    mostly_real = outcomes(replace(SMALL, readiness=replace(SMALL.readiness, clash_share=0.7)))
    assert exceeds(mostly_perceived["readiness"], mostly_real["readiness"])


def test_a_real_clash_of_interests_delays_the_negotiation_a_ripe_conflict_would_reach() -> None:
    """Zartman's ripeness with seed 4.3's cap: the ripe inter-state scenario starts formal
    negotiation in every run; with four fifths of it a real clash, perceptions count for
    less and only the stalemate's growing pain brings the sides to the table, later."""
    scenario = load_scenario("ripe-inter-state").with_value("societies.members", 1500)
    ripe = programme_outcomes(
        scenario.parameters, scenario.programme, steps=scenario.steps, replications=4, seed=2
    )
    clash = scenario.with_value("readiness.clash_share", 0.8)
    capped = programme_outcomes(
        clash.parameters, clash.programme, steps=clash.steps, replications=4, seed=2
    )
    assert ripe["negotiation_step"].notna().all()
    never = float(scenario.steps + 1)
    assert exceeds(capped["negotiation_step"].fillna(never), ripe["negotiation_step"])


def test_influential_participants_transfer_more_ideas_to_decision_makers() -> None:
    """Seed 4.1 and 5 (Kelman 1996): ideas reach policy through participants' influence;
    inviting the most influential elites passes more to decision-makers than a random draw."""
    influential = outcomes(programme=Programme(selection=SelectionRule.INFLUENTIAL))
    random = outcomes(programme=Programme(selection=SelectionRule.RANDOM))
    assert exceeds(influential["ideas_transferred"], random["ideas_transferred"])


def test_continuing_workshops_with_feedback_carry_more_change_home_than_one_off_meetings(
    default_programme: pd.DataFrame,
) -> None:
    """Seed 5: a continuing workshop allows 'an interactive and cumulative process, based
    on feedback and correction'; it carries more change into the home communities and to
    decision-makers than as many one-off meetings of new people."""
    one_off = outcomes(programme=Programme(continuing=False, feedback_rounds=False))
    for outcome in ("public_group_change", "ideas_transferred", "participant_group_change"):
        assert exceeds(default_programme[outcome], one_off[outcome])
