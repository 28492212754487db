"""The transfer log: which ideas reached which decision-makers, media or texts (element 17)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import SUPPORT_THRESHOLD, require_text, supported_by_all
from tracktwo.domain.vocabulary import TransferChannel, TransferResult
from tracktwo.errors import RuleViolation, ValidationError
from tracktwo.services.access import require_manager
from tracktwo.services.results import SOMETIMES, Recorded, Result
from tracktwo.store.models import ConflictRow, IdeaRow, TransferRow, WorkshopRow
from tracktwo.store.unit_of_work import UnitOfWork

MACRO_CHANNELS = {TransferChannel.DECISION_MAKER, TransferChannel.NEGOTIATION_TEXT}
# Where an idea speaks for the workshop in public or in the parties' own text: an idea that
# one party rated low goes there only with a reason the facilitators give (and the log keeps).
NEEDS_BOTH_PARTIES = {TransferChannel.NEGOTIATION_TEXT, TransferChannel.MEDIA}


def _supported_by_both(uow: UnitOfWork, workshop_id: UUID) -> dict[UUID, bool]:
    """Say, per idea of a workshop, whether every party supports it (the board's rule:
    each party's mean rating at or above the support threshold)."""
    workshop = uow.get(WorkshopRow, workshop_id)
    parties = {p.id: p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    by_idea: dict[UUID, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for rating in uow.ideas.ratings(workshop_id):
        by_idea[rating.idea_id][parties[rating.party_id]].append(rating.value)
    return {
        idea.id: supported_by_all(
            {party: sum(v) / len(v) for party, v in by_idea[idea.id].items()}, parties.values()
        )
        for idea in uow.ideas.of_workshop(workshop_id)
    }


def log_transfer(
    uow: UnitOfWork,
    actor: Actor,
    idea_id: UUID,
    *,
    channel: str,
    recipient: str,
    occurred_on: date,
    result: str = "pending",
    reason: str | None = None,
) -> Recorded:
    """Record that an idea reached a decision-maker, a negotiation text or the media.

    The recipient's description is sealed: it may name a person. An idea that is not
    supported by both parties goes into a negotiation text or to the media only with a
    ``reason`` (refused without one); the reason is sealed and the warning returned.
    """
    idea = uow.get(IdeaRow, idea_id, "idea")
    require_manager(uow, actor, idea.workshop_id)
    try:
        chosen = TransferChannel(channel)
        outcome = TransferResult(result)
    except ValueError:
        raise ValidationError(
            f"channel must be one of {[c.value for c in TransferChannel]} and result one of "
            f"{[r.value for r in TransferResult]}"
        ) from None
    warnings = []
    if chosen in NEEDS_BOTH_PARTIES and not _supported_by_both(uow, idea.workshop_id)[idea.id]:
        warning = (
            f"rule 'transfer what both parties support': idea {idea.id} is not supported by "
            f"both parties (each party's mean rating {SUPPORT_THRESHOLD:g} of 5 or more)"
        )
        if not reason or not reason.strip():
            raise RuleViolation(
                f"{warning}; to carry it to {chosen.value} anyway, give the reason (--reason)"
            )
        warnings.append(f"{warning}; logged to {chosen.value} with the reason given")
    row = uow.add_sealed(
        idea.workshop_id,
        TransferRow(
            idea_id=idea.id,
            channel=chosen.value,
            occurred_on=occurred_on,
            result=outcome.value,
            level="macro" if chosen in MACRO_CHANNELS else "meso",
        ),
        recipient_enc=require_text("recipient", recipient),
        reason_enc=require_text("reason", reason) if reason and reason.strip() else None,
    )
    return Recorded(row.id, warnings)


def update_transfer(uow: UnitOfWork, actor: Actor, transfer_id: UUID, *, result: str) -> None:
    """Record what came of a transfer."""
    row = uow.get(TransferRow, transfer_id, "transfer")
    idea = uow.get(IdeaRow, row.idea_id)
    require_manager(uow, actor, idea.workshop_id)
    try:
        row.result = TransferResult(result).value
    except ValueError:
        raise ValidationError(f"unknown transfer result {result!r}") from None


@dataclass(frozen=True)
class Transfer(Result):
    """One entry of the transfer log: which idea (its text, and whether both parties support
    it now) reached whom, by which channel, and how; ``reason`` why it went without both
    parties' support, when one was given (left out of JSON else)."""

    id: str
    idea_id: str
    idea: str
    supported_by_both: bool
    channel: str
    level: str
    recipient: str
    occurred_on: str
    result: str
    reason: str | None = field(default=None, kw_only=True, metadata=SOMETIMES)


def transfers(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> list[Transfer]:
    """Return the workshop's transfer log in date order."""
    require_manager(uow, actor, workshop_id)
    rows = uow.transfers.of_workshop(workshop_id)
    support = _supported_by_both(uow, workshop_id)
    ideas = {idea.id: idea for idea in uow.ideas.of_workshop(workshop_id)}
    return [
        Transfer(
            id=str(row.id),
            idea_id=str(row.idea_id),
            idea=uow.open_field(workshop_id, ideas[row.idea_id], "text_enc"),
            supported_by_both=support[row.idea_id],
            channel=row.channel,
            level=row.level,
            recipient=uow.open_field(workshop_id, row, "recipient_enc"),
            occurred_on=row.occurred_on.isoformat(),
            result=row.result,
            reason=uow.open_optional(workshop_id, row, "reason_enc"),
        )
        for row in rows
    ]
