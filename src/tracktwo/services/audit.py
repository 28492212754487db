"""Read the audit trail of identity reads (element 8)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.errors import NotFoundError
from tracktwo.services.access import require_operator
from tracktwo.services.results import Result
from tracktwo.store.models import WorkshopRow
from tracktwo.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class AuditEntry(Result):
    """One read of an identity: who read which record, when, in which workshop."""

    at: str
    actor: str
    action: str
    record_type: str
    record_id: str
    workshop_id: str | None


def trail(uow: UnitOfWork, actor: Actor, workshop_id: UUID | None = None) -> list[AuditEntry]:
    """Return who read which record and when; the data itself is never in the trail.

    For the operator, who holds the master key: the trail says who looked at whom.
    """
    require_operator(actor, "read the audit trail")
    if workshop_id is not None and uow.find(WorkshopRow, workshop_id) is None:
        destroyed = any(e.action == "destroy-workshop" for e in uow.audit_trail(workshop_id))
        if not destroyed:
            raise NotFoundError(f"no workshop with id {workshop_id}")
    return [
        AuditEntry(
            at=row.at.isoformat(),
            actor=row.actor,
            action=row.action,
            record_type=row.record_type,
            record_id=row.record_id,
            workshop_id=str(row.workshop_id) if row.workshop_id else None,
        )
        for row in uow.audit_trail(workshop_id)
    ]
