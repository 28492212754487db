"""The transfer log: which ideas reached which decision-makers, media or texts (element 17)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import require_text
from tracktwo.domain.vocabulary import TransferChannel, TransferResult
from tracktwo.errors import ValidationError
from tracktwo.services.access import require_manager
from tracktwo.services.results import Result
from tracktwo.store.models import IdeaRow, TransferRow
from tracktwo.store.unit_of_work import UnitOfWork

MACRO_CHANNELS = {TransferChannel.DECISION_MAKER, TransferChannel.NEGOTIATION_TEXT}


def log_transfer(
    uow: UnitOfWork,
    actor: Actor,
    idea_id: UUID,
    *,
    channel: str,
    recipient: str,
    occurred_on: date,
    result: str = "pending",
) -> UUID:
    """Record that an idea reached a decision-maker, a negotiation text or the media.

    The recipient's description is sealed: it may name a person.
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
    row = uow.add_sealed(
        idea.workshop_id,
        TransferRow(
            idea_id=idea_id,
            channel=chosen.value,
            occurred_on=occurred_on,
            result=outcome.value,
            level="macro" if chosen in MACRO_CHANNELS else "meso",
        ),
        recipient_enc=require_text("recipient", recipient),
    )
    return row.id


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
    """One entry of the transfer log: which idea reached whom, by which channel, and how."""

    id: str
    idea_id: str
    channel: str
    level: str
    recipient: str
    occurred_on: str
    result: str


def transfers(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> list[Transfer]:
    """Return the workshop's transfer log in date order."""
    require_manager(uow, actor, workshop_id)
    rows = uow.transfers.of_workshop(workshop_id)
    return [
        Transfer(
            id=str(row.id),
            idea_id=str(row.idea_id),
            channel=row.channel,
            level=row.level,
            recipient=uow.open_field(workshop_id, row, "recipient_enc"),
            occurred_on=row.occurred_on.isoformat(),
            result=row.result,
        )
        for row in rows
    ]
