"""The demo's first workshop: its third party, a snowball of candidates, their briefings
and an exact composition."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import numpy as np

from tracktwo.demo.island import FAMILY_NAMES, FIRST_NAMES, NORTH, ROLES, SOUTH
from tracktwo.demo.series import open_workshop
from tracktwo.domain.actors import Actor
from tracktwo.engines.composition import CompositionRules
from tracktwo.services import conflicts, recruitment, workshops
from tracktwo.services.recruitment import Member
from tracktwo.services.transaction import run
from tracktwo.store.database import Store


def _recruit(
    store: Store, actor: Actor, workshop_id: UUID, rng: np.random.Generator, start: date
) -> dict[str, list[UUID]]:
    by_party: dict[str, list[UUID]] = {}
    for party in (NORTH, SOUTH):
        ids: list[UUID] = []
        firsts, families = FIRST_NAMES[party], FAMILY_NAMES[party]
        for index, first in enumerate(firsts):
            family = families[index % len(families)]
            role = "scholar" if index == 0 else ROLES[int(rng.integers(len(ROLES)))]
            referrer = None if index == 0 else ids[(index - 1) // 3]
            added = run(
                store,
                recruitment.add_candidate,
                actor,
                workshop_id,
                party=party,
                name=f"{first} {family}",
                role=role,
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
            ids.append(added.id)
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


def compose_first_workshop(
    store: Store,
    operator: Actor,
    conflict_id: UUID,
    series_id: UUID,
    rng: np.random.Generator,
    start: date,
) -> tuple[UUID, list[Member], dict[str, list[Member]], dict[str, UUID]]:
    """Open the first workshop, recruit and brief candidates, compose it; return (workshop
    id, members, members per party, party ids)."""
    first = open_workshop(store, operator, conflict_id, series_id, "I", date(2031, 12, 31))
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
    run(
        store,
        recruitment.compose_workshop,
        operator,
        first,
        CompositionRules(
            per_party=4, max_status_gap=0.05, min_distinct_roles=3, required_roles={"scholar": 1}
        ),
    )
    members = run(store, recruitment.members, operator, first)
    by_party: dict[str, list[Member]] = {}
    for member in members:
        by_party.setdefault(member.party, []).append(member)
    party_ids = run(store, conflicts.party_ids, operator, conflict_id)
    return first, members, by_party, party_ids
