"""The joint table as projected in the room: the open phase's board, large, for everyone.

What the screen shows, everyone in the room sees: so parties by name only, no person's
name, no party's preliminary drafts, nothing the third party hid or merged, and nothing
of the record keeping or the facilitators' interventions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.vocabulary import Phase
from tracktwo.services.access import require_manager
from tracktwo.services.phase_order import phase_states
from tracktwo.services.phases import Board, board
from tracktwo.services.results import Result
from tracktwo.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Projection(Result):
    """The open phases and their part of the joint board; ``concerns`` names, by id, every
    concern on the table (party and text), for the ideas that answer them."""

    title: str
    open: list[str]
    board: Board
    concerns: dict[str, str]


def projection(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> Projection:
    """Return what the projector shows: the board of the phases open now.

    Only the third party puts the room's screen up.
    """
    workshop = require_manager(uow, actor, workshop_id)
    states = phase_states(uow, actor, workshop_id)
    full = board(uow, actor, workshop_id)
    showing = {Phase(p) for p in states.open}
    shown = replace(
        full,
        concerns=full.concerns if Phase.ANALYSIS in showing else [],
        ideas=full.ideas if Phase.PROBLEM_SOLVING in showing else [],
        constraints=full.constraints if Phase.CONSTRAINTS in showing else [],
        reassurance_steps=full.reassurance_steps if Phase.REASSURANCE in showing else [],
        shared_vision=full.shared_vision if Phase.REASSURANCE in showing else [],
        interventions={},
        record=None,
    )
    return Projection(
        title=workshop.title,
        open=states.open,
        board=shown,
        concerns={c.id: f"{c.party}: {c.text}" for c in full.concerns},
    )
