"""Keep only what both parties endorse (seed: "no publicity, no record, no audience").

A workshop created in keep-only-endorsed mode keeps no contribution the parties did not
agree to keep. Until then, each joint contribution (concern, restatement, idea, constraint,
reassurance step, shared vision) is sealed under the workshop's *pending* key. At the end
of a joint session, or when the facilitator says so, :func:`keep_only_endorsed` judges each
pending contribution:

- a concern is kept when the other side restated it to its owners' satisfaction; with it,
  the restatements its owners accepted (the others go);
- an idea is kept when both parties support it (every party's mean rating reaches 3.5);
- a shared vision is kept when every party endorsed it;
- anything is kept when every party marked it "keep" (:func:`mark_keep`); constraints and
  reassurance steps, which one party states, are kept only so.

Kept contributions are resealed under the workshop's own key; the rest are deleted, their
ratings and links with them, and the pending key is destroyed after commit. On SQLite the
deleted rows are zeroed (``secure_delete``) and pushed out of the write-ahead log by a
checkpoint; on PostgreSQL, which keeps dead rows in its files until vacuumed, the destroyed
pending key is what leaves their ciphertext unreadable, in the files and in any dump.
A party's preliminary drafts are its own and are not judged here (retention covers them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import supported_by_all
from tracktwo.errors import AccessDenied, ValidationError
from tracktwo.services.access import require_contributor, require_manager
from tracktwo.services.results import Result
from tracktwo.store.models import (
    AcknowledgementRow,
    Base,
    ConcernRow,
    ConflictRow,
    ConstraintRow,
    IdeaRow,
    KeepMarkRow,
    ReassuranceStepRow,
    SharedVisionRow,
    WorkshopRow,
)
from tracktwo.store.unit_of_work import UnitOfWork, now

# record type -> (row type, its sealed columns)
CONTRIBUTIONS: dict[str, tuple[type[Base], tuple[str, ...]]] = {
    "concern": (ConcernRow, ("text_enc",)),
    "acknowledgement": (AcknowledgementRow, ("restatement_enc",)),
    "idea": (IdeaRow, ("text_enc",)),
    "constraint": (ConstraintRow, ("text_enc",)),
    "reassurance-step": (ReassuranceStepRow, ("actor_enc", "action_enc", "when_enc")),
    "shared-vision": (SharedVisionRow, ("text_enc",)),
}


def _workshop_of(uow: UnitOfWork, row: Base) -> UUID:
    if isinstance(row, AcknowledgementRow):
        return uow.get(ConcernRow, row.concern_id).workshop_id
    return row.workshop_id  # type: ignore[attr-defined,no-any-return]


def mark_keep(uow: UnitOfWork, actor: Actor, record_type: str, record_id: UUID) -> None:
    """Record that the actor's party agrees to keep one joint contribution.

    Endorsement is the parties' own: only a participant marks, for their own party.
    """
    if record_type not in CONTRIBUTIONS:
        raise ValidationError(
            f"record type {record_type!r} is not one of: {', '.join(CONTRIBUTIONS)}"
        )
    row = uow.get(CONTRIBUTIONS[record_type][0], record_id, record_type)
    workshop_id = _workshop_of(uow, row)
    member = require_contributor(uow, actor, workshop_id)
    if isinstance(row, ConcernRow) and row.space != "joint":
        raise AccessDenied("that concern is still in its party's preliminary space")
    already = {(mark.record_id, mark.party_id) for mark in uow.keep_marks.of_workshop(workshop_id)}
    if (record_id, member.party_id) not in already:
        uow.add(
            KeepMarkRow(
                workshop_id=workshop_id,
                record_type=record_type,
                record_id=record_id,
                party_id=member.party_id,
                created_at=now(),
            )
        )


@dataclass(frozen=True)
class KeptContribution(Result):
    """A contribution kept at a pruning, and why."""

    record_type: str
    id: str
    reason: str


@dataclass(frozen=True)
class Pruning(Result):
    """What one pruning kept (with the reason each was kept) and how many it destroyed."""

    at: str
    kept: list[KeptContribution]
    destroyed: dict[str, int]


def keep_only_endorsed(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> Pruning:
    """Keep the pending contributions both parties endorse; destroy the rest, and their key.

    For the workshop's managers, at the end of a joint session. Idempotent: with nothing
    pending, nothing changes but the time of the last pruning.
    """
    workshop = require_manager(uow, actor, workshop_id)
    # Contributions lock the workshop to seal under its pending key: holding it here, none
    # can be sealed under the key this pruning is about to destroy.
    uow.lock(workshop)
    if not workshop.keep_only_endorsed:
        raise ValidationError(
            "this workshop keeps every contribution; keep-only-endorsed mode is chosen when "
            "the workshop is created"
        )
    pending = workshop.pending_key_id
    parties = [p.id for p in uow.get(ConflictRow, workshop.conflict_id).parties]
    names = {p.id: p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    marks: dict[UUID, set[UUID]] = defaultdict(set)
    for mark in uow.keep_marks.of_workshop(workshop_id):
        marks[mark.record_id].add(mark.party_id)

    def marked_by_all(row_id: UUID) -> bool:
        return set(parties) <= marks[row_id]

    ratings: dict[UUID, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for rating in uow.ideas.ratings(workshop_id):
        ratings[rating.idea_id][names[rating.party_id]].append(rating.value)
    acks: dict[UUID, list[AcknowledgementRow]] = defaultdict(list)
    for ack in uow.concerns.acknowledgements(workshop_id):
        acks[ack.concern_id].append(ack)

    verdicts: list[tuple[str, Any, str | None]] = []
    for concern in uow.concerns.of_workshop(workshop_id):
        if concern.space != "joint":
            continue
        accepted = any(a.owner_satisfied for a in acks[concern.id])
        reason = (
            "restated by the other side to its owners' satisfaction"
            if accepted
            else "every party marked it to keep"
            if marked_by_all(concern.id)
            else None
        )
        verdicts.append(("concern", concern, reason))
        for ack in acks[concern.id]:
            ack_reason = (
                "accepted by the concern's owners"
                if reason and ack.owner_satisfied
                else "every party marked it to keep"
                if reason and marked_by_all(ack.id)
                else None
            )
            verdicts.append(("acknowledgement", ack, ack_reason))
    for idea in uow.ideas.of_workshop(workshop_id):
        means = {party: sum(v) / len(v) for party, v in ratings[idea.id].items()}
        supported = supported_by_all(means, names.values())
        verdicts.append(
            (
                "idea",
                idea,
                "supported by both parties"
                if supported
                else "every party marked it to keep"
                if marked_by_all(idea.id)
                else None,
            )
        )
    stated: list[tuple[str, Any]] = [
        *(("constraint", row) for row in uow.constraints.of_workshop(workshop_id)),
        *(("reassurance-step", row) for row in uow.reassurance_steps.of_workshop(workshop_id)),
    ]
    for kind, stated_row in stated:
        by_all = marked_by_all(stated_row.id)
        verdicts.append((kind, stated_row, "every party marked it to keep" if by_all else None))
    for vision in uow.shared_visions.of_workshop(workshop_id):
        endorsed = {str(p) for p in parties} <= set(vision.endorsed_by)
        verdicts.append(
            (
                "shared-vision",
                vision,
                "endorsed by every party"
                if endorsed
                else "every party marked it to keep"
                if marked_by_all(vision.id)
                else None,
            )
        )

    kept: list[KeptContribution] = []
    destroyed: dict[str, int] = dict.fromkeys(CONTRIBUTIONS, 0)
    doomed: list[Base] = []
    for kind, row, reason in verdicts:
        if pending is None or getattr(row, "sealed_under", None) != pending:
            continue  # sealed under the workshop's key: kept at an earlier pruning
        if reason is None:
            destroyed[kind] += 1
            doomed.append(row)
            continue
        uow.reseal(workshop_id, row, workshop_id, *CONTRIBUTIONS[kind][1])
        kept.append(KeptContribution(record_type=kind, id=str(row.id), reason=reason))
    # Restatements go before their concerns (the database would cascade them anyway).
    doomed.sort(key=lambda row: not isinstance(row, AcknowledgementRow))
    if doomed:
        uow.remove(*doomed)
    gone = {str(row.id) for row in doomed}  # type: ignore[attr-defined]
    for mark in uow.keep_marks.of_workshop(workshop_id):
        if str(mark.record_id) in gone:
            uow.remove(mark)
    at = now()
    if pending is not None:
        workshop.pending_key_id = None
        uow.destroy_key_after_commit(pending)
    uow.scrub_after_commit()
    result = Pruning(at=at.isoformat(), kept=kept, destroyed=destroyed)
    workshop.last_pruning = result.to_dict()
    uow.audit(actor.label, "keep-only-endorsed", "workshop", workshop_id, workshop_id)
    return result


def last_pruning(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> Pruning | None:
    """Return what the last pruning of a workshop kept and destroyed, if it ran."""
    workshop = uow.get(WorkshopRow, workshop_id, "workshop")
    require_manager(uow, actor, workshop_id)
    if workshop.last_pruning is None:
        return None
    data = workshop.last_pruning
    return Pruning(
        at=data["at"],
        kept=[KeptContribution(**item) for item in data["kept"]],
        destroyed=dict(data["destroyed"]),
    )
