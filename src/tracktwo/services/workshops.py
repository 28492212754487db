"""Workshops, their third-party teams, continuing series and the end of retention.

PRODUCT.md elements 3 (third party) and 18 (a series where each workshop starts from the
last one's ideas).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import (
    FACILITATOR_FLOOR,
    facilitator_flags,
    kept_until,
    require_party_size,
    require_retention_date,
    require_text,
    require_time_zone,
    require_unit_interval,
)
from tracktwo.errors import ValidationError
from tracktwo.services.access import require_manager, require_operator, require_reader
from tracktwo.services.conflicts import Party
from tracktwo.services.recruitment import IDENTITY_COPIED_FROM, IDENTITY_TRACES
from tracktwo.services.results import SOMETIMES, Recorded, Result
from tracktwo.store.models import (
    CandidateRow,
    ConflictRow,
    FacilitatorRow,
    IdeaRow,
    SeriesRow,
    WorkshopRow,
    new_id,
)
from tracktwo.store.unit_of_work import UnitOfWork, now

CARRY_ACTIONS = ("carried", "strengthen", "expand", "modify")
# The audit trail's action for a facilitator accepted with a quality below the floor.
FACILITATOR_FLAGGED = "facilitator-below-floor"


def create_series(uow: UnitOfWork, actor: Actor, conflict_id: UUID, *, name: str) -> UUID:
    """Open a continuing series of workshops for a conflict."""
    require_operator(actor, "open a workshop series")
    uow.get(ConflictRow, conflict_id, "conflict")
    series = SeriesRow(conflict_id=conflict_id, name=require_text("series name", name))
    uow.add(series)
    return series.id


def create_workshop(
    uow: UnitOfWork,
    actor: Actor,
    conflict_id: UUID,
    *,
    title: str,
    per_party: int,
    venue: str = "",
    series_id: UUID | None = None,
    retention_until: date | None = None,
    keep_only_endorsed: bool = False,
    time_zone: str | None = None,
) -> UUID:
    """Create a workshop with its own data key; 3-6 members per party (seed 3).

    Its pages show and take times in ``time_zone`` (an IANA name; none means UTC).

    Its records are kept until ``retention_until`` (not a date already past), by default
    :data:`~tracktwo.domain.rules.DEFAULT_RETENTION_DAYS` after today; then
    :func:`tracktwo.services.retention.enforce` destroys them with the key.

    With ``keep_only_endorsed``, joint contributions are kept only when both parties
    endorse them (services/record.py); the mode is chosen once, here.
    """
    require_operator(actor, "create a workshop")
    created = now()
    if retention_until is None:
        retention_until = kept_until(created, None)
    require_retention_date(retention_until, created.date())
    uow.get(ConflictRow, conflict_id, "conflict")
    sequence = 1
    previous: UUID | None = None
    if series_id is not None:
        series = uow.get(SeriesRow, series_id, "series")
        if series.conflict_id != conflict_id:
            raise ValidationError("that series belongs to another conflict")
        last = uow.workshops.last_of_series(series_id)
        if last is not None:
            sequence, previous = last.sequence + 1, last.id
    workshop = WorkshopRow(
        id=new_id(),
        conflict_id=conflict_id,
        series_id=series_id,
        sequence=sequence,
        previous_workshop_id=previous,
        title=require_text("workshop title", title, max_length=200),
        per_party=require_party_size(per_party),
        retention_until=retention_until,
        keep_only_endorsed=bool(keep_only_endorsed),
        time_zone=require_time_zone(time_zone),
        created_at=created,
    )
    uow.new_workshop_key(workshop.id)
    uow.add_sealed(workshop.id, workshop, venue_enc=venue.strip() or None)
    return workshop.id


def add_facilitator(
    uow: UnitOfWork,
    actor: Actor,
    workshop_id: UUID,
    *,
    name: str,
    email: str | None = None,
    lead: bool = False,
    impartiality: float,
    communication: float,
    sensitivity: float,
    credibility: dict[str, float],
    flag_below: float = FACILITATOR_FLOOR,
) -> Recorded:
    """Add a member of the third-party team with the qualities its credibility rests on.

    The seed (section 3) grounds a third party's credibility in its communication ability,
    impartiality and sensitivity to the parties' needs; credibility is kept per party.
    Impartiality or a credibility below ``flag_below`` (0-1) is accepted but flagged: the
    warnings are returned and the flag is written to the audit trail.
    """
    floor = require_unit_interval("flag_below", flag_below)
    workshop = require_manager(uow, actor, workshop_id)
    parties = {p.name for p in uow.get(ConflictRow, workshop.conflict_id).parties}
    unknown = set(credibility) - parties
    if unknown or set(credibility) != parties:
        raise ValidationError(
            f"give the facilitator's credibility with each party ({', '.join(sorted(parties))})"
        )
    row = FacilitatorRow(
        workshop_id=workshop_id,
        is_lead=lead,
        impartiality=require_unit_interval("impartiality", impartiality),
        communication=require_unit_interval("communication", communication),
        sensitivity=require_unit_interval("sensitivity", sensitivity),
        credibility={
            party: require_unit_interval(f"credibility with {party}", value)
            for party, value in credibility.items()
        },
    )
    uow.add_sealed(
        workshop_id,
        row,
        name_enc=require_text("name", name),
        email_enc=email.strip() if email else None,
    )
    warnings = facilitator_flags(row.impartiality, row.credibility, floor)
    if warnings:
        uow.audit(actor.label, FACILITATOR_FLAGGED, "facilitator", row.id, workshop_id)
    return Recorded(row.id, warnings)


@dataclass(frozen=True)
class Facilitator(Result):
    """A member of the third-party team; ``name`` only when revealed (left out of JSON else)."""

    id: str
    name: str | None = field(default=None, kw_only=True, metadata=SOMETIMES)
    lead: bool
    impartiality: float
    communication: float
    sensitivity: float
    credibility: dict[str, float]
    flags: list[str] = field(default_factory=list)


def third_party(
    uow: UnitOfWork,
    actor: Actor,
    workshop_id: UUID,
    *,
    reveal: bool = True,
    flag_below: float = FACILITATOR_FLOOR,
) -> list[Facilitator]:
    """Return the team, with names when ``reveal`` (each read is written to the audit trail);
    ``flags`` names each quality below ``flag_below``."""
    require_manager(uow, actor, workshop_id)
    floor = require_unit_interval("flag_below", flag_below)
    return [
        Facilitator(
            id=str(row.id),
            name=uow.read_name(actor.label, "facilitator", workshop_id, row) if reveal else None,
            lead=row.is_lead,
            impartiality=row.impartiality,
            communication=row.communication,
            sensitivity=row.sensitivity,
            credibility=row.credibility,
            flags=facilitator_flags(row.impartiality, row.credibility, floor),
        )
        for row in uow.facilitators.of_workshop(workshop_id)
    ]


def carry_ideas(
    uow: UnitOfWork,
    actor: Actor,
    workshop_id: UUID,
    *,
    actions: dict[UUID, str] | None = None,
) -> list[UUID]:
    """Start a series workshop from the previous one's ideas, re-sealed under its own key.

    ``actions`` maps a previous idea to what the community feedback suggests doing with it
    (``strengthen``, ``expand`` or ``modify``; the seed's conclusion); others are ``carried``.
    """
    workshop = require_manager(uow, actor, workshop_id)
    if workshop.previous_workshop_id is None:
        raise ValidationError("this workshop does not follow another one in a series")
    previous = workshop.previous_workshop_id
    chosen = actions or {}
    bad = {a for a in chosen.values() if a not in CARRY_ACTIONS}
    if bad:
        raise ValidationError(f"unknown carry action(s) {bad}; use one of {CARRY_ACTIONS}")
    ideas = uow.ideas.of_workshop(previous)
    known = {idea.id for idea in ideas}
    if set(chosen) - known:
        raise ValidationError("an idea named for carrying is not from the previous workshop")
    carried: list[UUID] = []
    for idea in ideas:
        row = uow.add_sealed(
            workshop_id,
            IdeaRow(
                workshop_id=workshop_id,
                proposed_by_party_id=idea.proposed_by_party_id,
                carried_from_idea_id=idea.id,
                carry_action=chosen.get(idea.id, "carried"),
                created_at=now(),
            ),
            text_enc=uow.open_field(previous, idea, "text_enc"),
        )
        carried.append(row.id)
    return carried


@dataclass(frozen=True)
class DestroyedWorkshop(Result):
    """A workshop destroyed with its data key (in a preview: one that would be)."""

    id: str
    title: str
    sequence: int
    series_id: str | None
    kept_until: date


@dataclass(frozen=True)
class LeftBehind(Result):
    """What a workshop that is not destroyed holds of destroyed ones: ideas carried from
    theirs (at any remove) and returning participants' identities copied from theirs, each
    sealed under this workshop's own key and kept until its own retention date."""

    workshop_id: str
    title: str
    sequence: int
    kept_until: date
    carried_ideas: int
    returning_participants: int


@dataclass(frozen=True)
class Destruction(Result):
    """What destroying workshops destroys, and what it leaves in the rest of their series.

    ``done`` is False for a preview, which changes nothing. ``series_id`` names a series
    destroyed whole. ``left_behind`` lists, per later workshop kept, the copies it holds;
    ``untraced_identities`` counts identities copied out of a destroyed workshop before
    copies were traced, whose later workshop is not recorded.
    """

    done: bool
    destroyed: list[DestroyedWorkshop]
    series_id: str | None
    left_behind: list[LeftBehind]
    untraced_identities: int


def _left_behind(uow: UnitOfWork, doomed: list[WorkshopRow]) -> tuple[list[LeftBehind], int]:
    """Count, per workshop kept, the copies it holds of the doomed workshops' ideas and
    people; and the identities copied out of them before copies were traced."""
    doomed_ids = {workshop.id for workshop in doomed}
    ideas: Counter[UUID] = Counter()
    frontier = {idea.id for workshop in doomed for idea in uow.ideas.of_workshop(workshop.id)}
    seen = set(frontier)
    while frontier:
        copies = [idea for idea in uow.ideas.carried_from(frontier) if idea.id not in seen]
        seen.update(idea.id for idea in copies)
        frontier = {idea.id for idea in copies}
        ideas.update(idea.workshop_id for idea in copies if idea.workshop_id not in doomed_ids)
    people: dict[UUID, set[UUID]] = {}
    untraced = 0
    for workshop in doomed:
        trail = uow.audit_trail(workshop.id)
        for entry in trail:
            if entry.action in IDENTITY_TRACES:
                copy = uow.find(CandidateRow, UUID(entry.record_id))
                if copy is not None and copy.workshop_id not in doomed_ids:
                    people.setdefault(copy.workshop_id, set()).add(copy.id)
        kept_in_series = workshop.series_id is not None and any(
            other.id not in doomed_ids for other in uow.workshops.of_series(workshop.series_id)
        )
        if kept_in_series:
            copied = sum(entry.action == "carry-identity" for entry in trail)
            traced = sum(entry.action == IDENTITY_COPIED_FROM for entry in trail)
            untraced += max(0, copied - traced)
    holders = [uow.get(WorkshopRow, holder) for holder in set(ideas) | set(people)]
    holders.sort(key=lambda row: (row.sequence, str(row.id)))
    left = [
        LeftBehind(
            workshop_id=str(row.id),
            title=row.title,
            sequence=row.sequence,
            kept_until=kept_until(row.created_at, row.retention_until),
            carried_ideas=ideas[row.id],
            returning_participants=len(people.get(row.id, ())),
        )
        for row in holders
    ]
    return left, untraced


def _destroy(
    uow: UnitOfWork,
    actor: Actor,
    doomed: list[WorkshopRow],
    series: SeriesRow | None,
    *,
    dry_run: bool,
) -> Destruction:
    left, untraced = _left_behind(uow, doomed)
    result = Destruction(
        done=not dry_run,
        destroyed=[
            DestroyedWorkshop(
                id=str(row.id),
                title=row.title,
                sequence=row.sequence,
                series_id=str(row.series_id) if row.series_id else None,
                kept_until=kept_until(row.created_at, row.retention_until),
            )
            for row in doomed
        ],
        series_id=str(series.id) if series is not None else None,
        left_behind=left,
        untraced_identities=untraced,
    )
    if dry_run or not doomed:
        return result
    # Each workshop's key, and in keep-only-endorsed mode the key of what is not yet pruned.
    keys = [row.id for row in doomed]
    keys += [row.pending_key_id for row in doomed if row.pending_key_id is not None]
    for row in doomed:
        uow.audit(actor.label, "destroy-workshop", "workshop", row.id, row.id)
    uow.remove(*doomed)
    if series is not None:
        uow.audit(actor.label, "destroy-series", "series", series.id)
        uow.remove(series)
    # Only after commit: a failed transaction must leave the records readable.
    for key in keys:
        uow.destroy_key_after_commit(key)
    return result


def destroy_workshops(
    uow: UnitOfWork, actor: Actor, workshop_ids: Sequence[UUID], *, dry_run: bool = False
) -> Destruction:
    """Delete workshops and destroy their data keys once the transaction commits; say what
    copies the rest of their series keeps (see :class:`Destruction`).

    Any backup of the database that still holds their rows cannot be decrypted once the key
    files are gone. With ``dry_run``, change nothing and say what would be destroyed.
    """
    require_operator(actor, "destroy a workshop")
    doomed = [uow.get(WorkshopRow, wid, "workshop") for wid in dict.fromkeys(workshop_ids)]
    return _destroy(uow, actor, doomed, None, dry_run=dry_run)


def destroy_workshop(
    uow: UnitOfWork,
    actor: Actor,
    workshop_id: UUID,
    *,
    series: bool = False,
    dry_run: bool = False,
) -> Destruction:
    """Delete a workshop at the end of its retention period and destroy its data key.

    Alone, it leaves what later workshops of its series copied from it (carried ideas,
    returning participants' identities, sealed under their own keys): the result lists
    them. With ``series``, every workshop of its series goes, each with its key, and the
    series itself. With ``dry_run``, change nothing and say what would be destroyed.
    """
    require_operator(actor, "destroy a workshop")
    workshop = uow.get(WorkshopRow, workshop_id, "workshop")
    if not series:
        return _destroy(uow, actor, [workshop], None, dry_run=dry_run)
    if workshop.series_id is None:
        raise ValidationError("this workshop belongs to no series: destroy it alone")
    whole = uow.get(SeriesRow, workshop.series_id, "series")
    return _destroy(uow, actor, uow.workshops.of_series(whole.id), whole, dry_run=dry_run)


@dataclass(frozen=True)
class WorkshopSummary(Result):
    """What any member of a workshop may know of it: title, venue, parties, series place,
    and the roles its candidates may hold (its conflict's)."""

    id: str
    title: str
    venue: str
    sequence: int
    per_party: int
    conflict: str
    parties: list[Party]
    time_zone: str
    roles: list[str]


def workshop_summary(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> WorkshopSummary:
    """Return what any member of a workshop may know of it: title, venue, parties, series."""
    workshop = require_reader(uow, actor, workshop_id)
    conflict = uow.get(ConflictRow, workshop.conflict_id)
    return WorkshopSummary(
        id=str(workshop.id),
        title=workshop.title,
        venue=(uow.open_optional(workshop.id, workshop, "venue_enc") or ""),
        sequence=workshop.sequence,
        per_party=workshop.per_party,
        conflict=conflict.name,
        parties=[Party.of(p) for p in conflict.parties],
        time_zone=workshop.time_zone or "UTC",
        roles=[role.name for role in conflict.roles],
    )


def facilitators_of(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> list[UUID]:
    """Return the ids of a workshop's third-party team, lead first (no names)."""
    require_manager(uow, actor, workshop_id)
    return [row.id for row in uow.facilitators.of_workshop(workshop_id)]


@dataclass(frozen=True)
class WorkshopListing(Result):
    """A workshop as the organiser lists it: title, place in its series, team size, whether
    composed, time zone."""

    id: str
    conflict_id: str
    title: str
    series: str | None
    series_id: str | None
    sequence: int
    per_party: int
    facilitators: int
    members: int
    time_zone: str
    retention_until: date | None


@dataclass(frozen=True)
class SeriesListing(Result):
    """A series of workshops on one conflict."""

    id: str
    name: str
    workshops: int


def workshops_of(uow: UnitOfWork, actor: Actor, conflict_id: UUID) -> list[WorkshopListing]:
    """Return a conflict's workshops in the order created (the organiser's view)."""
    require_operator(actor, "list a conflict's workshops")
    uow.get(ConflictRow, conflict_id, "conflict")
    series = {row.id: row.name for row in uow.workshops.series_of(conflict_id)}
    return [
        WorkshopListing(
            id=str(row.id),
            conflict_id=str(row.conflict_id),
            title=row.title,
            series=series.get(row.series_id) if row.series_id else None,
            series_id=str(row.series_id) if row.series_id else None,
            sequence=row.sequence,
            per_party=row.per_party,
            facilitators=len(uow.facilitators.of_workshop(row.id)),
            members=len(uow.members.of_workshop(row.id)),
            time_zone=row.time_zone or "UTC",
            retention_until=row.retention_until,
        )
        for row in uow.workshops.of_conflict(conflict_id)
    ]


def series_of(uow: UnitOfWork, actor: Actor, conflict_id: UUID) -> list[SeriesListing]:
    """Return a conflict's series of workshops, in the order opened."""
    require_operator(actor, "list a conflict's series")
    uow.get(ConflictRow, conflict_id, "conflict")
    return [
        SeriesListing(id=str(row.id), name=row.name, workshops=len(uow.workshops.of_series(row.id)))
        for row in uow.workshops.series_of(conflict_id)
    ]
