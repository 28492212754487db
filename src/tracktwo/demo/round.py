"""The demo's community feedback round on the released ideas."""

from __future__ import annotations

from uuid import UUID

import numpy as np

from tracktwo.demo.island import NORTH, SOUTH
from tracktwo.domain.actors import Actor
from tracktwo.services import commonground_rounds, feedback
from tracktwo.services.transaction import run
from tracktwo.store.database import Store

# Share of each community agreeing with each released idea, in the order of IDEAS: the
# communities mostly share the workshop's judgement, and split on the port licences.
COMMUNITY_AGREEMENT = {NORTH: (0.8, 0.65, 0.75, 0.2), SOUTH: (0.75, 0.8, 0.7, 0.85)}
RESPONDENTS_PER_COMMUNITY = 60


def feedback_round(
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
                (statement.id, 1 if draw < share else (0 if draw < share + 0.1 else -1))
                for statement, share, draw in zip(statements, shares, draws, strict=True)
            ]
            ballots.append((respondent, opened.round_id, ballot))
    run(store, feedback.cast_vote_group, ballots)
    run(store, commonground_rounds.analyse_round, operator, opened.round_id, seed=7)
    return opened.round_id
