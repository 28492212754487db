"""Hewstone & Brown's five contact conditions, measured from the workshop's own data (14)."""

from __future__ import annotations

from collections import defaultdict
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import Slot, covered_hours
from tracktwo.domain.vocabulary import NegotiationStage, RipenessState
from tracktwo.engines.conditions import ConditionsReport, WorkshopEvidence, assess_conditions
from tracktwo.services.access import require_manager
from tracktwo.services.conflicts import ripeness
from tracktwo.store.models import CandidateRow, ConflictRow
from tracktwo.store.unit_of_work import UnitOfWork


def workshop_evidence(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> WorkshopEvidence:
    """Gather the evidence the five condition scores are computed from."""
    workshop = require_manager(uow, actor, workshop_id)
    conflict = uow.get(ConflictRow, workshop.conflict_id)
    names = {p.id: p.name for p in conflict.parties}
    member_rows = uow.members.of_workshop(workshop_id)
    statuses: dict[str, list[float]] = {name: [] for name in names.values()}
    approvals = []
    for member in member_rows:
        candidate = uow.get(CandidateRow, member.candidate_id)
        statuses[names[member.party_id]].append(candidate.status)
        approvals.append(bool(candidate.leadership_approval))
    sessions = uow.schedule.sessions(workshop_id)
    # Hours that overlap (sessions stored before overlaps were refused) count once.
    slots = [
        Slot(s.starts_at, s.hours, names[s.party_id] if s.party_id else None) for s in sessions
    ]
    preliminary = {
        name: covered_hours(slot for slot in slots if slot.party == name) for name in names.values()
    }
    joint_hours = covered_hours(slot for slot in slots if slot.party is None)
    ratings = uow.schedule.rating_values(workshop_id)
    idea_ratings = uow.ideas.ratings(workshop_id)
    by_idea: dict[UUID, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for rating in idea_ratings:
        by_idea[rating.idea_id][names[rating.party_id]].append(rating.value)
    joint_start = next((s.starts_at.date() for s in sessions if s.party_id is None), None)
    conflict_id, stage = conflict.id, conflict.stage
    timeline = ripeness(uow, actor, conflict_id)
    state = (
        timeline.state_on(joint_start)
        if joint_start and timeline.points
        else (timeline.current() if timeline.points else RipenessState.NOT_RIPE)
    )
    return WorkshopEvidence(
        parties=tuple(names.values()),
        member_status=statuses,
        ripeness=state,
        stage=NegotiationStage(stage),
        leadership_approval_share=sum(approvals) / len(approvals) if approvals else 0.0,
        preliminary_hours=preliminary,
        joint_hours=joint_hours,
        members_per_party=workshop.per_party,
        series_position=workshop.sequence,
        session_ratings=list(ratings),
        idea_support=[
            {party: sum(values) / len(values) for party, values in support.items()}
            for support in by_idea.values()
        ],
    )


def contact_conditions(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> ConditionsReport:
    """Return the five condition scores, their evidence and warnings for unmet ones."""
    return assess_conditions(workshop_evidence(uow, actor, workshop_id))
