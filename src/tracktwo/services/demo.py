"""A realistic demonstration: an island divided between two communities (all names invented).

The scenario runs the whole lifecycle: a conflict profile, two years of ripeness assessments,
a snowball of 22 candidates per side, briefings, an exact composition, the schedule, the four
phases, surveys before, after and six months later, re-entry follow-up, transfers to policy,
and the next workshop of the series starting from the first one's ideas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

import numpy as np

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.domain.vocabulary import Measure, Role
from tracktwo.engines.composition import CompositionRules
from tracktwo.errors import ValidationError
from tracktwo.services import (
    commonground_rounds,
    conflicts,
    feedback,
    phases,
    recruitment,
    schedule,
    signin,
    surveys,
    transfers,
    workshops,
)
from tracktwo.services.demo_island import (
    CONCERNS,
    FAMILY_NAMES,
    FIRST_NAMES,
    IDEAS,
    ISLAND,
    NORTH,
    ROLES,
    SOUTH,
)
from tracktwo.services.reports import workshop_report
from tracktwo.services.transaction import run
from tracktwo.store.database import Store


@dataclass
class DemoIds:
    """The identifiers a demo run created."""

    conflict: UUID
    series: UUID
    first_workshop: UUID
    next_workshop: UUID
    feedback_round: UUID


def _ripeness_history(store: Store, actor: Actor, conflict_id: UUID, start: date) -> None:
    # Sorai leaders conclude they cannot win alone after a costly year (the stalemate starts);
    # the Ilvan side reaches the same conclusion later (the stalemate is completed).
    history = {
        NORTH: [
            (True, 0.20),
            (True, 0.30),
            (True, 0.35),
            (True, 0.45),
            (True, 0.55),
            (False, 0.60),
            (False, 0.70),
            (False, 0.72),
        ],
        SOUTH: [
            (True, 0.30),
            (True, 0.40),
            (True, 0.55),
            (False, 0.60),
            (False, 0.65),
            (False, 0.70),
            (False, 0.75),
            (False, 0.78),
        ],
    }
    for quarter in range(8):
        on = start + timedelta(days=91 * quarter)
        for party, series in history.items():
            can_win, pain = series[quarter]
            run(
                store,
                conflicts.record_ripeness,
                actor,
                conflict_id,
                party=party,
                assessed_on=on,
                believes_can_win_alone=can_win,
                stalemate_pain=pain,
                basis="quarterly reading of leaders' statements and interviews",
            )


def _recruit(
    store: Store, actor: Actor, workshop_id: UUID, rng: np.random.Generator, start: date
) -> dict[str, list[UUID]]:
    by_party: dict[str, list[UUID]] = {}
    for party in (NORTH, SOUTH):
        ids: list[UUID] = []
        firsts, families = FIRST_NAMES[party], FAMILY_NAMES[party]
        for index, first in enumerate(firsts):
            family = families[index % len(families)]
            role = Role.SCHOLAR if index == 0 else ROLES[int(rng.integers(len(ROLES)))]
            referrer = None if index == 0 else ids[(index - 1) // 3]
            candidate_id = run(
                store,
                recruitment.add_candidate,
                actor,
                workshop_id,
                party=party,
                name=f"{first} {family}",
                role=role.value,
                influence=float(np.round(rng.uniform(0.3, 0.95), 2)),
                credibility=float(np.round(rng.uniform(0.35, 0.95), 2)),
                openness=float(np.round(rng.uniform(0.3, 0.95), 2)),
                status=float(np.round(rng.uniform(0.45, 0.9), 2)),
                email=f"{first.lower()}.{family.lower()}@example.org",
                phone=f"+99 {rng.integers(100, 999)} {rng.integers(1000, 9999)}",
                notes=f"{first} {family} asked that the approach go through a colleague.",
                key_person=index == 0,
                leadership_approval=bool(rng.random() < 0.5),
                referred_by=referrer,
                referred_on=start + timedelta(days=7 * index),
            )
            ids.append(candidate_id)
        by_party[party] = ids
    return by_party


def _brief(
    store: Store, actor: Actor, ids: dict[str, list[UUID]], rng: np.random.Generator, on: date
) -> None:
    for party_ids in ids.values():
        for index, candidate_id in enumerate(party_ids):
            draw = rng.random()
            commitment = (
                "given" if draw < 0.7 or index == 0 else ("declined" if draw < 0.85 else "pending")
            )
            run(
                store,
                recruitment.record_briefing,
                actor,
                candidate_id,
                held_on=on + timedelta(days=index),
                purposes=True,
                procedures=True,
                ground_rules=[
                    "privacy",
                    "no-attribution",
                    "no-fault",
                    "equality",
                    "address-each-other",
                    "analytic-not-polemic",
                ],
                commitment=commitment,
                notes="Discussed the academic setting and that no agreement is expected.",
            )


def _phases(
    store: Store,
    workshop_id: UUID,
    members: dict[str, list[dict[str, Any]]],
    party_ids: dict[str, UUID],
    rng: np.random.Generator,
) -> list[UUID]:
    def as_member(party: str, index: int = 0) -> Actor:
        member = members[party][index % len(members[party])]
        return Actor.participant(UUID(member["member_id"]), workshop_id, party_ids[party])

    operator = Actor.operator()
    run(
        store, phases.log_intervention, operator, workshop_id, phase="analysis", kind="ground-rules"
    )
    concern_ids: dict[str, list[UUID]] = {}
    for party, items in CONCERNS.items():
        concern_ids[party] = []
        for index, (kind, need, text) in enumerate(items):
            concern_id = run(
                store,
                phases.state_concern,
                as_member(party, index),
                workshop_id,
                kind=kind,
                text=text,
                basic_need=need,
                space="preliminary",
            )
            run(store, phases.table_concern, as_member(party, index), concern_id)
            concern_ids[party].append(concern_id)
    other = {NORTH: SOUTH, SOUTH: NORTH}
    for party, ids in concern_ids.items():
        for index, concern_id in enumerate(ids):
            listener = other[party]
            ack = run(
                store,
                phases.acknowledge_concern,
                as_member(listener, index + 1),
                concern_id,
                restatement=f"As we understand it, your concern is {CONCERNS[party][index][2]}.",
            )
            # The last restatement of each side misses the point at first and is redone.
            satisfied = index < len(ids) - 1
            run(
                store,
                phases.confirm_acknowledgement,
                as_member(party, index),
                ack,
                satisfied=satisfied,
            )
            if not satisfied:
                retry = run(
                    store,
                    phases.acknowledge_concern,
                    as_member(listener, index + 2),
                    concern_id,
                    restatement=f"You are saying that {CONCERNS[party][index][2]} matters "
                    "because it decides whether your children see a future here.",
                )
                run(
                    store,
                    phases.confirm_acknowledgement,
                    as_member(party, index),
                    retry,
                    satisfied=True,
                )
    run(
        store,
        phases.log_intervention,
        operator,
        workshop_id,
        phase="analysis",
        kind="redirect-to-each-other",
    )
    run(
        store,
        phases.log_intervention,
        operator,
        workshop_id,
        phase="analysis",
        kind="analytic-not-polemic",
    )
    idea_ids = []
    for number, (text, answers) in enumerate(IDEAS):
        proposer = NORTH if number % 2 == 0 else SOUTH
        idea_id = run(
            store,
            phases.propose_idea,
            as_member(proposer, number),
            workshop_id,
            text=text,
            answers=[concern_ids[p][i] for p, i in answers],
        )
        idea_ids.append(idea_id)
    # The first three ideas answer both sides' needs; the fourth only the Sorai side's.
    appeal = {NORTH: [4.3, 3.9, 4.1, 2.2], SOUTH: [4.0, 4.4, 3.8, 4.6]}
    for party, means in appeal.items():
        for member_index in range(len(members[party])):
            for idea_id, mean in zip(idea_ids, means, strict=True):
                value = int(np.clip(np.rint(rng.normal(mean, 0.6)), 1, 5))
                run(store, phases.rate_idea, as_member(party, member_index), idea_id, value=value)
    run(
        store,
        phases.log_intervention,
        operator,
        workshop_id,
        phase="problem-solving",
        kind="clarify",
    )
    run(
        store,
        phases.name_constraint,
        as_member(NORTH, 0),
        workshop_id,
        kind="political",
        text="Any talk of return is framed at home as surrendering land",
    )
    run(
        store,
        phases.name_constraint,
        as_member(SOUTH, 1),
        workshop_id,
        kind="psychological",
        text="Fear that acknowledging Ilvan losses denies our own",
    )
    run(
        store,
        phases.name_constraint,
        as_member(SOUTH, 2),
        workshop_id,
        kind="political",
        text="Elections next spring punish any visible contact",
    )
    run(
        store,
        phases.log_intervention,
        operator,
        workshop_id,
        phase="constraints",
        kind="de-escalate",
    )
    run(
        store,
        phases.add_reassurance_step,
        as_member(NORTH, 1),
        workshop_id,
        who="Ilvan members of the island assembly",
        what="stop using the word 'invaders' in assembly debates",
        when="before the next session",
    )
    run(
        store,
        phases.add_reassurance_step,
        as_member(SOUTH, 0),
        workshop_id,
        who="Sorai editors in the workshop",
        what="publish an interview with an Ilvan teacher on the language question",
        when="within three months",
    )
    vision = run(
        store,
        phases.add_shared_vision,
        as_member(NORTH, 2),
        workshop_id,
        text="An island where children of both communities learn both languages and "
        "share one water board",
    )
    run(store, phases.endorse_shared_vision, as_member(SOUTH, 2), vision)
    run(
        store, phases.log_intervention, operator, workshop_id, phase="reassurance", kind="summarise"
    )
    return idea_ids


def _surveys(
    store: Store,
    actor: Actor,
    workshop_id: UUID,
    members: dict[str, list[dict[str, Any]]],
    rng: np.random.Generator,
    joint_day: date,
) -> int:
    # Individuals met improve a lot; the group image moves less (hypothesis confirmation);
    # six months later part of the gain is lost at home (re-entry).
    waves = {
        "pre": (0.0, joint_day - timedelta(days=10)),
        "post": (1.0, joint_day + timedelta(days=4)),
        "follow-up": (0.6, joint_day + timedelta(days=183)),
    }
    # (baseline, gain at post, spread): a participant's answers vary between waves by about
    # the size of the gain, so paired effects come out near d = 1 for individuals met.
    shifts = {
        Measure.THERMOMETER_INDIVIDUALS: (35.0, 15.0, 14.0),
        Measure.THERMOMETER_GROUP: (30.0, 5.0, 14.0),
        Measure.TRUST_INDIVIDUALS: (2.8, 1.1, 1.0),
        Measure.TRUST_GROUP: (2.5, 0.4, 1.0),
        Measure.SOLUTION_WITHIN_REACH: (2.6, 1.0, 1.0),
        Measure.DEHUMANISATION: (4.8, -0.9, 1.0),
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["participant", "wave", "measure", "value", "taken_on"])
    for party_members in members.values():
        for member in party_members:
            person = {m: rng.normal(0, spread) for m, (_, _, spread) in shifts.items()}
            for wave, (share, taken_on) in waves.items():
                for measure, (base, gain, spread) in shifts.items():
                    noise = rng.normal(0, spread / 2)
                    value = base + person[measure] + share * gain + noise
                    low, high = (0, 100) if "thermometer" in measure.value else (1, 7)
                    value = float(np.clip(np.round(value, 1), low, high))
                    writer.writerow(
                        [member["member_id"], wave, measure.value, value, taken_on.isoformat()]
                    )
    return run(store, surveys.import_survey_file, actor, workshop_id, buffer.getvalue())


# Share of each community agreeing with each released idea, in the order of IDEAS: the
# communities mostly share the workshop's judgement, and split on the port licences.
COMMUNITY_AGREEMENT = {NORTH: (0.8, 0.65, 0.75, 0.2), SOUTH: (0.75, 0.8, 0.7, 0.85)}
RESPONDENTS_PER_COMMUNITY = 60


def _feedback_round(
    store: Store,
    operator: Actor,
    workshop_id: UUID,
    idea_ids: list[UUID],
    rng: np.random.Generator,
) -> UUID:
    opened = run(
        store,
        feedback.release_ideas,
        operator,
        workshop_id,
        idea_ids,
        title="What do you make of these ideas?",
    )
    statements = run(store, feedback.statements, operator, opened.round_id)
    ballots = []
    for community, shares in COMMUNITY_AGREEMENT.items():
        for _ in range(RESPONDENTS_PER_COMMUNITY):
            respondent = run(store, feedback.join_round, opened.links[community])
            draws = rng.random(len(shares))
            ballot = [
                (statement["id"], 1 if draw < share else (0 if draw < share + 0.1 else -1))
                for statement, share, draw in zip(statements, shares, draws, strict=True)
            ]
            ballots.append((respondent, opened.round_id, ballot))
    run(store, feedback.cast_vote_group, ballots)
    run(store, commonground_rounds.analyse_round, operator, opened.round_id, seed=7)
    return opened.round_id


def build_demo(
    store: Store, *, seed: int = 7, progress: Callable[[str], None] | None = None
) -> DemoIds:
    """Build the island scenario in ``store`` and return what it created."""
    step = progress or (lambda _message: None)
    rng = np.random.default_rng(seed)
    operator = Actor.operator("demo")
    start = date(2024, 1, 15)
    step("conflict profile and ripeness")
    conflict_id = run(
        store,
        conflicts.create_conflict,
        operator,
        name=f"The {ISLAND} question",
        parties=[NORTH, SOUTH],
        stage="pre-negotiation",
        kind="internal-identity",
        misperception_share=0.55,
        context=f"{ISLAND} has been divided along a buffer line since 1974; talks broke down in "
        "2019 and officials of the two administrations do not meet.",
        diagnosis_note="Land and return are a real clash of interests; much of the rest is "
        "mutual fear fed by enemy images.",
    )
    _ripeness_history(store, operator, conflict_id, start)
    series_id = run(
        store, workshops.create_series, operator, conflict_id, name=f"{ISLAND} continuing workshop"
    )
    step("first workshop: third party, snowball, briefings")
    first = run(
        store,
        workshops.create_workshop,
        operator,
        conflict_id,
        title=f"{ISLAND} problem-solving workshop I",
        per_party=4,
        venue="Centre for Conflict Analysis, Lindqvist University (neutral academic setting)",
        series_id=series_id,
        retention_until=date(2031, 12, 31),
    )
    for name, lead, scores in (
        ("Dr. Maren Holloway", True, (0.9, 0.85, 0.8)),
        ("Prof. Tobias Wren", False, (0.85, 0.8, 0.85)),
    ):
        run(
            store,
            workshops.add_facilitator,
            operator,
            first,
            name=name,
            lead=lead,
            impartiality=scores[0],
            communication=scores[1],
            sensitivity=scores[2],
            credibility={NORTH: 0.8, SOUTH: 0.75},
        )
    recruited = _recruit(store, operator, first, rng, start + timedelta(days=540))
    _brief(store, operator, recruited, rng, start + timedelta(days=640))
    step("composition")
    run(
        store,
        recruitment.compose_workshop,
        operator,
        first,
        CompositionRules(
            per_party=4, max_status_gap=0.05, min_distinct_roles=3, required_roles={Role.SCHOLAR: 1}
        ),
    )
    members = run(store, recruitment.members, operator, first)
    by_party: dict[str, list[dict[str, Any]]] = {}
    for member in members:
        by_party.setdefault(member["party"], []).append(member)
    party_ids = run(store, conflicts.party_ids, conflict_id)
    step("schedule")
    joint_day = start + timedelta(days=700)
    for offset, party in enumerate((NORTH, SOUTH)):
        run(
            store,
            schedule.schedule_session,
            operator,
            first,
            kind="preliminary",
            party=party,
            hours=4.5,
            starts_at=datetime.combine(joint_day - timedelta(days=2 - offset), datetime.min.time())
            + timedelta(hours=9),
        )
    session_ids = [
        run(
            store,
            schedule.schedule_session,
            operator,
            first,
            kind="joint",
            hours=7.0,
            starts_at=datetime.combine(joint_day + timedelta(days=day), datetime.min.time())
            + timedelta(hours=9),
        )
        for day in range(3)
    ]
    step("the four phases")
    idea_ids = _phases(store, first, by_party, party_ids, rng)
    for session_id in session_ids:
        for party, party_members in by_party.items():
            for member in party_members:
                actor = Actor.participant(UUID(member["member_id"]), first, party_ids[party])
                value = float(np.clip(np.rint(rng.normal(4.1, 0.6)), 1, 5))
                run(store, schedule.rate_session, actor, session_id, value=value)
    step("surveys before, after and six months later")
    _surveys(store, operator, first, by_party, rng, joint_day)
    step("re-entry and transfers")
    for party, party_members in by_party.items():
        for index, member in enumerate(party_members):
            pressure = float(np.round(rng.uniform(0.2, 0.9), 2))
            run(
                store,
                surveys.record_reentry,
                operator,
                UUID(member["member_id"]),
                followed_up_on=joint_day + timedelta(days=183),
                ingroup_pressure=pressure,
                marginalisation=float(np.round(pressure * rng.uniform(0.2, 0.9), 2)),
                publicly_exposed=party == SOUTH and index == 0,
            )
    run(
        store,
        transfers.log_transfer,
        operator,
        idea_ids[0],
        channel="decision-maker",
        recipient="Ilvan deputy minister of the interior",
        occurred_on=joint_day + timedelta(days=30),
        result="considered",
    )
    run(
        store,
        transfers.log_transfer,
        operator,
        idea_ids[2],
        channel="negotiation-text",
        recipient="draft agenda of the UN-hosted exploratory talks",
        occurred_on=joint_day + timedelta(days=120),
        result="adopted",
    )
    run(
        store,
        transfers.log_transfer,
        operator,
        idea_ids[1],
        channel="media",
        recipient="op-ed in the Sorai daily 'Liman'",
        occurred_on=joint_day + timedelta(days=45),
        result="pending",
    )
    step("a community feedback round on the released ideas")
    round_id = _feedback_round(store, operator, first, idea_ids, rng)
    step("the next workshop of the series")
    second = run(
        store,
        workshops.create_workshop,
        operator,
        conflict_id,
        title=f"{ISLAND} problem-solving workshop II",
        per_party=4,
        venue="Centre for Conflict Analysis, Lindqvist University (neutral academic setting)",
        series_id=series_id,
        retention_until=date(2032, 12, 31),
    )
    run(
        store,
        workshops.add_facilitator,
        operator,
        second,
        name="Dr. Maren Holloway",
        lead=True,
        impartiality=0.9,
        communication=0.85,
        sensitivity=0.8,
        credibility={NORTH: 0.82, SOUTH: 0.8},
    )
    run(
        store,
        workshops.carry_ideas,
        operator,
        second,
        actions=run(store, commonground_rounds.carry_actions, operator, round_id),
    )
    returning = run(
        store,
        recruitment.invite_returning,
        operator,
        second,
        [UUID(m["candidate_id"]) for m in members],
    )
    for candidate_id in returning:
        run(
            store,
            recruitment.record_briefing,
            operator,
            candidate_id,
            held_on=joint_day + timedelta(days=200),
            purposes=True,
            procedures=True,
            ground_rules=["privacy", "no-attribution", "no-fault", "equality"],
            commitment="given",
        )
    run(
        store,
        recruitment.compose_workshop,
        operator,
        second,
        CompositionRules(per_party=4, max_status_gap=0.1, min_distinct_roles=2),
    )
    for offset, party in enumerate((NORTH, SOUTH)):
        run(
            store,
            schedule.schedule_session,
            operator,
            second,
            kind="preliminary",
            party=party,
            hours=5.0,
            starts_at=datetime.combine(
                joint_day + timedelta(days=238 + offset), datetime.min.time()
            )
            + timedelta(hours=9),
        )
    for day in range(4):
        run(
            store,
            schedule.schedule_session,
            operator,
            second,
            kind="joint",
            hours=6.5,
            starts_at=datetime.combine(joint_day + timedelta(days=240 + day), datetime.min.time())
            + timedelta(hours=9),
        )
    return DemoIds(conflict_id, series_id, first, second, round_id)


def demo_report(store: Store, ids: DemoIds, *, reveal_names: bool = False) -> dict[str, Any]:
    """Return the JSON report of a demo run: the first workshop whole, the next one's start.

    Names only with ``reveal_names`` (each read audited).
    """
    operator = Actor.operator("demo")
    first = run(store, workshop_report, operator, ids.first_workshop, reveal_names=reveal_names)
    second = run(store, workshop_report, operator, ids.next_workshop, reveal_names=reveal_names)
    return {
        **first,
        "feedback_round": run(
            store, commonground_rounds.latest_analysis, operator, ids.feedback_round
        ),
        "next_workshop": {
            "workshop": second["workshop"],
            "members": second["members"],
            "carried_ideas": second["board"]["ideas"],
            "schedule": second["schedule"],
        },
    }


def is_loaded(store: Store) -> bool:
    """Say whether the data folder already holds a composed workshop (the demo or real work),
    so that ``tracktwo run`` loads the demo only into an empty folder."""
    from tracktwo.services.reports import composed_workshops

    return bool(run(store, composed_workshops))


def latest_composed_workshop(store: Store) -> UUID:
    """Return the most recent workshop whose facilitators the console should open on."""
    from tracktwo.services.reports import composed_workshops

    found = run(store, composed_workshops)
    if not found:
        raise ValidationError("no composed workshop in this data folder: run `tracktwo demo`")
    return found[0]


def facilitator_link(store: Store, workshop_id: UUID) -> str:
    """Return a one-time sign-in link token for the workshop's lead facilitator."""
    operator = Actor.operator()
    lead = run(store, workshops.facilitators_of, operator, workshop_id)[0]
    return run(
        store,
        signin.create_link,
        operator,
        workshop_id,
        kind=ActorKind.FACILITATOR,
        subject_id=lead,
    ).token
