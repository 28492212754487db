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

from tracktwo.engines.simulation.fused import BandDay, CompiledDay
from tracktwo.engines.simulation.mechanisms.contact import (
    EverydayContact,
    ExtendedContact,
    apply_contact,
    apply_negative_contact,
    condition_factor,
    contact_strength,
    negative_chance,
    split_episodes,
)
from tracktwo.engines.simulation.mechanisms.influence import (
    NetworkProduct,
    SocialInfluence,
    fade_convictions,
    susceptibility,
)
from tracktwo.engines.simulation.mechanisms.readiness import (
    breakdown_hazard,
    perception,
    readiness_to_negotiate,
)
from tracktwo.engines.simulation.mechanisms.reentry import Marginalisation
from tracktwo.engines.simulation.mechanisms.ripeness import add_costs, assess, bear_costs
from tracktwo.engines.simulation.mechanisms.transfer import (
    develop_ideas,
    feedback_round,
    transfer_to_decision_makers,
)
from tracktwo.engines.simulation.mechanisms.trust import TrustDynamics, visible_stance
from tracktwo.engines.simulation.parameters import ModelParameters
from tracktwo.engines.simulation.population import AgentRole, Population, build_population
from tracktwo.engines.simulation.programme import Programme, select_participants
from tracktwo.engines.simulation.recording import SUM_ROWS, BlockSums, Recorder
from tracktwo.engines.simulation.state import AgentState, SocietyState
from tracktwo.errors import ValidationError

ENGINE_VERSION = "simulation/1.1"

SeedLike = int | np.random.SeedSequence | np.random.Generator
_EMPTY = np.empty(0, dtype=np.int64)
_NO_MEANS = np.empty(0, dtype=np.float32)


@dataclass(frozen=True)
class SimulationResult:
    """One run: per-day frames, the day formal negotiation started, and the participants.

    ``images``: step, society, role (ordinary, elite, decision-maker, participant, all),
    count, individual_mean, individual_sd, group_mean, group_sd. ``societies``: step,
    society and the fields of :data:`~tracktwo.engines.simulation.recording.SOCIETY_FIELDS`.
    ``participants``: one row per participant with images at selection and at the end.
    ``negotiation_step`` is the first day negotiation started, None when it never did;
    ``breakdown_steps`` the days it broke down.
    """

    images: pd.DataFrame
    societies: pd.DataFrame
    participants: pd.DataFrame
    negotiation_step: int | None
    engine_version: str = ENGINE_VERSION
    breakdown_steps: tuple[int, ...] = ()


def _neighbours(
    matrix: Any, agents: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return the neighbours of ``agents`` (CSR rows, in order) and the position of each's agent."""
    starts = matrix.indptr[agents].astype(np.int64)
    degree = matrix.indptr[agents + 1].astype(np.int64) - starts
    owner = np.repeat(np.arange(agents.size, dtype=np.int64), degree)
    first = np.repeat(starts - np.concatenate(([0], np.cumsum(degree)[:-1])), degree)
    nodes = matrix.indices[first + np.arange(owner.size, dtype=np.int64)].astype(np.int64)
    return nodes, owner


_GROUP_SUMS = SUM_ROWS.index("group")
_IDEAS_SUMS = SUM_ROWS.index("ideas")


@dataclass(frozen=True)
class _AtHome:
    """The participants at home on a day, per society, with their marginalisation set up."""

    by_society: tuple[NDArray[np.int64], NDArray[np.int64]]
    marginalisation: Marginalisation


def _schedule(programme: Programme) -> tuple[dict[int, tuple[int, int]], frozenset[int]]:
    """Return the programme's session days (day -> workshop, day within it) and feedback days.

    The same days :meth:`Programme.workshop_on` and :meth:`Programme.feedback_on` name,
    listed once so that a day looks them up instead of recomputing them.
    """
    sessions = {
        programme.start_of(workshop) + day: (workshop, day)
        for workshop in range(programme.workshops)
        for day in range(programme.days)
    }
    feedback = frozenset(
        programme.start_of(workshop) + programme.days + programme.feedback_delay
        for workshop in range(programme.workshops)
        if programme.continuing and programme.feedback_rounds
    )
    return sessions, feedback


class Simulation:
    """A run in progress; :meth:`advance` moves it on, :meth:`result` reports it.

    ``compiled`` runs the network's part of each day in :mod:`~.fused`'s compiled passes
    (the same numbers as the numpy day): True the compact network's
    (:class:`~.fused.CompiledDay`), False none. By default (None) a small world packed into
    a band runs :class:`~.fused.BandDay`, a network too large to pack into one complex
    product :class:`~.fused.CompiledDay`, any other network the numpy day. With either,
    everyday contact, trust and marginalisation run compiled too.
    """

    def __init__(
        self,
        parameters: ModelParameters | None = None,
        programme: Programme | None = None,
        *,
        seed: SeedLike,
        record: bool = True,
        compiled: bool | None = None,
    ) -> None:
        self.parameters = parameters if parameters is not None else ModelParameters()
        self.programme = programme if programme is not None else Programme()
        self.rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.events = self.rng.spawn(1)[0]
        """The run's stream of events (costs, their jumps, breakdowns): nothing the
        programme does draws from it, so workshops act on perceptions, never on events."""
        self.population: Population = build_population(self.parameters, self.rng)
        self.state = AgentState.starting(self.population)
        self.societies = SocietyState(costs=[s.initial_costs for s in self.parameters.societies])
        assess(self.societies, self.parameters.societies, self.parameters.ripeness)
        self.step = 0
        self.negotiation_step: int | None = None
        self.negotiating = False
        self.breakdown_steps: list[int] = []
        self._armed = True
        self.participants = _EMPTY
        self.current = _EMPTY
        self.baseline_individual = np.full(self.population.size, np.nan, dtype=np.float32)
        self.baseline_group = np.full(self.population.size, np.nan, dtype=np.float32)
        self._by_society: tuple[NDArray[np.int64], NDArray[np.int64]] = (_EMPTY, _EMPTY)
        self._at_home: dict[bool, _AtHome] = {}
        self._network = NetworkProduct(self.population.within, self.population.rings)
        self._sums = BlockSums(self.population)
        self._decision_makers = tuple(
            self.population.block(society, AgentRole.DECISION_MAKER) for society in (0, 1)
        )
        self._influence = SocialInfluence(
            self._susceptibility(slice(None)), self.parameters.social_influence
        )
        mechanisms_on = self.parameters.mechanisms
        self._bridged, self._everyday, everyday_bad = self._everyday_contact()
        self._contact = EverydayContact(
            self._bridged,
            self._everyday,
            self.population.size,
            self.parameters.hypothesis_confirmation,
            confirm=self.parameters.mechanisms.hypothesis_confirmation,
            contact=self.parameters.contact,
            negative=negative_chance(
                self.parameters.contact.everyday_index, self.parameters.contact, everyday=True
            )
            if self.parameters.mechanisms.negative_contact
            else 0.0,
            negative_strength=everyday_bad,
        )
        self._extended = (
            ExtendedContact(
                self.population.within,
                self.population.cross_ties > 0,
                self.population.identity,
                self.parameters.contact,
            )
            if mechanisms_on.extended_contact
            else None
        )
        self._trust = TrustDynamics(
            self.state,
            (self.population.members(0), self.population.members(1)),
            self.parameters.trust,
            self.parameters.hypothesis_confirmation,
            confirm=mechanisms_on.hypothesis_confirmation,
        )
        fade = self.parameters.social_influence.conviction_decay
        self._fade = np.float32(fade)
        self._faded_anchor = (
            self._fade * np.stack([self.population.group_image, self.population.individual_image])
            if fade > 0.0
            else None
        )
        self._sessions, self._feedback_days = _schedule(self.programme)
        self._recorder = Recorder(self.population, self.parameters.ripeness) if record else None
        mechanisms = self.parameters.mechanisms
        band = self._network.band
        self._compiled: CompiledDay | BandDay | None = None
        if compiled is None and band is not None:
            self._compiled = BandDay(band, self._influence.keep, self._influence.pull)
        elif compiled or (compiled is None and not self._network.packed):
            self._compiled = CompiledDay(
                self.population.within, self._influence.keep, self._influence.pull
            )
        self._rates = self._compiled_rates()
        for _ in range(self.parameters.social_influence.burn_in):
            if self._compiled is not None:
                self._compiled.step(self.state, _EMPTY, self._rates)
                continue
            group, ideas = self._network.means(self.state)
            self._influence.step(self.state, group, ideas, _EMPTY, diffusion=mechanisms.diffusion)
        self._end_of_day()

    def _compiled_rates(self) -> NDArray[np.float32]:
        """Return the day's scalar rates as :func:`~.fused.pull_pieces` takes them."""
        social = self.parameters.social_influence
        diffusion = self.parameters.mechanisms.diffusion
        return np.array(
            [
                np.float32(social.conviction),
                np.float32(social.idea_spread) if diffusion else np.float32(0.0),
                np.float32(1.0 if diffusion else 0.0),
                np.float32(1.0 - social.idea_decay),
                np.float32(1.0) - self._fade,
            ],
            dtype=np.float32,
        )

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

    def _everyday_contact(
        self,
    ) -> tuple[NDArray[np.int64], NDArray[np.float32], NDArray[np.float32]]:
        """Return the bridged members and the strength of a good and of a bad day for each."""
        contact = self.parameters.contact
        if not self.parameters.mechanisms.everyday_contact or contact.everyday_hours_per_tie == 0:
            none = np.empty(0, dtype=np.float32)
            return _EMPTY, none, none
        bridged = np.flatnonzero(self.population.cross_ties > 0).astype(np.int64)
        hours = np.float32(contact.everyday_hours_per_tie) * self.population.cross_ties[bridged]
        identity = self.population.identity[bridged]
        return (
            bridged,
            contact_strength(hours, contact.everyday_index, identity, contact),
            contact_strength(hours, 1.0, identity, contact),
        )

    def advance(self, days: int = 1) -> None:
        """Run ``days`` more days."""
        for _ in range(days):
            self._day()

    def _day(self) -> None:
        parameters = self.parameters
        mechanisms = parameters.mechanisms
        state = self.state
        jumps = bear_costs(
            self.societies,
            parameters.societies,
            parameters.ripeness,
            self.events,
            on=mechanisms.ripeness,
        )
        if mechanisms.trust:
            for society, jump in enumerate(jumps):
                self._trust.event(
                    state, society, jump, parameters.societies[society].cost_jump_size
                )
        away = _EMPTY
        session = self._sessions.get(self.step)
        if session is not None:
            workshop, day = session
            if day == 0:
                self._open_workshop(workshop)
            away = self.current
            self._hold_session(workshop)
        if self.step in self._feedback_days:
            self._feedback()
        compiled = self._compiled is not None
        if self._bridged.size:
            self._contact.apply(state, self.rng, compiled=compiled)
        extended = self._extended is not None and self._extended.active
        group = _NO_MEANS
        if self._compiled is not None:
            self._compiled.step(
                state,
                away,
                self._rates,
                self._extended.strength if self._extended is not None and extended else None,
                self._faded_anchor,
            )
        else:
            if self._extended is not None and extended:
                self._extended.apply(state)
            if self._faded_anchor is not None:
                fade_convictions(state, self._faded_anchor, self._fade)
            group, ideas = self._network.means(state)
            self._influence.step(state, group, ideas, away, diffusion=mechanisms.diffusion)
        stances: tuple[float | None, float | None] = (None, None)
        if self.participants.size and (
            mechanisms.marginalisation or mechanisms.transfer or mechanisms.trust
        ):
            home = self._home(bool(away.size))
            if mechanisms.trust:
                stances = (
                    visible_stance(state, home.by_society[0]),
                    visible_stance(state, home.by_society[1]),
                )
                for society in (0, 1):
                    self._trust.confirm_statements(
                        state, home.by_society[society], stances[1 - society], compiled=compiled
                    )
            if mechanisms.marginalisation:
                if self._compiled is not None:
                    group = self._compiled.group_means(state, home.marginalisation.participants)
                home.marginalisation.apply(state, group, compiled=compiled)
            if mechanisms.transfer:
                for society in (0, 1):
                    self.societies.transferred[society] += transfer_to_decision_makers(
                        state,
                        home.by_society[society],
                        self._decision_makers[society],
                        parameters.transfer,
                        compiled=compiled,
                    )
        if mechanisms.trust:
            self._trust.daily(state, stances, compiled=compiled)
        self.step += 1
        self._end_of_day()

    def _home(self, away: bool) -> _AtHome:
        """Return the participants at home today (all but a session's), cached per set."""
        home = self._at_home.get(away)
        if home is None:
            at_home = (
                np.setdiff1d(self.participants, self.current, assume_unique=True)
                if away
                else self.participants
            )
            by_society = (
                (
                    np.intersect1d(self._by_society[0], at_home, assume_unique=True),
                    np.intersect1d(self._by_society[1], at_home, assume_unique=True),
                )
                if away
                else self._by_society
            )
            home = _AtHome(
                by_society,
                Marginalisation(
                    at_home,
                    _neighbours(self.population.within, at_home),
                    self.state.consulted,
                    self.population.home_identity,
                    self.population.influence,
                    self.parameters.reentry,
                ),
            )
            self._at_home[away] = home
        return home

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
        self._at_home.clear()

    def _hold_session(self, workshop: int) -> None:
        parameters = self.parameters
        programme = self.programme
        conditions = programme.conditions.at_series_position(programme.series_position(workshop))
        agents = self.current
        chance = negative_chance(conditions.index, parameters.contact, everyday=False)
        bad = split_episodes(
            agents, chance if parameters.mechanisms.negative_contact else 0.0, self.rng
        )
        if parameters.mechanisms.contact:
            strength = contact_strength(
                np.float32(programme.hours_per_day),
                conditions.index,
                self.population.identity[agents],
                parameters.contact,
            )
            apply_contact(
                self.state,
                agents[~bad],
                strength[~bad],
                parameters.hypothesis_confirmation,
                confirm=parameters.mechanisms.hypothesis_confirmation,
            )
            apply_negative_contact(
                self.state,
                agents[bad],
                contact_strength(
                    np.float32(programme.hours_per_day),
                    1.0,
                    self.population.identity[agents[bad]],
                    parameters.contact,
                ),
                parameters.contact,
                parameters.hypothesis_confirmation,
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
            if self._extended is not None:
                self._extended.befriend(befriended)

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
        self._at_home.clear()

    def _end_of_day(self) -> None:
        sums = self._sums(self.state)
        self._assess_readiness(sums)
        if self._recorder is not None:
            self._recorder.record(
                self.step,
                self.state,
                sums,
                self.societies,
                self.participants,
                self._by_society[0].size,
                self.negotiating,
            )

    def _assess_readiness(self, sums: NDArray[np.float64]) -> None:
        parameters = self.parameters
        societies = self.societies
        group, ideas = sums[_GROUP_SUMS].tolist(), sums[_IDEAS_SUMS].tolist()
        counts = self._sums.counts
        trusting = parameters.mechanisms.trust
        share = parameters.readiness.trust_share if trusting else 0.0
        trust = self.state.trust
        for society in (0, 1):
            first = 3 * society
            decision_makers = first + 2
            public = self.population.members(society)
            societies.trust[society] = float(trust[public].sum()) / (public.stop - public.start)
            leaders = self._decision_makers[society]
            leaders_trust = float(trust[leaders].sum()) / (leaders.stop - leaders.start)
            feeling = group[decision_makers] / counts[decision_makers]
            public_feeling = (group[first] + group[first + 1] + group[first + 2]) / (
                counts[first] + counts[first + 1] + counts[first + 2]
            )
            societies.perception[society] = perception(
                ideas[decision_makers] / counts[decision_makers],
                (1.0 - share) * feeling + share * leaders_trust,
                (1.0 - share) * public_feeling + share * societies.trust[society],
                parameters.readiness,
            )
            societies.readiness[society] = readiness_to_negotiate(
                societies.hurting[society],
                societies.perception[society],
                parameters.readiness,
                interests=parameters.mechanisms.interests,
            )
        self._negotiate(min(societies.readiness))

    def _negotiate(self, lowest: float) -> None:
        """Open, continue or break off negotiation on the lower side's readiness ``lowest``.

        Talks open the first day both sides reach the threshold; under way, they break down
        with :func:`breakdown_hazard` (one draw a day from the events stream, always taken),
        adding ``breakdown_cost`` to both sides' costs; after a breakdown they reopen only
        once readiness has fallen below the threshold and reached it again.
        """
        parameters = self.parameters
        mechanisms = parameters.mechanisms
        ready = lowest >= parameters.readiness.threshold
        draw = float(self.events.random())
        if self.negotiating:
            hazard = breakdown_hazard(lowest, parameters.readiness, interests=mechanisms.interests)
            if mechanisms.breakdown and draw < hazard:
                self.negotiating = False
                self._armed = False
                self.breakdown_steps.append(self.step)
                if mechanisms.trust:
                    self._trust.signal(self.state, -1.0)
                if mechanisms.ripeness:
                    add_costs(
                        self.societies,
                        parameters.societies,
                        parameters.ripeness,
                        parameters.ripeness.breakdown_cost,
                    )
        elif ready and self._armed:
            self.negotiating = True
            if mechanisms.trust:
                self._trust.signal(self.state, 1.0)
            if self.negotiation_step is None:
                self.negotiation_step = self.step
        if not ready:
            self._armed = True

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
                "trust": self.state.trust[where],
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
        return SimulationResult(
            images,
            societies,
            participants,
            self.negotiation_step,
            breakdown_steps=tuple(self.breakdown_steps),
        )


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
