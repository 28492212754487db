"""The schedule: a preliminary session per party, then joint days (element 7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

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
    zone = workshop.time_zone
    # Two facilitators adding sessions at once: each checks the rules against the other's.
    uow.lock(workshop)
    new = Slot(starts_at, hours, party if party_id else None, zone)
    require_schedule_fits(new, _slots(uow, workshop_id, names, zone=zone))
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


def _slots(
    uow: UnitOfWork,
    workshop_id: UUID,
    names: dict[UUID, str],
    *,
    leaving: UUID | None = None,
    zone: str | None = None,
) -> list[Slot]:
    """Return the workshop's scheduled sessions as time slots, each with its party's name,
    described in the workshop's time zone (all but ``leaving``, a session being moved)."""
    return [
        Slot(row.starts_at, row.hours, names[row.party_id] if row.party_id else None, zone)
        for row in uow.schedule.sessions(workshop_id)
        if row.id != leaving
    ]


def move_session(
    uow: UnitOfWork,
    actor: Actor,
    session_id: UUID,
    *,
    starts_at: datetime,
    hours: float,
    venue: str | None = None,
) -> None:
    """Move a session or change its length (and venue), under the same rules as a new one:
    preliminary sessions 4-5 hours and before the joint ones, no two sessions of the same
    people overlapping. Its ratings stay with it."""
    session = uow.get(SessionRow, session_id, "session")
    workshop = require_manager(uow, actor, session.workshop_id)
    names = {p.id: p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    if session.kind == PRELIMINARY:
        require_preliminary_hours(hours)
    elif not 0 < hours <= 12:
        raise ValidationError(f"a joint session lasts up to 12 hours a day, got {hours:g}")
    party = names[session.party_id] if session.party_id else None
    zone = workshop.time_zone
    uow.lock(workshop)
    require_schedule_fits(
        Slot(starts_at, hours, party, zone),
        _slots(uow, workshop.id, names, leaving=session.id, zone=zone),
    )
    session.starts_at, session.hours = starts_at, hours
    if venue is not None and venue.strip():
        uow.seal_field(workshop.id, session, "venue_enc", venue.strip())
    uow.audit(actor.label, "move-session", "session", session.id, workshop.id)


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
    local_start: str
    """The start in the workshop's time zone, as ``2026-03-02 09:00 EET``."""
    ratings: int
    """How many participants rated the session (pleasant and rewarding, 1-5)."""


def schedule(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> list[Session]:
    """Return the sessions in time order; a participant sees joint ones and their party's."""
    workshop = require_reader(uow, actor, workshop_id)
    names = {p.id: p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    rows = uow.schedule.sessions(workshop_id)
    zone = workshop_zone(workshop.time_zone)
    rated = uow.schedule.rating_counts(workshop_id)
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
            local_start=local_time(row.starts_at, zone),
            ratings=rated.get(row.id, 0),
        )
        for row in visible
    ]


def workshop_zone(name: str | None) -> ZoneInfo:
    """Return a workshop's time zone (UTC when it named none)."""
    return ZoneInfo(name or "UTC")


def local_time(utc: datetime, zone: ZoneInfo) -> str:
    """Show a stored (naive UTC) time in ``zone``: ``2026-03-02 09:00 EET``."""
    moment = utc.replace(tzinfo=UTC).astimezone(zone)
    return f"{moment:%Y-%m-%d %H:%M} {moment.tzname()}"


def from_local(text: str, zone_name: str | None) -> datetime:
    """Read a wall-clock time typed in the workshop's time zone (``2026-03-02T09:00`` or
    with a space) and return it as the naive UTC time the store keeps."""
    try:
        typed = datetime.fromisoformat(text.strip().replace(" ", "T"))
    except ValueError:
        raise ValidationError(
            f"a session's start is a date and time such as 2026-03-02T09:00, got {text!r}"
        ) from None
    if typed.tzinfo is None:
        typed = typed.replace(tzinfo=workshop_zone(zone_name))
    return typed.astimezone(UTC).replace(tzinfo=None)


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


def rate_session(uow: UnitOfWork, actor: Actor, session_id: UUID, *, value: float) -> float | None:
    """Record a participant's rating (1-5) of how pleasant and rewarding a session was.

    One rating per person and session: a second replaces the first (returned), so that
    nobody counts twice toward the "pleasant and rewarding" contact condition. Only a
    session the participant attends can be rated, and only once it has begun.
    """
    session = uow.get(SessionRow, session_id, "session")
    member = require_contributor(uow, actor, session.workshop_id)
    if not 1 <= value <= 5:
        raise ValidationError(f"a session rating is from 1 to 5, got {value:g}")
    if session.party_id is not None and session.party_id != member.party_id:
        raise ValidationError("a preliminary session is rated by its own party's members")
    token = uow.cipher(session.workshop_id).pseudonym(
        f"session-rating:{session.id}", str(member.id)
    )
    earlier = uow.schedule.rating_by(session.id, token)
    if earlier is not None:
        replaced = earlier.value
        earlier.value = float(value)
        return replaced
    uow.add(
        SessionRatingRow(
            session_id=session_id, party_id=member.party_id, value=float(value), rater_token=token
        )
    )
    return None


def workshop_of_session(uow: UnitOfWork, actor: Actor, session_id: UUID) -> UUID:
    """Return the workshop a session belongs to, for someone who may read its schedule."""
    session = uow.get(SessionRow, session_id, "session")
    require_reader(uow, actor, session.workshop_id)
    return session.workshop_id


def own_session_ratings(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> dict[str, float]:
    """Return the signed-in participant's own rating of each session they rated."""
    member = require_contributor(uow, actor, workshop_id)
    cipher = uow.cipher(workshop_id)
    rated: dict[str, float] = {}
    for row in uow.schedule.sessions(workshop_id):
        token = cipher.pseudonym(f"session-rating:{row.id}", str(member.id))
        found = uow.schedule.rating_by(row.id, token)
        if found is not None:
            rated[str(row.id)] = found.value
    return rated
