"""The vectorised model: two societies, a programme of workshops, one day per step.

All per-agent state lives in numpy arrays and every mechanism acts on whole arrays or on
the few participants' indices; the network is carried by one sparse product a day. One
seeded ``numpy.random.Generator`` per run draws everything: the population, the
selection of participants, friendships and the day-to-day costs of the conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from tracktwo.engines.simulation.mechanisms.contact import (
    apply_contact,
    condition_factor,
    contact_strength,
)
from tracktwo.engines.simulation.mechanisms.influence import (
    NetworkProduct,
    SocialInfluence,
    susceptibility,
)
from tracktwo.engines.simulation.mechanisms.readiness import perception, readiness_to_negotiate
from tracktwo.engines.simulation.mechanisms.reentry import marginalise
from tracktwo.engines.simulation.mechanisms.ripeness import assess, bear_costs, in_stalemate
from tracktwo.engines.simulation.mechanisms.transfer import (
    develop_ideas,
    feedback_round,
    transfer_to_decision_makers,
)
from tracktwo.engines.simulation.parameters import ModelParameters
from tracktwo.engines.simulation.population import AgentRole, Population, build_population
from tracktwo.engines.simulation.programme import Programme, select_participants
from tracktwo.engines.simulation.recording import (
    DayStatistics,
    Recorder,
    block_starts,
    day_statistics,
)
from tracktwo.engines.simulation.state import AgentState, SocietyState
from tracktwo.errors import ValidationError

ENGINE_VERSION = "simulation/1.0"

SeedLike = int | np.random.SeedSequence | np.random.Generator
_EMPTY = np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class SimulationResult:
    """One run: per-day frames, the day formal negotiation started, and the participants.

    ``images``: step, society, role (ordinary, elite, decision-maker, participant, all),
    count, individual_mean, individual_sd, group_mean, group_sd. ``societies``: step,
    society and the fields of :data:`~tracktwo.engines.simulation.recording.SOCIETY_FIELDS`.
    ``participants``: one row per participant with images at selection and at the end.
    ``negotiation_step`` is None when negotiation never started.
    """

    images: pd.DataFrame
    societies: pd.DataFrame
    participants: pd.DataFrame
    negotiation_step: int | None
    engine_version: str = ENGINE_VERSION


def _neighbours(
    matrix: Any, agents: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    rows = matrix[agents]
    nodes = rows.indices.astype(np.int64)
    owner = np.repeat(np.arange(agents.size, dtype=np.int64), np.diff(rows.indptr))
    return nodes, owner


class Simulation:
    """A run in progress; :meth:`advance` moves it on, :meth:`result` reports it."""

    def __init__(
        self,
        parameters: ModelParameters | None = None,
        programme: Programme | None = None,
        *,
        seed: SeedLike,
        record: bool = True,
    ) -> None:
        self.parameters = parameters if parameters is not None else ModelParameters()
        self.programme = programme if programme is not None else Programme()
        self.rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.population: Population = build_population(self.parameters, self.rng)
        self.state = AgentState.starting(self.population)
        self.societies = SocietyState(costs=[s.initial_costs for s in self.parameters.societies])
        assess(self.societies, self.parameters.societies, self.parameters.ripeness)
        self.step = 0
        self.negotiation_step: int | None = None
        self.participants = _EMPTY
        self.current = _EMPTY
        self.baseline_individual = np.full(self.population.size, np.nan, dtype=np.float32)
        self.baseline_group = np.full(self.population.size, np.nan, dtype=np.float32)
        self._by_society: tuple[NDArray[np.int64], NDArray[np.int64]] = (_EMPTY, _EMPTY)
        self._neighbours: tuple[NDArray[np.int64], NDArray[np.int64]] = (_EMPTY, _EMPTY)
        self._network = NetworkProduct(self.population.within)
        self._starts = block_starts(self.population)
        self._counts = np.diff(np.append(self._starts, self.population.size)).astype(float).tolist()
        self._influence = SocialInfluence(
            self._susceptibility(slice(None)), self.parameters.social_influence
        )
        self._bridged, self._everyday = self._everyday_contact()
        self._recorder = Recorder(self.population) if record else None
        mechanisms = self.parameters.mechanisms
        for _ in range(self.parameters.social_influence.burn_in):
            group, ideas = self._network.means(self.state)
            self._influence.step(self.state, group, ideas, _EMPTY, diffusion=mechanisms.diffusion)
        self._end_of_day()

    def _susceptibility(self, where: slice | NDArray[np.int64]) -> NDArray[np.float32]:
        mechanisms = self.parameters.mechanisms
        return susceptibility(
            self.population.identity[where],
            self.state.tie[where],
            self.parameters.social_influence,
            self.parameters.reentry,
            diffusion=mechanisms.diffusion,
            reentry_pressure=mechanisms.reentry,
        )

    def _everyday_contact(self) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        contact = self.parameters.contact
        if not self.parameters.mechanisms.everyday_contact or contact.everyday_hours_per_tie == 0:
            return _EMPTY, np.empty(0, dtype=np.float32)
        bridged = np.flatnonzero(self.population.cross_ties > 0).astype(np.int64)
        hours = np.float32(contact.everyday_hours_per_tie) * self.population.cross_ties[bridged]
        identity = self.population.identity[bridged]
        return bridged, contact_strength(hours, contact.everyday_index, identity, contact)

    def advance(self, days: int = 1) -> None:
        """Run ``days`` more days."""
        for _ in range(days):
            self._day()

    def _day(self) -> None:
        parameters = self.parameters
        mechanisms = parameters.mechanisms
        state = self.state
        bear_costs(
            self.societies,
            parameters.societies,
            parameters.ripeness,
            self.rng,
            on=mechanisms.ripeness,
        )
        away = _EMPTY
        session = self.programme.workshop_on(self.step)
        if session is not None:
            workshop, day = session
            if day == 0:
                self._open_workshop(workshop)
            away = self.current
            self._hold_session(workshop)
        if self.programme.feedback_on(self.step):
            self._feedback()
        if self._bridged.size:
            apply_contact(
                state,
                self._bridged,
                self._everyday,
                parameters.hypothesis_confirmation,
                confirm=mechanisms.hypothesis_confirmation,
            )
        group, ideas = self._network.means(state)
        self._influence.step(state, group, ideas, away, diffusion=mechanisms.diffusion)
        home = np.setdiff1d(self.participants, away, assume_unique=True) if away.size else None
        if mechanisms.marginalisation and self.participants.size:
            at_home = self.participants if home is None else home
            neighbours = (
                self._neighbours if home is None else _neighbours(self.population.within, at_home)
            )
            marginalise(
                state,
                at_home,
                group,
                self.population.home_identity,
                self.population.influence,
                neighbours,
                parameters.reentry,
            )
        if mechanisms.transfer:
            for society in (0, 1):
                members = self._by_society[society]
                if home is not None:
                    members = np.intersect1d(members, home, assume_unique=True)
                self.societies.transferred[society] += transfer_to_decision_makers(
                    state,
                    members,
                    self.population.block(society, AgentRole.DECISION_MAKER),
                    parameters.transfer,
                )
        self.step += 1
        self._end_of_day()

    def _open_workshop(self, workshop: int) -> None:
        programme = self.programme
        if not (programme.continuing and workshop > 0 and self.current.size):
            chosen = []
            for society in (0, 1):
                elites = self.population.indices(society, AgentRole.ELITE)
                candidates = elites[self.state.attended[elites] == 0]
                chosen.append(
                    select_participants(
                        programme.selection,
                        programme.participants_per_party,
                        candidates,
                        self.state.influence,
                        self.state.group,
                        self.rng,
                    )
                )
            self.current = np.concatenate(chosen)
            self.baseline_individual[self.current] = self.state.individual[self.current]
            self.baseline_group[self.current] = self.state.group[self.current]
        self.state.attended[self.current] += 1
        self.participants = np.union1d(self.participants, self.current)
        split = self.population.bounds[1][0]
        self._by_society = (
            self.participants[self.participants < split],
            self.participants[self.participants >= split],
        )
        self._neighbours = _neighbours(self.population.within, self.participants)

    def _hold_session(self, workshop: int) -> None:
        parameters = self.parameters
        programme = self.programme
        conditions = programme.conditions.at_series_position(programme.series_position(workshop))
        agents = self.current
        if parameters.mechanisms.contact:
            strength = contact_strength(
                np.float32(programme.hours_per_day),
                conditions.index,
                self.population.identity[agents],
                parameters.contact,
            )
            apply_contact(
                self.state,
                agents,
                strength,
                parameters.hypothesis_confirmation,
                confirm=parameters.mechanisms.hypothesis_confirmation,
            )
        develop_ideas(
            self.state,
            agents,
            condition_factor(conditions.index, parameters.contact),
            parameters.transfer,
        )
        draws = self.rng.random(agents.size)
        chance = parameters.contact.friendship_per_day * conditions.intimacy
        befriended = agents[(self.state.tie[agents] == 0) & (draws < chance)]
        if befriended.size:
            self.state.tie[befriended] = 1.0
            self._influence.set_pull(befriended, self._susceptibility(befriended))

    def _feedback(self) -> None:
        programme = self.programme
        last = (self.step - programme.first_step) // max(1, programme.interval)
        position = programme.series_position(min(last, programme.workshops - 1))
        conditions = programme.conditions.at_series_position(position)
        parameters = self.parameters
        feedback_round(
            self.state,
            self.current,
            _neighbours(self.population.within, self.current),
            self.population.identity,
            conditions.index,
            parameters.transfer,
            parameters.contact,
            parameters.hypothesis_confirmation,
            confirm=parameters.mechanisms.hypothesis_confirmation,
        )

    def _end_of_day(self) -> None:
        statistics = day_statistics(self.state, self._starts, self._counts)
        self._assess_readiness(statistics)
        if self._recorder is not None:
            self._recorder.record(
                self.step,
                self.state,
                statistics,
                self.societies,
                self._by_society,
                self.negotiation_step is not None,
                in_stalemate(self.societies, self.parameters.ripeness),
            )

    def _assess_readiness(self, statistics: DayStatistics) -> None:
        parameters = self.parameters
        societies = self.societies
        for society in (0, 1):
            first = 3 * society
            societies.perception[society] = perception(
                statistics.mean_ideas(first + 2, first + 3),
                statistics.mean_group(first + 2, first + 3),
                statistics.mean_group(first, first + 3),
                parameters.readiness,
            )
            societies.readiness[society] = readiness_to_negotiate(
                societies.hurting[society],
                societies.perception[society],
                parameters.readiness,
                interests=parameters.mechanisms.interests,
            )
        ready = min(societies.readiness) >= parameters.readiness.threshold
        if self.negotiation_step is None and ready:
            self.negotiation_step = self.step

    def survey(self, agents: NDArray[np.int64] | None = None) -> pd.DataFrame:
        """Return one row per agent (all by default): role, images, identity, ties, ideas."""
        population = self.population
        where = np.arange(population.size) if agents is None else np.asarray(agents)
        role = np.zeros(population.size, dtype=np.int8)
        for society in (0, 1):
            for kind in AgentRole:
                role[population.block(society, kind)] = kind
        return pd.DataFrame(
            {
                "agent": where,
                "society": np.asarray(population.names)[population.society_of(where)],
                "role": np.asarray([r.label for r in AgentRole])[role[where]],
                "individual": self.state.individual[where],
                "group": self.state.group[where],
                "identity": population.identity[where],
                "influence": self.state.influence[where],
                "standing": self.state.influence[where] / population.influence[where],
                "ideas": self.state.ideas[where],
                "tie": self.state.tie[where],
                "attended": self.state.attended[where],
                "cross_ties": population.cross_ties[where],
            }
        )

    def result(self) -> SimulationResult:
        """Return the frames recorded so far."""
        if self._recorder is None:
            empty = pd.DataFrame()
            images, societies = empty, empty
        else:
            images = self._recorder.images_frame()
            societies = self._recorder.societies_frame()
        participants = self.survey(self.participants)
        participants.insert(
            4, "individual_at_selection", self.baseline_individual[self.participants]
        )
        participants.insert(5, "group_at_selection", self.baseline_group[self.participants])
        for frame in (images, societies, participants):
            frame.attrs["engine_version"] = ENGINE_VERSION
        return SimulationResult(images, societies, participants, self.negotiation_step)


def simulate(
    parameters: ModelParameters | None = None,
    programme: Programme | None = None,
    *,
    steps: int,
    seed: SeedLike,
) -> SimulationResult:
    """Run the model for ``steps`` days from ``seed`` and return its frames."""
    if steps < 0:
        raise ValidationError(f"steps is {steps}; give 0 or more days")
    simulation = Simulation(parameters, programme, seed=seed)
    simulation.advance(steps)
    return simulation.result()
