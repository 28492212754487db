"""The third party hides or merges a joint contribution, with a reason kept (element 9).

A facilitator takes a contribution off the joint table (a duplicate, a polemic remark, a
name that slipped in) by hiding it, or by merging it into another of the same kind that
says the same. The contribution stays stored and the joint board and the projector stop
showing it; the reason is sealed with the workshop's key and stays recorded, and the act is
written to the audit trail. A merged contribution points at the one it was merged into.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import require_text
from tracktwo.errors import RuleViolation, ValidationError
from tracktwo.services.access import require_manager
from tracktwo.services.results import Result
from tracktwo.store.models import (
    Base,
    ConcernRow,
    ConstraintRow,
    IdeaRow,
    ModerationRow,
    ReassuranceStepRow,
    SharedVisionRow,
)
from tracktwo.store.unit_of_work import UnitOfWork, now

# record type -> (row type, the sealed column that says what it is)
MODERATED: dict[str, tuple[type[Base], str]] = {
    "concern": (ConcernRow, "text_enc"),
    "idea": (IdeaRow, "text_enc"),
    "constraint": (ConstraintRow, "text_enc"),
    "reassurance-step": (ReassuranceStepRow, "action_enc"),
    "shared-vision": (SharedVisionRow, "text_enc"),
}


@dataclass(frozen=True)
class Moderation(Result):
    """A contribution hidden or merged: which, into which, why, by whom and when; ``text``
    is what it said (None once the contribution itself is destroyed)."""

    id: str
    record_type: str
    record_id: str
    action: str
    merged_into: str | None
    reason: str
    by: str
    at: str
    text: str | None


def _on_the_table(
    uow: UnitOfWork, actor: Actor, record_type: str, record_id: UUID, which: str = ""
) -> Base:
    """Return a joint contribution that is still shown, once the actor is found to manage
    its workshop, or say why it cannot be moderated."""
    if record_type not in MODERATED:
        raise ValidationError(
            f"record type must be one of {', '.join(MODERATED)}, got {record_type!r}"
        )
    row: Base = uow.get(MODERATED[record_type][0], record_id, record_type)
    require_manager(uow, actor, row.workshop_id)  # type: ignore[attr-defined]
    if isinstance(row, ConcernRow) and row.space != "joint":
        raise ValidationError(
            "a concern in its party's preliminary space is that party's own: only the joint "
            "table is moderated"
        )
    earlier = uow.moderations.of_record(record_id)
    if earlier is not None:
        done = "hidden" if earlier.action == "hide" else "merged"
        which = which or f"that {record_type}"
        raise RuleViolation(f"rule 'moderate once': {which} was already {done}")
    return row


def _moderate(
    uow: UnitOfWork,
    actor: Actor,
    record_type: str,
    row: Base,
    *,
    reason: str,
    into: UUID | None = None,
) -> UUID:
    workshop_id: UUID = row.workshop_id  # type: ignore[attr-defined]
    record_id: UUID = row.id  # type: ignore[attr-defined]
    action = "hide" if into is None else "merge"
    moderation = ModerationRow(
        workshop_id=workshop_id,
        record_type=record_type,
        record_id=record_id,
        action=action,
        merged_into_id=into,
        by=actor.label,
        at=now(),
    )
    uow.add_sealed(
        workshop_id, moderation, reason_enc=require_text("reason", reason, max_length=1000)
    )
    uow.audit(actor.label, f"{action}-contribution", record_type, record_id, workshop_id)
    return moderation.id


def hide_contribution(
    uow: UnitOfWork, actor: Actor, record_type: str, record_id: UUID, *, reason: str
) -> UUID:
    """Take a joint contribution off the table, saying why; return the moderation's id."""
    row = _on_the_table(uow, actor, record_type, record_id)
    return _moderate(uow, actor, record_type, row, reason=reason)


def merge_contribution(
    uow: UnitOfWork,
    actor: Actor,
    record_type: str,
    record_id: UUID,
    *,
    into: UUID,
    reason: str,
) -> UUID:
    """Merge a joint contribution into another of the same kind that says the same, saying
    why; return the moderation's id.

    The other must be on the same table and still shown; a concern merges only into one of
    its own party's (a party's concern is never put in the other's mouth). Ideas that
    answered the merged concern answer the one it was merged into.
    """
    row = _on_the_table(uow, actor, record_type, record_id)
    if into == record_id:
        raise ValidationError(f"a {record_type} cannot be merged into itself")
    target = _on_the_table(uow, actor, record_type, into, f"the {record_type} to merge into")
    if target.workshop_id != row.workshop_id:  # type: ignore[attr-defined]
        raise ValidationError(f"the {record_type} to merge into belongs to another workshop")
    if (
        isinstance(row, ConcernRow)
        and isinstance(target, ConcernRow)
        and row.party_id != target.party_id
    ):
        raise RuleViolation(
            "rule 'a concern stays its party's': a concern merges only into another "
            "concern of the same party"
        )
    return _moderate(uow, actor, record_type, row, reason=reason, into=into)


def moderations(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> list[Moderation]:
    """Return what the third party hid or merged in a workshop, and why, oldest first."""
    require_manager(uow, actor, workshop_id)
    listed = []
    for row in uow.moderations.of_workshop(workshop_id):
        row_type, column = MODERATED[row.record_type]
        moderated = uow.find(row_type, row.record_id)
        listed.append(
            Moderation(
                id=str(row.id),
                record_type=row.record_type,
                record_id=str(row.record_id),
                action=row.action,
                merged_into=str(row.merged_into_id) if row.merged_into_id else None,
                reason=uow.open_field(workshop_id, row, "reason_enc"),
                by=row.by,
                at=row.at.isoformat(),
                text=uow.open_optional(workshop_id, moderated, column) if moderated else None,
            )
        )
    return listed
