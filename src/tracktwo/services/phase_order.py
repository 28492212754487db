"""The third party opens and closes the four phases, in order (elements 10-13).

One phase is open at a time, and none is skipped (:mod:`tracktwo.domain.phase_order`);
participants contribute only to the open phase (services/phases.py refuses the rest). Each
opening is kept with when it opened and closed. A workshop stored before phases were
opened (migration 0011) has all four open until a facilitator closes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.phase_order import PHASE_ORDER, require_openable
from tracktwo.domain.rules import require_choice
from tracktwo.domain.vocabulary import Phase
from tracktwo.errors import RuleViolation
from tracktwo.services.access import require_manager, require_reader
from tracktwo.services.results import Result
from tracktwo.store.models import PhaseOpeningRow
from tracktwo.store.unit_of_work import UnitOfWork, now


@dataclass(frozen=True)
class PhaseState(Result):
    """One phase: ``not-reached``, ``open`` or ``closed``, and when it last opened and closed."""

    phase: str
    state: str
    opened_at: str | None
    closed_at: str | None


@dataclass(frozen=True)
class PhaseStates(Result):
    """The four phases in order, the ones open now, and the one to open next (None after
    the last)."""

    phases: list[PhaseState]
    open: list[str]
    next: str | None


def phase_states(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> PhaseStates:
    """Return where the workshop is in its four phases."""
    require_reader(uow, actor, workshop_id)
    last: dict[Phase, PhaseOpeningRow] = {}
    for opening in uow.phase_openings.of_workshop(workshop_id):
        last[Phase(opening.phase)] = opening
    states = []
    for phase in PHASE_ORDER:
        row = last.get(phase)
        state = "not-reached" if row is None else "open" if row.closed_at is None else "closed"
        states.append(
            PhaseState(
                phase=phase.value,
                state=state,
                opened_at=row.opened_at.isoformat() if row else None,
                closed_at=row.closed_at.isoformat() if row and row.closed_at else None,
            )
        )
    open_now = [s.phase for s in states if s.state == "open"]
    if open_now:
        after = PHASE_ORDER.index(Phase(open_now[-1])) + 1
        following = PHASE_ORDER[after].value if after < len(PHASE_ORDER) else None
    else:
        following = next((s.phase for s in states if s.state == "not-reached"), None)
    return PhaseStates(phases=states, open=open_now, next=following)


def open_phase(uow: UnitOfWork, actor: Actor, workshop_id: UUID, phase: str) -> UUID:
    """Open a phase for the participants' contributions; return the opening's id.

    Refused while another phase is open, or before every earlier phase was opened; a phase
    reached before may be opened again.
    """
    workshop = require_manager(uow, actor, workshop_id)
    chosen = require_choice(Phase, phase, "phase")
    uow.lock(workshop)  # two facilitators opening phases at once open one, not two
    openings = uow.phase_openings.of_workshop(workshop_id)
    require_openable(
        chosen,
        reached={Phase(row.phase) for row in openings},
        open_now={Phase(row.phase) for row in openings if row.closed_at is None},
    )
    row = PhaseOpeningRow(workshop_id=workshop_id, phase=chosen.value, opened_at=now())
    uow.add(row)
    return row.id


def close_phase(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> list[str]:
    """Close the open phase (every open one, in a workshop stored before phases were
    opened in order); return the phases closed."""
    uow.lock(require_manager(uow, actor, workshop_id))
    still_open = uow.phase_openings.still_open(workshop_id)
    if not still_open:
        raise RuleViolation("rule 'phases in order': no phase is open; there is nothing to close")
    at = now()
    for row in still_open:
        row.closed_at = at
    return [p.value for p in PHASE_ORDER if p.value in {row.phase for row in still_open}]
