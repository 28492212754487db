"""The calibration harness: run the model the way an evaluation study would.

Each function reproduces one kind of study in ``CALIBRATION.md`` and returns estimates with
their Monte Carlo standard errors over independent replications (seeds
``SeedSequence([seed, replication])``):

- :func:`contact_prejudice_meta`: Pettigrew & Tropp (2006), a cross-sectional survey of
  contact and prejudice, pooled over many simulated samples as a meta-analysis pools;
- :func:`randomised_evaluation`: Paluck, Green & Green (2019), a randomised evaluation of
  one workshop-like intervention measured after a short and a long delay;
- :func:`reentry_pattern`: Schroeder & Risen (2016), attitudes before, at the end of and
  months after a coexistence programme, by whether a close cross-group tie formed;
- :func:`programme_outcomes`: what a programme leaves behind, for the seed's directions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tracktwo.engines.simulation.model import Simulation
from tracktwo.engines.simulation.outcomes import run_outcomes
from tracktwo.engines.simulation.parameters import ModelParameters
from tracktwo.engines.simulation.population import AgentRole
from tracktwo.engines.simulation.programme import ConditionScores, Programme, SelectionRule
from tracktwo.errors import ValidationError

PT_OVERALL_R = -0.215
"""Pettigrew & Tropp (2006): mean contact-prejudice correlation over 713 samples."""
PT_OPTIMAL_R = -0.287
"""Pettigrew & Tropp (2006): samples whose contact was structured to meet Allport's
optimal conditions (the paper's comparison: about -.29 against -.20)."""
PT_OTHER_R = -0.204
"""Pettigrew & Tropp (2006): the remaining samples."""
PT_OPTIMAL_SHARE = 134 / (134 + 562)
"""Share of samples with optimal conditions in that comparison (134 of 696)."""
PGG_POOLED_D = 0.39
"""Paluck, Green & Green (2019): pooled d of 27 randomised studies (SE about 0.08)."""
PGG_LONG_DELAY_D = 0.31
"""Paluck, Green & Green (2019): studies measuring 180 days or more after contact."""
LONG_DELAY_DAYS = 180
PT_TOLERANCE_R = 0.03
"""Half-width of the window around Pettigrew & Tropp's means within which the simulated
means must fall (their own 95% intervals are narrower; the window allows for the model's
Monte Carlo error at test sizes and the paper's rounding)."""
PGG_TOLERANCE_D = 0.1
"""Largest distance of the simulated short-delay d from Paluck et al.'s pooled 0.39 (their
SE is about 0.08)."""


@dataclass(frozen=True)
class Estimate:
    """A mean over replications with its Monte Carlo standard error."""

    mean: float
    se: float
    replications: int

    @classmethod
    def of(cls, values: Sequence[float] | NDArray[np.float64]) -> Estimate:
        """Return the mean and standard error of ``values`` (NaN-free)."""
        data = np.asarray(values, dtype=np.float64)
        if data.size == 0:
            return cls(math.nan, math.nan, 0)
        se = float(data.std(ddof=1) / math.sqrt(data.size)) if data.size > 1 else math.nan
        return cls(float(data.mean()), se, int(data.size))

    def interval(self, z: float = 1.96) -> tuple[float, float]:
        """Return the normal Monte Carlo interval ``mean -/+ z * se``."""
        return self.mean - z * self.se, self.mean + z * self.se


def difference(first: Sequence[float], second: Sequence[float]) -> Estimate:
    """Return the mean of paired differences ``first - second`` (common random numbers)."""
    return Estimate.of(np.asarray(first, dtype=np.float64) - np.asarray(second, dtype=np.float64))


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """Return the seed of one replication; the same for every design compared."""
    return np.random.SeedSequence([seed, replication])


def with_societies(parameters: ModelParameters, **changes: Any) -> ModelParameters:
    """Return ``parameters`` with the same ``changes`` made to both societies."""
    first, second = parameters.societies
    return replace(parameters, societies=(replace(first, **changes), replace(second, **changes)))


def _check_replications(replications: int) -> None:
    if replications < 2:
        raise ValidationError(f"replications is {replications}; give 2 or more for an error")


# Pettigrew & Tropp (2006) ----------------------------------------------------------------


def survey_correlation(
    parameters: ModelParameters, *, index: float, steps: int, seed: np.random.SeedSequence
) -> float:
    """Return corr(amount of contact, prejudice) in one simulated sample.

    The sample lives ``steps`` days with its cross-divide ties under everyday contact of
    condition index ``index`` and no workshops; then every member is surveyed: contact is
    the number of ties across the divide, prejudice the negative of the group image.
    """
    contact = replace(parameters.contact, everyday_index=index)
    simulation = Simulation(
        replace(parameters, contact=contact), Programme(workshops=0), seed=seed, record=False
    )
    simulation.advance(steps)
    amount = simulation.population.cross_ties
    prejudice = -simulation.state.group
    return float(np.corrcoef(amount, prejudice)[0, 1])


@dataclass(frozen=True)
class ContactPrejudiceMeta:
    """Mean correlations of the simulated samples, pooled on Fisher's z as P&T pooled them."""

    optimal: Estimate
    other: Estimate
    overall: Estimate
    samples: pd.DataFrame


def contact_prejudice_meta(
    parameters: ModelParameters | None = None,
    *,
    samples: int = 12,
    members: int = 1500,
    steps: int = 365,
    seed: int = 0,
) -> ContactPrejudiceMeta:
    """Survey ``samples`` populations under optimal conditions (index 1) and as many under
    everyday conditions; pool each set, and both in Pettigrew & Tropp's proportions.

    The overall mean weights optimal samples by ``PT_OPTIMAL_SHARE`` on Fisher's z. Each
    replication pairs one optimal and one everyday sample on the same seed.
    """
    _check_replications(samples)
    base = with_societies(parameters or ModelParameters(), members=members)
    rows = []
    for replication in range(samples):
        sample_seed = replication_seed(seed, replication)
        everyday = survey_correlation(
            base, index=base.contact.everyday_index, steps=steps, seed=sample_seed
        )
        optimal = survey_correlation(base, index=1.0, steps=steps, seed=sample_seed)
        z = PT_OPTIMAL_SHARE * math.atanh(optimal) + (1 - PT_OPTIMAL_SHARE) * math.atanh(everyday)
        rows.append((replication, optimal, everyday, math.tanh(z)))
    frame = pd.DataFrame(rows, columns=["replication", "optimal", "other", "overall"])
    return ContactPrejudiceMeta(
        optimal=Estimate.of(frame["optimal"].tolist()),
        other=Estimate.of(frame["other"].tolist()),
        overall=Estimate.of(frame["overall"].tolist()),
        samples=frame,
    )


# Paluck, Green & Green (2019) ---------------------------------------------------------------


def cohens_d(treated: np.ndarray, control: np.ndarray) -> float:
    """Return the standardised mean difference with the pooled standard deviation."""
    n1, n2 = treated.size, control.size
    pooled = ((n1 - 1) * treated.var(ddof=1) + (n2 - 1) * control.var(ddof=1)) / (n1 + n2 - 2)
    return float((treated.mean() - control.mean()) / math.sqrt(pooled))


def evaluation_programme(participants_per_party: int = 50) -> Programme:
    """Return one workshop-like intervention: three days of joint sessions, random invitees."""
    return Programme(
        workshops=1,
        first_step=10,
        days=3,
        participants_per_party=participants_per_party,
        selection=SelectionRule.RANDOM,
        continuing=False,
        feedback_rounds=False,
    )


@dataclass(frozen=True)
class RandomisedEvaluation:
    """Effect sizes d on the image of the group, after a short and after a long delay."""

    short: Estimate
    long: Estimate
    individual_short: Estimate
    replications: pd.DataFrame


def randomised_evaluation(
    parameters: ModelParameters | None = None,
    programme: Programme | None = None,
    *,
    replications: int = 10,
    members: int = 2000,
    elite_share: float = 0.1,
    short_delay: int = 7,
    long_delay: int = 240,
    seed: int = 0,
) -> RandomisedEvaluation:
    """Randomise each side's elites to one workshop or none; measure both arms twice.

    Treated: the invitees (selection at random, so the uninvited elites are the control
    arm). Outcome: the image of the other group, ``short_delay`` and ``long_delay`` days
    after the workshop ends; d uses the pooled standard deviation, as the studies do.
    """
    _check_replications(replications)
    if long_delay < LONG_DELAY_DAYS:
        raise ValidationError(f"long_delay is {long_delay}; Paluck et al.'s long delay is >= 180")
    base = with_societies(parameters or ModelParameters(), members=members, elite_share=elite_share)
    design = programme or evaluation_programme()
    end = design.first_step + design.days
    rows = []
    for replication in range(replications):
        simulation = Simulation(
            base, design, seed=replication_seed(seed, replication), record=False
        )
        simulation.advance(end + short_delay)
        elites = np.concatenate([simulation.population.indices(s, AgentRole.ELITE) for s in (0, 1)])
        treated = simulation.state.attended[elites] > 0
        short = cohens_d(
            simulation.state.group[elites][treated], simulation.state.group[elites][~treated]
        )
        individual = cohens_d(
            simulation.state.individual[elites][treated],
            simulation.state.individual[elites][~treated],
        )
        simulation.advance(long_delay - short_delay)
        long = cohens_d(
            simulation.state.group[elites][treated], simulation.state.group[elites][~treated]
        )
        rows.append((replication, short, long, individual))
    frame = pd.DataFrame(rows, columns=["replication", "short", "long", "individual_short"])
    return RandomisedEvaluation(
        short=Estimate.of(frame["short"].tolist()),
        long=Estimate.of(frame["long"].tolist()),
        individual_short=Estimate.of(frame["individual_short"].tolist()),
        replications=frame,
    )


# Schroeder & Risen (2016) -------------------------------------------------------------------


def coexistence_camp(participants_per_party: int = 40) -> Programme:
    """Return a coexistence camp: three weeks of daily joint sessions of two hours."""
    return Programme(
        workshops=1,
        first_step=10,
        days=21,
        hours_per_day=2.0,
        participants_per_party=participants_per_party,
        selection=SelectionRule.RANDOM,
        continuing=False,
        feedback_rounds=False,
        conditions=ConditionScores(0.7, 0.4, 0.8, 0.7, 0.6),
    )


@dataclass(frozen=True)
class ReentryPattern:
    """Participants' group image before, at the end of and after the programme.

    ``retained`` is the share of the gain still there at follow-up; ``*_tie`` and
    ``*_no_tie`` split participants by whether a close cross-group tie formed.
    """

    baseline: Estimate
    post: Estimate
    follow_up: Estimate
    retained: Estimate
    retained_tie: Estimate
    retained_no_tie: Estimate
    standing: Estimate
    replications: pd.DataFrame


def reentry_pattern(
    parameters: ModelParameters | None = None,
    programme: Programme | None = None,
    *,
    replications: int = 10,
    members: int = 2000,
    elite_share: float = 0.1,
    follow_up: int = 270,
    seed: int = 0,
) -> ReentryPattern:
    """Follow one programme's participants home for ``follow_up`` days.

    The default programme is :func:`coexistence_camp`; the default society has the strong
    identity of an internal conflict (0.8) unless ``parameters`` says otherwise.
    """
    _check_replications(replications)
    base = parameters or with_societies(ModelParameters(), identity_mean=0.8)
    base = with_societies(base, members=members, elite_share=elite_share)
    design = programme or coexistence_camp()
    end = design.first_step + design.days
    rows = []
    for replication in range(replications):
        simulation = Simulation(
            base, design, seed=replication_seed(seed, replication), record=False
        )
        simulation.advance(end)
        agents = simulation.participants
        state = simulation.state
        baseline = simulation.baseline_group[agents].astype(np.float64)
        post = state.group[agents].astype(np.float64)
        tie = state.tie[agents] > 0
        simulation.advance(follow_up)
        later = state.group[agents].astype(np.float64)
        gain, kept = post - baseline, later - baseline
        rows.append(
            (
                replication,
                baseline.mean(),
                post.mean(),
                later.mean(),
                kept.sum() / gain.sum(),
                kept[tie].sum() / gain[tie].sum() if tie.any() else math.nan,
                kept[~tie].sum() / gain[~tie].sum() if (~tie).any() else math.nan,
                float(np.mean(state.influence[agents] / simulation.population.influence[agents])),
            )
        )
    columns = [
        "replication",
        "baseline",
        "post",
        "follow_up",
        "retained",
        "retained_tie",
        "retained_no_tie",
        "standing",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    estimates = {c: Estimate.of(frame[c].dropna().tolist()) for c in columns[1:]}
    return ReentryPattern(**estimates, replications=frame)


# The seed's directions -----------------------------------------------------------------------


def programme_outcomes(
    parameters: ModelParameters | None = None,
    programme: Programme | None = None,
    *,
    steps: int = 365,
    replications: int = 10,
    seed: int = 0,
) -> pd.DataFrame:
    """Return what the programme left after ``steps`` days, one row per replication.

    Columns: ``replication`` and :data:`~tracktwo.engines.simulation.outcomes.OUTCOMES`.
    """
    _check_replications(replications)
    rows = []
    for replication in range(replications):
        simulation = Simulation(
            parameters, programme, seed=replication_seed(seed, replication), record=False
        )
        public_start = simulation.state.group.copy()
        simulation.advance(steps)
        rows.append({"replication": replication, **run_outcomes(simulation, public_start)})
    return pd.DataFrame(rows)


# Calibration criteria ------------------------------------------------------------------------


def pettigrew_tropp_misses(meta: ContactPrejudiceMeta) -> list[str]:
    """Return the Pettigrew & Tropp (2006) figures the simulated meta-analysis misses.

    Each pooled mean must lie within :data:`PT_TOLERANCE_R` of the paper's: all samples
    r = -.215, samples with Allport's conditions -.287, the others -.204.
    """
    targets = {"overall": PT_OVERALL_R, "optimal": PT_OPTIMAL_R, "other": PT_OTHER_R}
    found = {"overall": meta.overall, "optimal": meta.optimal, "other": meta.other}
    return [
        f"{name} r {found[name].mean:.3f}, not within {PT_TOLERANCE_R} of {target}"
        for name, target in targets.items()
        if not abs(found[name].mean - target) <= PT_TOLERANCE_R
    ]


def paluck_short_delay_misses(evaluation: RandomisedEvaluation) -> list[str]:
    """Return what the short-delay d misses of Paluck, Green & Green (2019).

    The mean d a week after one workshop must lie in 0.2-0.5 (the studies' span) and
    within :data:`PGG_TOLERANCE_D` of the pooled 0.39.
    """
    short = evaluation.short.mean
    misses = []
    if not 0.2 <= short <= 0.5:
        misses.append(f"short-delay d {short:.3f} outside 0.2-0.5")
    if not abs(short - PGG_POOLED_D) < PGG_TOLERANCE_D:
        misses.append(f"short-delay d {short:.3f} not within {PGG_TOLERANCE_D} of 0.39")
    return misses


def _pettigrew_tropp_check(parameters: ModelParameters, replications: int) -> list[str]:
    meta = contact_prejudice_meta(parameters, samples=replications, members=1500, seed=11)
    return pettigrew_tropp_misses(meta)


def _paluck_check(parameters: ModelParameters, replications: int) -> list[str]:
    return paluck_short_delay_misses(
        randomised_evaluation(parameters, replications=replications, seed=3)
    )


CalibrationCheck = Callable[[ModelParameters, int], list[str]]
CALIBRATION_CHECKS: dict[str, CalibrationCheck] = {
    "pettigrew-tropp-2006": _pettigrew_tropp_check,
    "paluck-green-green-2019-short-delay": _paluck_check,
}
"""Each calibration criterion by name: ``check(parameters, replications)`` runs the
simulated study on the calibration test's seed and returns the figures it misses (none when
the calibration holds). The labels of :mod:`.labels` name these."""
