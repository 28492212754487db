"""Who is acting: every service call names its actor, and services decide what it may reach."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class ActorKind(StrEnum):
    """The kinds of user in PRODUCT.md, plus the local operator who holds the master key."""

    OPERATOR = "operator"
    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
    RESPONDENT = "respondent"
    RESEARCHER = "researcher"


@dataclass(frozen=True)
class Actor:
    """An authenticated actor; ``workshop_id`` and ``party_id`` scope participants."""

    kind: ActorKind
    id: str
    workshop_id: UUID | None = None
    party_id: UUID | None = None

    @classmethod
    def operator(cls, name: str = "operator") -> Actor:
        """The person at the command line who holds the data folder's master key."""
        return cls(ActorKind.OPERATOR, name)

    @classmethod
    def facilitator(cls, facilitator_id: UUID, workshop_id: UUID) -> Actor:
        return cls(ActorKind.FACILITATOR, str(facilitator_id), workshop_id)

    @classmethod
    def participant(cls, member_id: UUID, workshop_id: UUID, party_id: UUID) -> Actor:
        return cls(ActorKind.PARTICIPANT, str(member_id), workshop_id, party_id)

    @property
    def label(self) -> str:
        """How the audit trail names this actor."""
        return f"{self.kind.value}:{self.id}"
