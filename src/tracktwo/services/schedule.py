"""The schedule: a preliminary session per party, then joint days (element 7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.calendar import CalendarEvent, to_icalendar
from tracktwo.domain.rules import Slot, require_preliminary_hours, require_schedule_fits
from tracktwo.errors import ValidationError
from tracktwo.services.access import require_contributor, require_manager, require_reader
from tracktwo.services.results import Result
from tracktwo.store.models import ConflictRow, SessionRatingRow, SessionRow
from tracktwo.store.unit_of_work import UnitOfWork, now

PRELIMINARY = "preliminary"
JOINT = "joint"


def schedule_session(
    uow: UnitOfWork,
    actor: Actor,
    workshop_id: UUID,
    *,
    kind: str,
    starts_at: datetime,
    hours: float,
    party: str | None = None,
    venue: str | None = None,
) -> UUID:
    """Schedule a preliminary session (one party, 4-5 hours) or a joint session.

    Refused, naming the rule, when a joint session would start before a party's preliminary
    session ends, or when it overlaps a session the same people attend.
    """
    workshop = require_manager(uow, actor, workshop_id)
    parties = {p.name: p.id for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    party_id = None
    if kind == PRELIMINARY:
        if party not in parties:
            raise ValidationError(
                f"a preliminary session is for one party: name one of {', '.join(parties)}"
            )
        require_preliminary_hours(hours)
        party_id = parties[party]
    elif kind == JOINT:
        if party is not None:
            raise ValidationError("a joint session brings all parties together: name none")
        if not 0 < hours <= 12:
            raise ValidationError(f"a joint session lasts up to 12 hours a day, got {hours:g}")
    else:
        raise ValidationError(f"session kind must be {PRELIMINARY!r} or {JOINT!r}, got {kind!r}")
    names = {key: name for name, key in parties.items()}
    new = Slot(starts_at, hours, party if party_id else None)
    require_schedule_fits(new, _slots(uow, workshop_id, names))
    row = SessionRow(
        workshop_id=workshop_id, kind=kind, party_id=party_id, starts_at=starts_at, hours=hours
    )
    uow.add_sealed(
        workshop_id,
        row,
        venue_enc=(venue or "").strip()
        or (uow.open_optional(workshop.id, workshop, "venue_enc") or "")
        or None,
    )
    return row.id


def _slots(uow: UnitOfWork, workshop_id: UUID, names: dict[UUID, str]) -> list[Slot]:
    """Return the workshop's scheduled sessions as time slots, each with its party's name."""
    return [
        Slot(row.starts_at, row.hours, names[row.party_id] if row.party_id else None)
        for row in uow.schedule.sessions(workshop_id)
    ]


def remove_session(uow: UnitOfWork, actor: Actor, session_id: UUID) -> None:
    """Take a session off the schedule (its ratings go with it)."""
    session = uow.get(SessionRow, session_id, "session")
    require_manager(uow, actor, session.workshop_id)
    uow.remove(session)


@dataclass(frozen=True)
class Session(Result):
    """One scheduled session: preliminary (one party) or joint, when, how long and where."""

    id: str
    kind: str
    party: str | None
    starts_at: str
    hours: float
    venue: str


def schedule(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> list[Session]:
    """Return the sessions in time order; a participant sees joint ones and their party's."""
    workshop = require_reader(uow, actor, workshop_id)
    names = {p.id: p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    rows = uow.schedule.sessions(workshop_id)
    visible = [
        row for row in rows if actor.party_id is None or row.party_id in (None, actor.party_id)
    ]
    return [
        Session(
            id=str(row.id),
            kind=row.kind,
            party=names.get(row.party_id) if row.party_id else None,
            starts_at=row.starts_at.isoformat(),
            hours=row.hours,
            venue=uow.open_optional(workshop_id, row, "venue_enc") or "",
        )
        for row in visible
    ]


def icalendar(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> str:
    """Return the schedule as iCalendar text (no participant names in it)."""
    sessions = schedule(uow, actor, workshop_id)
    events = [
        CalendarEvent(
            uid=f"{entry.id}@tracktwo",
            summary=(
                f"Preliminary session ({entry.party})"
                if entry.kind == PRELIMINARY
                else "Joint workshop session"
            ),
            starts_at=datetime.fromisoformat(entry.starts_at),
            hours=entry.hours,
            location=entry.venue,
        )
        for entry in sessions
    ]
    return to_icalendar(events, calendar_name="Workshop schedule", stamp=now())


def rate_session(uow: UnitOfWork, actor: Actor, session_id: UUID, *, value: float) -> None:
    """Record a participant's rating (1-5) of how pleasant and rewarding a session was."""
    session = uow.get(SessionRow, session_id, "session")
    member = require_contributor(uow, actor, session.workshop_id)
    if not 1 <= value <= 5:
        raise ValidationError(f"a session rating is from 1 to 5, got {value:g}")
    uow.add(SessionRatingRow(session_id=session_id, party_id=member.party_id, value=value))
