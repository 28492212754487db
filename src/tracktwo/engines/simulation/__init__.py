"""Simulation of a workshop programme in two societies (PRODUCT element 19; seed 4 and 5).

A vectorised agent-based model: two societies of ordinary members, elites and
decision-makers on sparse networks with few ties across the divide; a programme of
workshops; and the seed's strengths and weaknesses as switchable mechanisms (contact under
the five conditions, hypothesis confirmation, re-entry and marginalisation, diffusion and
transfer of ideas, ripeness, the real clash of interests). Calibrated on Pettigrew & Tropp
(2006), Paluck, Green & Green (2019) and Schroeder & Risen (2016); see :mod:`.experiment`.

From a notebook::

    from tracktwo.engines.simulation import run_ensemble
    from tracktwo.io.scenarios import load_scenario
    ensemble = run_ensemble(load_scenario("identity-conflict"), runs=20, seed=1)
    ensemble.images_summary()      # means with Monte Carlo intervals per day and role
"""

from tracktwo.engines.simulation.ensemble import (
    NO_PROGRAMME,
    Ensemble,
    compare_programmes,
    no_programme,
    programme_designs,
    run_ensemble,
    run_scenario,
)
from tracktwo.engines.simulation.model import (
    ENGINE_VERSION,
    Simulation,
    SimulationResult,
    simulate,
)
from tracktwo.engines.simulation.parameters import Mechanisms, ModelParameters, SocietyParameters
from tracktwo.engines.simulation.programme import (
    ConditionScores,
    Programme,
    SelectionRule,
    condition_scores,
)
from tracktwo.engines.simulation.scenarios import Scenario
from tracktwo.engines.simulation.timing import negotiation_timing, started_by_day

__all__ = [
    "ENGINE_VERSION",
    "NO_PROGRAMME",
    "ConditionScores",
    "Ensemble",
    "Mechanisms",
    "ModelParameters",
    "Programme",
    "Scenario",
    "SelectionRule",
    "Simulation",
    "SimulationResult",
    "SocietyParameters",
    "compare_programmes",
    "condition_scores",
    "negotiation_timing",
    "no_programme",
    "programme_designs",
    "run_ensemble",
    "run_scenario",
    "simulate",
    "started_by_day",
]
