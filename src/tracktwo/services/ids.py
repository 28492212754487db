"""Ids given by their first characters: a unique prefix of at least 8 resolves (issue 16).

A listing prints ids whole, and a person types back what they can: the start of one.
"""

from __future__ import annotations

import re
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.errors import NotFoundError, ValidationError
from tracktwo.services.access import require_operator
from tracktwo.store.models import (
    AcknowledgementRow,
    Base,
    CandidateRow,
    ConcernRow,
    ConflictRow,
    ConstraintRow,
    FacilitatorRow,
    FeedbackRoundRow,
    IdeaRow,
    MemberRow,
    ReassuranceStepRow,
    ReentryCheckRow,
    SeriesRow,
    SessionRow,
    SharedVisionRow,
    TransferRow,
    WorkshopRow,
)
from tracktwo.store.unit_of_work import UnitOfWork

# Eight hex digits (32 bits): among a data folder's records of one kind, two share them
# only by rare chance, and a person can still read and type them.
MIN_PREFIX = 8
KINDS: dict[str, type[Base]] = {
    "acknowledgement": AcknowledgementRow,
    "candidate": CandidateRow,
    "concern": ConcernRow,
    "conflict": ConflictRow,
    "constraint": ConstraintRow,
    "facilitator": FacilitatorRow,
    "idea": IdeaRow,
    "member": MemberRow,
    "re-entry check": ReentryCheckRow,
    "reassurance-step": ReassuranceStepRow,
    "round": FeedbackRoundRow,
    "series": SeriesRow,
    "session": SessionRow,
    "shared-vision": SharedVisionRow,
    "transfer": TransferRow,
    "workshop": WorkshopRow,
}
_HEX = re.compile(r"[0-9a-f]+")


def resolve_id(uow: UnitOfWork, actor: Actor, kind: str, given: str) -> UUID:
    """Return the id of the ``kind`` record that ``given`` names: the whole id, or a unique
    prefix of at least :data:`MIN_PREFIX` hex digits (dashes ignored).

    An unknown prefix is a NotFoundError; one shared by several records, or too short, a
    ValidationError saying what to give instead.
    """
    require_operator(actor, "resolve ids by prefix")
    try:
        return UUID(given)
    except ValueError:
        pass
    if kind not in KINDS:
        raise ValidationError(f"{given!r} is not a valid {kind} id")
    digits = given.strip().lower().replace("-", "")
    if not _HEX.fullmatch(digits) or len(digits) > 32:
        raise ValidationError(f"{given!r} is not a valid {kind} id, nor the start of one")
    if len(digits) < MIN_PREFIX:
        raise ValidationError(
            f"{given!r} is too short to name a {kind}: give at least {MIN_PREFIX} characters "
            "of its id"
        )
    found = uow.ids.starting_with(KINDS[kind], digits)
    if not found:
        raise NotFoundError(f"no {kind} id starts with {given!r}")
    if len(found) > 1:
        raise ValidationError(
            f"{given!r} is ambiguous: more than one {kind} id starts with it; give more characters"
        )
    return UUID(str(found[0]))
