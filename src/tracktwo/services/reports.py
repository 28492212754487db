"""One report holding each lifecycle element's result for a workshop; ``to_dict`` is its JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import kept_until
from tracktwo.engines.frames import records
from tracktwo.errors import ValidationError
from tracktwo.services import conditions, phases, recruitment, schedule, surveys, transfers
from tracktwo.services.access import require_manager, require_operator
from tracktwo.services.conflicts import ConflictProfile, conflict_profile, ripeness
from tracktwo.services.phases import Board
from tracktwo.services.recruitment import Member
from tracktwo.services.results import IN_ROOM_ONLY, Result
from tracktwo.services.schedule import Session
from tracktwo.services.surveys import ReentryRisk, ReentrySummary
from tracktwo.services.transfers import Transfer
from tracktwo.services.workshops import Facilitator, third_party
from tracktwo.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class WorkshopInfo(Result):
    """The workshop itself: title, venue, place in its series, size per party and the last
    day its records are kept (then destroyed with its key by ``tracktwo retention enforce``)."""

    id: str
    title: str
    venue: str
    sequence: int
    series_id: str | None
    previous_workshop_id: str | None
    per_party: int
    retention_until: date


@dataclass(frozen=True)
class Unavailable(Result):
    """Why an element has no result yet (for example no survey answers stored)."""

    unavailable: str


@dataclass(frozen=True)
class SurveyEffects(Result):
    """Paired change and the individual/group gap after the workshop and at follow-up."""

    pre_to_post: list[dict[str, Any]]
    pre_to_follow_up: list[dict[str, Any]]
    individual_group_gap: list[dict[str, Any]]
    individual_group_gap_follow_up: list[dict[str, Any]]


@dataclass(frozen=True)
class WorkshopReport(Result):
    """Every element's result for one workshop; engine results (ripeness records, the
    composition, contact conditions, the snowball graph) are kept in their JSON form."""

    conflict: ConflictProfile
    ripeness: list[dict[str, Any]]
    workshop: WorkshopInfo
    third_party: list[Facilitator]
    members: dict[str, list[Member]]
    composition: dict[str, Any] | None
    schedule: list[Session]
    board: Board
    contact_conditions: dict[str, Any] | None
    survey_effects: SurveyEffects | Unavailable
    reentry: ReentrySummary
    transfers: list[Transfer]
    snowball: dict[str, Any] | Unavailable
    # The facilitators' console shows the register per person; no export carries it.
    risk_register: list[ReentryRisk] = field(metadata=IN_ROOM_ONLY)


def _survey_effects(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID
) -> SurveyEffects | Unavailable:
    try:
        effects = surveys.survey_effects(uow, actor, workshop_id, after="post")
        follow_up = surveys.survey_effects(uow, actor, workshop_id, after="follow-up")
    except ValidationError as error:
        return Unavailable(unavailable=str(error))
    return SurveyEffects(
        pre_to_post=records(effects.change),
        pre_to_follow_up=records(follow_up.change),
        individual_group_gap=records(effects.individual_group_gap),
        individual_group_gap_follow_up=records(follow_up.individual_group_gap),
    )


def workshop_report(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, *, reveal_names: bool = False
) -> WorkshopReport:
    """Gather every element's result for one workshop.

    People appear by id, role and party; their names only with ``reveal_names``, and then
    every name read is written to the audit trail.
    """
    workshop = require_manager(uow, actor, workshop_id)
    latest = uow.compositions.latest(workshop_id)
    info = WorkshopInfo(
        id=str(workshop.id),
        title=workshop.title,
        venue=(uow.open_optional(workshop.id, workshop, "venue_enc") or ""),
        sequence=workshop.sequence,
        series_id=str(workshop.series_id) if workshop.series_id else None,
        previous_workshop_id=str(workshop.previous_workshop_id)
        if workshop.previous_workshop_id
        else None,
        per_party=workshop.per_party,
        retention_until=kept_until(workshop.created_at, workshop.retention_until),
    )
    conflict_id = workshop.conflict_id
    member_list = recruitment.members(uow, actor, workshop_id, reveal=reveal_names)
    by_party: dict[str, list[Member]] = {}
    for member in member_list:
        by_party.setdefault(member.party, []).append(member)
    # Gathered in the order of the report before it was typed (each read may be audited).
    profile = conflict_profile(uow, actor, conflict_id)
    timeline = records(ripeness(uow, actor, conflict_id).to_frame().astype({"on": str}))
    team = third_party(uow, actor, workshop_id, reveal=reveal_names)
    sessions = schedule.schedule(uow, actor, workshop_id)
    boards = phases.board(uow, actor, workshop_id)
    risks = surveys.risk_register(uow, actor, workshop_id)
    logged = transfers.transfers(uow, actor, workshop_id)
    snowball: dict[str, Any] | Unavailable
    try:
        snowball = recruitment.snowball(uow, actor, workshop_id).to_dict()
    except ValidationError as error:
        snowball = Unavailable(unavailable=str(error))
    contact = (
        conditions.contact_conditions(uow, actor, workshop_id).to_dict() if member_list else None
    )
    return WorkshopReport(
        conflict=profile,
        ripeness=timeline,
        workshop=info,
        third_party=team,
        members=by_party,
        composition=latest.result if latest is not None else None,
        schedule=sessions,
        board=boards,
        contact_conditions=contact,
        survey_effects=_survey_effects(uow, actor, workshop_id),
        reentry=ReentrySummary.of(risks),
        transfers=logged,
        snowball=snowball,
        risk_register=risks,
    )


def conflict_of(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> UUID:
    """Return the conflict a workshop works on, for its managers."""
    return require_manager(uow, actor, workshop_id).conflict_id


def composed_workshops(uow: UnitOfWork, actor: Actor) -> list[UUID]:
    """Return workshops that have members, most recently created first (the first one
    composed in a series comes before ones still being recruited); for the operator."""
    require_operator(actor, "list every workshop of the data folder")
    return [row.id for row in uow.workshops.composed()]


def holds_any_engagement(uow: UnitOfWork, actor: Actor) -> bool:
    """Say whether the data folder holds any work at all (every engagement starts with a
    conflict profile); for the operator."""
    require_operator(actor, "look into the whole data folder")
    return uow.conflicts.any_recorded()
