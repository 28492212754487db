"""A feedback round with planted votes whose right answer is known in advance.

Statement 0 stands at 17% in the Ilvan community and 80% in the Sorai community (100 votes
each): it divides them and is never common ground. Statement 1 stands at 80% / 82% with 100
votes each: both support it. Statement 2 has 3 votes in all: not enough votes yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.services import feedback, phases
from tracktwo.services.transaction import run
from tracktwo.store.database import Store

OPERATOR = Actor.operator()
AGREE = {"Ilvan community": (17, 80), "Sorai community": (80, 82)}
FEW = {"Ilvan community": 2, "Sorai community": 1}


@dataclass(frozen=True)
class PlantedRound:
    """The round, its community links, and its three statements' texts."""

    round_id: UUID
    links: dict[str, str]
    divisive: str
    shared: str
    few_votes: str


def plant_round(store: Store, workshop_id: UUID) -> PlantedRound:
    """Release three ideas of the workshop and cast the planted votes on them."""
    ideas = [UUID(i.id) for i in run(store, phases.board, OPERATOR, workshop_id).ideas]
    opened = run(
        store, feedback.release_ideas, OPERATOR, workshop_id, ideas[:3], title="Planted round"
    )
    shown = run(store, feedback.statements, OPERATOR, opened.round_id)
    ballots = []
    for community, shares in AGREE.items():
        for index in range(100):
            voter = run(store, feedback.join_round, opened.links[community])
            ballot = [
                (s.id, 1 if index < share else -1)
                for s, share in zip(shown[:2], shares, strict=True)
            ]
            if index < FEW[community]:
                ballot.append((shown[2].id, 1))
            ballots.append((voter, opened.round_id, ballot))
    outcomes = run(store, feedback.cast_vote_group, ballots)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    return PlantedRound(opened.round_id, opened.links, shown[0].text, shown[1].text, shown[2].text)
