"""Admission to a joint session's live discussion; the discussion itself is never stored."""

from __future__ import annotations

from uuid import UUID

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.errors import AccessDenied
from tracktwo.services.access import require_reader
from tracktwo.store.models import ConflictRow, MemberRow, SessionRow
from tracktwo.store.unit_of_work import UnitOfWork


def admit(uow: UnitOfWork, actor: Actor, workshop_id: UUID, session_id: UUID) -> str:
    """Check the actor may join this joint session; return how the room shows them.

    Participants appear by party alone, facilitators as the third party. Not by role:
    with 3 to 6 people a party, "party · role" is one person's label, and every message
    would point at them. The room never needs anyone's name, so admission reads no identity.
    """
    workshop = require_reader(uow, actor, workshop_id)
    session = uow.get(SessionRow, session_id, "session")
    if session.workshop_id != workshop_id or session.party_id is not None:
        raise AccessDenied("live discussion is for this workshop's joint sessions")
    if actor.kind is not ActorKind.PARTICIPANT:
        return "third party"
    parties = {p.id: p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    member = uow.get(MemberRow, UUID(actor.id))
    return parties[member.party_id]
