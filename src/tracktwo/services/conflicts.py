"""Conflict profiles and dated ripeness assessments (PRODUCT.md elements 1 and 2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import (
    require_choice,
    require_roles,
    require_text,
    require_unit_interval,
)
from tracktwo.domain.vocabulary import DEFAULT_ROLES, ConflictKind, NegotiationStage
from tracktwo.engines.ripeness import PartyAssessment, RipenessTimeline, ripeness_timeline
from tracktwo.errors import RuleViolation, ValidationError
from tracktwo.services.access import require_conflict_reader, require_operator
from tracktwo.services.results import Result
from tracktwo.store.models import (
    ConflictRoleRow,
    ConflictRow,
    PartyRow,
    RipenessAssessmentRow,
    new_id,
)
from tracktwo.store.unit_of_work import UnitOfWork, now


def create_conflict(
    uow: UnitOfWork,
    actor: Actor,
    *,
    name: str,
    parties: list[str],
    stage: str,
    kind: str,
    misperception_share: float,
    context: str = "",
    diagnosis_note: str = "",
    roles: list[str] | None = None,
) -> UUID:
    """Record a conflict with its parties, negotiation stage, kind and roles.

    ``misperception_share`` (0-1) is the facilitators' diagnosis of how much of the conflict is
    misperception rather than a real clash of interests (seed 4.3, second shortcoming).
    ``roles`` are the positions its candidates may hold, in the order given; by default the
    seven of Kelman's workshops (:data:`~tracktwo.domain.vocabulary.DEFAULT_ROLES`).
    """
    require_operator(actor, "open a conflict profile")
    names = [require_text("party name", party, max_length=120) for party in parties]
    if len(names) < 2:
        raise ValidationError("a conflict needs at least two parties")
    if len(set(names)) != len(names):
        raise ValidationError("party names must differ")
    conflict = ConflictRow(
        id=new_id(),
        name=require_text("conflict name", name, max_length=200),
        stage=require_choice(NegotiationStage, stage, "negotiation stage").value,
        kind=require_choice(ConflictKind, kind, "conflict kind").value,
        misperception_share=require_unit_interval("misperception share", misperception_share),
        created_at=now(),
    )
    conflict.parties = [PartyRow(name=party, position=i) for i, party in enumerate(names)]
    chosen_roles = require_roles(DEFAULT_ROLES if roles is None else roles)
    conflict.roles = [ConflictRoleRow(name=role, position=i) for i, role in enumerate(chosen_roles)]
    uow.new_conflict_key(conflict.id)
    uow.add_sealed(
        conflict.id,
        conflict,
        context_enc=context.strip() or None,
        diagnosis_note_enc=diagnosis_note.strip() or None,
    )
    return conflict.id


def party_ids(uow: UnitOfWork, actor: Actor, conflict_id: UUID) -> dict[str, UUID]:
    """Return the conflict's parties by name, in their stated order."""
    conflict = uow.get(ConflictRow, conflict_id, "conflict")
    require_conflict_reader(uow, actor, conflict_id)
    return {party.name: party.id for party in conflict.parties}


@dataclass(frozen=True)
class Party(Result):
    """A party to a conflict: its id and name."""

    id: str
    name: str

    @classmethod
    def of(cls, row: PartyRow) -> Party:
        """Return the party a conflict's party row records."""
        return cls(id=str(row.id), name=row.name)


@dataclass(frozen=True)
class ConflictProfile(Result):
    """A conflict's profile: parties, negotiation stage, kind and the facilitators' diagnosis."""

    id: str
    name: str
    context: str
    parties: list[Party]
    stage: str
    kind: str
    misperception_share: float
    clash_of_interests_share: float
    diagnosis_note: str
    roles: list[str]


def conflict_profile(uow: UnitOfWork, actor: Actor, conflict_id: UUID) -> ConflictProfile:
    """Return the conflict profile."""
    conflict = uow.get(ConflictRow, conflict_id, "conflict")
    require_conflict_reader(uow, actor, conflict_id)
    return ConflictProfile(
        id=str(conflict.id),
        name=conflict.name,
        context=uow.open_optional(conflict.id, conflict, "context_enc") or "",
        parties=[Party.of(p) for p in conflict.parties],
        stage=conflict.stage,
        kind=conflict.kind,
        misperception_share=conflict.misperception_share,
        clash_of_interests_share=round(1.0 - conflict.misperception_share, 6),
        diagnosis_note=uow.open_optional(conflict.id, conflict, "diagnosis_note_enc") or "",
        roles=[role.name for role in conflict.roles],
    )


def set_roles(uow: UnitOfWork, actor: Actor, conflict_id: UUID, *, roles: list[str]) -> list[str]:
    """Replace a conflict's roles with ``roles``, in that order; return them.

    The operator and the facilitators of a workshop on this conflict may. Refused under the
    rule 'a held role stays' when a role one of the conflict's candidates holds would go.
    """
    conflict = uow.get(ConflictRow, conflict_id, "conflict")
    require_conflict_reader(uow, actor, conflict_id)
    names = require_roles(roles)
    uow.lock(conflict)  # a candidate added meanwhile cannot take a role being removed
    held = uow.candidates.roles_held(conflict_id)
    dropped = [role for role in sorted(held) if role not in names]
    if dropped:
        counts = ", ".join(f"{role} ({held[role]})" for role in dropped)
        raise RuleViolation(
            f"rule 'a held role stays': candidates of this conflict hold {counts}; keep "
            f"{'these roles' if len(dropped) > 1 else 'that role'} in the list"
        )
    by_name = {row.name: row for row in conflict.roles}
    kept = [by_name.get(name) or ConflictRoleRow(name=name) for name in names]
    for position, row in enumerate(kept):
        row.position = position
    conflict.roles = kept  # the roles left out go with the collection (delete-orphan)
    uow.add(conflict)
    uow.audit(actor.label, "set-roles", "conflict", conflict.id)
    return names


def record_ripeness(
    uow: UnitOfWork,
    actor: Actor,
    conflict_id: UUID,
    *,
    party: str,
    assessed_on: date,
    believes_can_win_alone: bool,
    stalemate_pain: float,
    basis: str = "",
    assessor: str = "",
) -> UUID:
    """Record one dated assessment of a party's belief in winning alone and its pain: who
    assessed (``assessor``) and on what evidence (``basis``), both sealed.

    The operator and the facilitators of a workshop on this conflict may record one.
    """
    conflict = uow.get(ConflictRow, conflict_id, "conflict")
    require_conflict_reader(uow, actor, conflict_id)
    by_name = {p.name: p for p in conflict.parties}
    if party not in by_name:
        raise ValidationError(f"party {party!r} is not in conflict {conflict.name!r}")
    row = RipenessAssessmentRow(
        conflict_id=conflict.id,
        party_id=by_name[party].id,
        assessed_on=assessed_on,
        believes_can_win_alone=bool(believes_can_win_alone),
        stalemate_pain=require_unit_interval("stalemate pain", stalemate_pain),
    )
    uow.add_sealed(
        conflict.id,
        row,
        basis_enc=basis.strip() or None,
        assessor_enc=require_text("assessor", assessor, max_length=200)
        if assessor.strip()
        else None,
    )
    uow.audit(actor.label, "record-ripeness", "ripeness-assessment", row.id)
    return row.id


@dataclass(frozen=True)
class Assessment(Result):
    """One stored ripeness assessment: whose, when, what it found, who made it and on what
    evidence."""

    id: str
    party: str
    assessed_on: date
    believes_can_win_alone: bool
    stalemate_pain: float
    assessor: str
    basis: str


def assessments(uow: UnitOfWork, actor: Actor, conflict_id: UUID) -> list[Assessment]:
    """Return every ripeness assessment of a conflict by date, with assessor and evidence."""
    conflict = uow.get(ConflictRow, conflict_id, "conflict")
    require_conflict_reader(uow, actor, conflict_id)
    names = {p.id: p.name for p in conflict.parties}
    return [
        Assessment(
            id=str(row.id),
            party=names[row.party_id],
            assessed_on=row.assessed_on,
            believes_can_win_alone=row.believes_can_win_alone,
            stalemate_pain=row.stalemate_pain,
            assessor=uow.open_optional(conflict.id, row, "assessor_enc") or "",
            basis=uow.open_optional(conflict.id, row, "basis_enc") or "",
        )
        for row in uow.conflicts.ripeness_assessments(conflict_id)
    ]


def ripeness(
    uow: UnitOfWork, actor: Actor, conflict_id: UUID, *, pain_threshold: float = 0.5
) -> RipenessTimeline:
    """Return the ripeness state over time from every stored assessment."""
    conflict = uow.get(ConflictRow, conflict_id, "conflict")
    require_conflict_reader(uow, actor, conflict_id)
    names = {p.id: p.name for p in conflict.parties}
    rows = uow.conflicts.ripeness_assessments(conflict_id)
    assessments = [
        PartyAssessment(
            party=names[row.party_id],
            assessed_on=row.assessed_on,
            believes_can_win_alone=row.believes_can_win_alone,
            stalemate_pain=row.stalemate_pain,
        )
        for row in rows
    ]
    return ripeness_timeline(assessments, list(names.values()), pain_threshold=pain_threshold)


def conflicts(uow: UnitOfWork, actor: Actor) -> list[ConflictProfile]:
    """Return every conflict of the data folder (the operator's view), in the order opened."""
    require_operator(actor, "list the conflicts of the data folder")
    return [conflict_profile(uow, actor, row.id) for row in uow.conflicts.every()]
