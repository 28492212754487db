"""One JSON-ready report holding each lifecycle element's result for a workshop."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.engines.frames import records
from tracktwo.errors import ValidationError
from tracktwo.services import conditions, phases, recruitment, schedule, surveys, transfers
from tracktwo.services.access import require_manager, require_operator
from tracktwo.services.conflicts import conflict_profile, ripeness
from tracktwo.services.workshops import third_party
from tracktwo.store.unit_of_work import UnitOfWork


def workshop_report(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, *, reveal_names: bool = False
) -> dict[str, Any]:
    """Gather every element's result for one workshop.

    People appear by id, role and party; their names only with ``reveal_names``, and then
    every name read is written to the audit trail.
    """
    workshop = require_manager(uow, actor, workshop_id)
    latest = uow.compositions.latest(workshop_id)
    info = {
        "id": str(workshop.id),
        "title": workshop.title,
        "venue": workshop.venue,
        "sequence": workshop.sequence,
        "series_id": str(workshop.series_id) if workshop.series_id else None,
        "previous_workshop_id": str(workshop.previous_workshop_id)
        if workshop.previous_workshop_id
        else None,
        "per_party": workshop.per_party,
    }
    conflict_id = workshop.conflict_id
    composition = latest.result if latest is not None else None
    member_list = recruitment.members(uow, actor, workshop_id, reveal=reveal_names)
    by_party: dict[str, list[dict[str, Any]]] = {}
    for member in member_list:
        by_party.setdefault(member.party, []).append(member.to_dict())
    report: dict[str, Any] = {
        "conflict": conflict_profile(uow, actor, conflict_id).to_dict(),
        "ripeness": records(ripeness(uow, actor, conflict_id).to_frame().astype({"on": str})),
        "workshop": info,
        "third_party": [
            entry.to_dict() for entry in third_party(uow, actor, workshop_id, reveal=reveal_names)
        ],
        "members": by_party,
        "composition": composition,
        "schedule": [entry.to_dict() for entry in schedule.schedule(uow, actor, workshop_id)],
        "board": phases.board(uow, actor, workshop_id).to_dict(),
        "contact_conditions": None,
        "survey_effects": None,
        "risk_register": [
            entry.to_dict() for entry in surveys.risk_register(uow, actor, workshop_id)
        ],
        "transfers": [entry.to_dict() for entry in transfers.transfers(uow, actor, workshop_id)],
    }
    try:
        report["snowball"] = recruitment.snowball(uow, actor, workshop_id).to_dict()
    except ValidationError as error:
        report["snowball"] = {"unavailable": str(error)}
    if member_list:
        report["contact_conditions"] = conditions.contact_conditions(
            uow, actor, workshop_id
        ).to_dict()
    try:
        effects = surveys.survey_effects(uow, actor, workshop_id, after="post")
        follow_up = surveys.survey_effects(uow, actor, workshop_id, after="follow-up")
        report["survey_effects"] = {
            "pre_to_post": records(effects["change"]),
            "pre_to_follow_up": records(follow_up["change"]),
            "individual_group_gap": records(effects["individual_group_gap"]),
            "individual_group_gap_follow_up": records(follow_up["individual_group_gap"]),
        }
    except ValidationError as error:
        report["survey_effects"] = {"unavailable": str(error)}
    return report


def composed_workshops(uow: UnitOfWork, actor: Actor) -> list[UUID]:
    """Return workshops that have members, most recently created first (the first one
    composed in a series comes before ones still being recruited); for the operator."""
    require_operator(actor, "list every workshop of the data folder")
    return [row.id for row in uow.workshops.composed()]
