"""Who may reach what: every service asks here before it reads or writes a workshop.

- the operator (holder of the data folder's master key, at the command line) may manage
  everything, but contributes to the phases only by acting as a named participant;
- a facilitator reaches only the workshops whose third-party team they belong to, and never
  authors concerns, ideas, ratings, constraints or reassurance steps (strictly facilitative);
- a participant reaches only their own workshop: their own party's preliminary space and the
  joint space, never the other party's preliminary space;
- researchers and community respondents never reach a workshop's records.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.errors import AccessDenied, FacilitativeRoleError
from tracktwo.store.models import (
    FacilitatorRow,
    FeedbackRoundRow,
    MemberRow,
    RespondentRow,
    WorkshopRow,
)
from tracktwo.store.unit_of_work import UnitOfWork


def _facilitates(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> bool:
    if actor.kind is not ActorKind.FACILITATOR or actor.workshop_id != workshop_id:
        return False
    row = uow.find(FacilitatorRow, UUID(actor.id))
    return row is not None and row.workshop_id == workshop_id


def _member(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> MemberRow | None:
    if actor.kind is not ActorKind.PARTICIPANT or actor.workshop_id != workshop_id:
        return None
    row = uow.find(MemberRow, UUID(actor.id))
    if row is None or row.workshop_id != workshop_id or row.party_id != actor.party_id:
        return None
    return row


def require_manager(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> WorkshopRow:
    """Allow the operator or one of this workshop's facilitators; return the workshop."""
    workshop = uow.get(WorkshopRow, workshop_id, "workshop")
    if actor.kind is ActorKind.OPERATOR or _facilitates(uow, actor, workshop_id):
        return workshop
    raise AccessDenied(f"{actor.kind.value} may not manage workshop {workshop_id}")


def require_operator(actor: Actor, what: str) -> None:
    """Allow only the operator, who holds the master key."""
    if actor.kind is not ActorKind.OPERATOR:
        raise AccessDenied(f"only the operator holding the master key may {what}")


def require_reader(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> WorkshopRow:
    """Allow the operator, this workshop's facilitators and its participants."""
    workshop = uow.get(WorkshopRow, workshop_id, "workshop")
    if actor.kind is ActorKind.OPERATOR or _facilitates(uow, actor, workshop_id):
        return workshop
    if _member(uow, actor, workshop_id) is not None:
        return workshop
    raise AccessDenied(f"{actor.kind.value} may not reach workshop {workshop_id}")


def require_contributor(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> MemberRow:
    """Allow only a participant of this workshop; the third party proposes no solutions."""
    uow.get(WorkshopRow, workshop_id, "workshop")
    if actor.kind in (ActorKind.FACILITATOR, ActorKind.OPERATOR):
        raise FacilitativeRoleError(
            "the third party's role is strictly facilitative: contributions are made by "
            "participants (act as a workshop member to record what a participant said)"
        )
    member = _member(uow, actor, workshop_id)
    if member is None:
        raise AccessDenied(f"{actor.kind.value} is not a participant of workshop {workshop_id}")
    return member


def require_party_space(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, party_id: UUID
) -> WorkshopRow:
    """Allow a party's preliminary space to its own members and the workshop's managers."""
    workshop = require_reader(uow, actor, workshop_id)
    if actor.kind is ActorKind.PARTICIPANT and actor.party_id != party_id:
        raise AccessDenied("a participant sees their own party's space and the joint space only")
    return workshop


UseCase = TypeVar("UseCase", bound=Callable[..., object])


def actor_free(reason: str) -> Callable[[UseCase], UseCase]:
    """Mark a use case that takes no actor, saying why that is safe (e.g. its argument is
    the credential); every other use case takes an actor and asks here."""
    if not reason.strip():
        raise ValueError("say why the use case needs no actor")

    def mark(use_case: UseCase) -> UseCase:
        use_case.__actor_free__ = reason  # type: ignore[attr-defined]
        return use_case

    return mark


def require_conflict_reader(uow: UnitOfWork, actor: Actor, conflict_id: UUID) -> None:
    """Allow the operator, and the facilitators of a workshop on this conflict."""
    if actor.kind is ActorKind.OPERATOR:
        return
    if actor.kind is ActorKind.FACILITATOR and actor.workshop_id is not None:
        workshop = uow.find(WorkshopRow, actor.workshop_id)
        if (
            workshop is not None
            and workshop.conflict_id == conflict_id
            and _facilitates(uow, actor, workshop.id)
        ):
            return
    raise AccessDenied(f"{actor.kind.value} may not reach conflict {conflict_id}")


def require_round_reader(uow: UnitOfWork, actor: Actor, round_id: UUID) -> None:
    """Allow a respondent of this round, and the managers of the round's workshop."""
    feedback_round = uow.get(FeedbackRoundRow, round_id, "feedback round")
    if actor.kind is ActorKind.RESPONDENT:
        respondent = uow.find(RespondentRow, UUID(actor.id))
        if respondent is not None and respondent.round_id == round_id:
            return
        raise AccessDenied("a respondent sees only their own round")
    require_manager(uow, actor, feedback_round.workshop_id)
