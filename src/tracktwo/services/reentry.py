"""Re-entry checks: the facilitators' scheduled contacts with participants back home.

The seed's re-entry problem is that participants return to communities that may punish
them for meeting the other side. A check is planned for a date, then done: was the person
reached, and what mitigation was agreed (sealed). When they were reached, the reading of
their situation (in-group pressure, marginalisation, exposure) is recorded with the same
use case as before (:func:`tracktwo.services.surveys.record_reentry`), so the risk register
and the pooled summary stay one source. Per person, so for the facilitators only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.errors import ValidationError
from tracktwo.services.access import require_manager
from tracktwo.services.recruitment import candidate_labels
from tracktwo.services.results import Result
from tracktwo.services.surveys import record_reentry, risk_level
from tracktwo.store.models import ConflictRow, MemberRow, ReentryCheckRow
from tracktwo.store.unit_of_work import UnitOfWork, now


def schedule_check(uow: UnitOfWork, actor: Actor, member_id: UUID, *, due_on: date) -> UUID:
    """Plan a check on one member for ``due_on``."""
    member = uow.get(MemberRow, member_id, "workshop member")
    require_manager(uow, actor, member.workshop_id)
    row = ReentryCheckRow(
        workshop_id=member.workshop_id, member_id=member.id, due_on=due_on, created_at=now()
    )
    uow.add(row)
    uow.audit(actor.label, "schedule-reentry-check", "reentry-check", row.id, member.workshop_id)
    return row.id


def record_check(
    uow: UnitOfWork,
    actor: Actor,
    check_id: UUID,
    *,
    done_on: date,
    contacted: bool,
    mitigation: str = "",
    ingroup_pressure: float | None = None,
    marginalisation: float | None = None,
    publicly_exposed: bool = False,
) -> UUID | None:
    """Record a planned check as done: reached or not, the mitigation agreed (sealed) and,
    when reached, the reading of their situation (returns the reading's id).

    A check is done once; a person not reached gets a new check planned, so the history
    shows every attempt. A reading needs both pressure and marginalisation.
    """
    check = uow.get(ReentryCheckRow, check_id, "re-entry check")
    require_manager(uow, actor, check.workshop_id)
    uow.lock(check)  # recorded once, however many send the form at the same moment
    if check.done_on is not None:
        raise ValidationError(
            f"this check was recorded on {check.done_on.isoformat()}: plan a new one"
        )
    reading = (ingroup_pressure, marginalisation)
    if not contacted and any(value is not None for value in reading):
        raise ValidationError("a person not reached gives no reading of their situation")
    if contacted and None in reading:
        raise ValidationError(
            "a person reached: give both their in-group pressure and marginalisation (0-1)"
        )
    check.done_on, check.contacted = done_on, bool(contacted)
    if mitigation.strip():
        uow.seal_field(check.workshop_id, check, "mitigation_enc", mitigation.strip())
    uow.audit(actor.label, "record-reentry-check", "reentry-check", check.id, check.workshop_id)
    if not contacted:
        return None
    assert ingroup_pressure is not None and marginalisation is not None
    return record_reentry(
        uow,
        actor,
        check.member_id,
        followed_up_on=done_on,
        ingroup_pressure=ingroup_pressure,
        marginalisation=marginalisation,
        publicly_exposed=publicly_exposed,
    )


@dataclass(frozen=True)
class Check(Result):
    """One planned check: whom (by label), when due, when done, reached or not, mitigation."""

    id: str
    member_id: str
    member: str
    party: str
    due_on: date
    done_on: date | None
    contacted: bool | None
    mitigation: str
    overdue: bool


@dataclass(frozen=True)
class Reading(Result):
    """One reading of a member's situation at home, with its risk level."""

    member_id: str
    member: str
    on: date
    ingroup_pressure: float
    marginalisation: float
    publicly_exposed: bool
    risk: str


@dataclass(frozen=True)
class ReentryHistory(Result):
    """Every check planned and done, and every reading, in date order."""

    checks: list[Check]
    readings: list[Reading]


def history(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, *, today: date | None = None
) -> ReentryHistory:
    """Return a workshop's re-entry checks and readings; checks past due and not done are
    ``overdue``."""
    workshop = require_manager(uow, actor, workshop_id)
    parties = {p.id: p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    labels = candidate_labels(uow, actor, workshop_id)
    members = {row.id: row for row in uow.members.of_workshop(workshop_id)}
    day = today or now().date()

    def label(member_id: UUID) -> str:
        member = members.get(member_id)
        return labels.get(member.candidate_id, "?") if member else "?"

    checks = [
        Check(
            id=str(row.id),
            member_id=str(row.member_id),
            member=label(row.member_id),
            party=parties[members[row.member_id].party_id] if row.member_id in members else "",
            due_on=row.due_on,
            done_on=row.done_on,
            contacted=row.contacted,
            mitigation=uow.open_optional(workshop_id, row, "mitigation_enc") or "",
            overdue=row.done_on is None and row.due_on < day,
        )
        for row in uow.reentry_checks.of_workshop(workshop_id)
    ]
    readings = [
        Reading(
            member_id=str(row.member_id),
            member=label(row.member_id),
            on=row.followed_up_on,
            ingroup_pressure=row.ingroup_pressure,
            marginalisation=row.marginalisation,
            publicly_exposed=row.publicly_exposed,
            risk=risk_level(row.ingroup_pressure, row.marginalisation, row.publicly_exposed),
        )
        for row in uow.reentries.of_workshop(workshop_id)
    ]
    return ReentryHistory(checks=checks, readings=readings)
