"""Workshops, their third-party teams, continuing series and the end of retention.

PRODUCT.md elements 3 (third party) and 18 (a series where each workshop starts from the
last one's ideas).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import (
    kept_until,
    require_party_size,
    require_retention_date,
    require_text,
    require_unit_interval,
)
from tracktwo.errors import ValidationError
from tracktwo.services.access import require_manager, require_operator, require_reader
from tracktwo.services.conflicts import Party
from tracktwo.services.results import SOMETIMES, Result
from tracktwo.store.models import (
    ConflictRow,
    FacilitatorRow,
    IdeaRow,
    SeriesRow,
    WorkshopRow,
    new_id,
)
from tracktwo.store.unit_of_work import UnitOfWork, now

CARRY_ACTIONS = ("carried", "strengthen", "expand", "modify")


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
) -> UUID:
    """Create a workshop with its own data key; 3-6 members per party (seed 3).

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
) -> UUID:
    """Add a member of the third-party team with the qualities its credibility rests on.

    The seed (section 3) grounds a third party's credibility in its communication ability,
    impartiality and sensitivity to the parties' needs; credibility is kept per party.
    """
    require_operator(actor, "form the third-party team")
    workshop = uow.get(WorkshopRow, workshop_id, "workshop")
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
    return row.id


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


def third_party(
    uow: UnitOfWork, actor: Actor, workshop_id: UUID, *, reveal: bool = True
) -> list[Facilitator]:
    """Return the team, with names when ``reveal`` (each read is written to the audit trail)."""
    require_manager(uow, actor, workshop_id)
    return [
        Facilitator(
            id=str(row.id),
            name=uow.read_name(actor.label, "facilitator", workshop_id, row) if reveal else None,
            lead=row.is_lead,
            impartiality=row.impartiality,
            communication=row.communication,
            sensitivity=row.sensitivity,
            credibility=row.credibility,
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


def destroy_workshop(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> None:
    """Delete a workshop at the end of its retention period and destroy its data key.

    Any backup of the database that still holds the workshop's rows cannot be decrypted
    once the key file is gone.
    """
    require_operator(actor, "destroy a workshop")
    workshop = uow.get(WorkshopRow, workshop_id, "workshop")
    uow.audit(actor.label, "destroy-workshop", "workshop", workshop_id, workshop_id)
    uow.remove(workshop)
    uow.destroy_key_after_commit(workshop_id)


@dataclass(frozen=True)
class WorkshopSummary(Result):
    """What any member of a workshop may know of it: title, venue, parties, series place."""

    id: str
    title: str
    venue: str
    sequence: int
    per_party: int
    conflict: str
    parties: list[Party]


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
    )


def facilitators_of(uow: UnitOfWork, actor: Actor, workshop_id: UUID) -> list[UUID]:
    """Return the ids of a workshop's third-party team, lead first (no names)."""
    require_manager(uow, actor, workshop_id)
    return [row.id for row in uow.facilitators.of_workshop(workshop_id)]
