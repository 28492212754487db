"""Retention: each workshop's records are kept until its date, then destroyed with its key.

The date is set when the workshop is created (by default a year after it,
:data:`~tracktwo.domain.rules.DEFAULT_RETENTION_DAYS`); :func:`enforce` destroys every
workshop past it, and may run as often as wanted: a second run on the same day finds
nothing left to destroy. It also ends, for keep-only-endorsed workshops, each joint
session that is over: what both parties did not endorse is destroyed with its key
(:mod:`tracktwo.services.record`), so a cron job keeps the record minimal even when the
facilitator forgets the button.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import past_retention
from tracktwo.services import record, workshops
from tracktwo.services.access import require_operator
from tracktwo.services.results import Result
from tracktwo.services.workshops import Destruction
from tracktwo.store.unit_of_work import UnitOfWork, now


@dataclass(frozen=True)
class RetentionRun(Result):
    """One run of retention: the day it judged by, and what it destroyed (or, in a dry run,
    would destroy) and left in later workshops."""

    as_of: date
    destruction: Destruction
    pruned: list[str] = field(default_factory=list, kw_only=True)


def enforce(
    uow: UnitOfWork, actor: Actor, *, today: date | None = None, dry_run: bool = False
) -> RetentionRun:
    """Destroy every workshop whose retention date is before ``today`` (default: today in
    UTC), rows now and data keys once the transaction commits; with ``dry_run``, change
    nothing and say what would be destroyed. For the operator only."""
    require_operator(actor, "enforce retention")
    as_of = today if today is not None else now().date()
    due = [
        row.id
        for row in uow.workshops.every()
        if past_retention(row.created_at, row.retention_until, as_of)
    ]
    pruned = [] if dry_run else _prune_ended_sessions(uow, actor, set(due))
    return RetentionRun(
        as_of=as_of,
        destruction=workshops.destroy_workshops(uow, actor, due, dry_run=dry_run),
        pruned=pruned,
    )


def _prune_ended_sessions(uow: UnitOfWork, actor: Actor, skip: set[UUID]) -> list[str]:
    """Keep only what both parties endorsed in each keep-only-endorsed workshop whose joint
    session has ended since its last pruning (the facilitator may also do it at once)."""
    moment = now()
    pruned = []
    for row in uow.workshops.every():
        if row.id in skip or not row.keep_only_endorsed or row.pending_key_id is None:
            continue
        last = datetime.fromisoformat(row.last_pruning["at"]) if row.last_pruning else None
        ended = [
            session.starts_at + timedelta(hours=session.hours)
            for session in uow.schedule.sessions(row.id)
            if session.party_id is None
        ]
        if any(end <= moment and (last is None or end > last) for end in ended):
            record.keep_only_endorsed(uow, actor, row.id)
            pruned.append(str(row.id))
    return pruned


def forget_destroyed(uow: UnitOfWork, actor: Actor) -> list[str]:
    """Delete the rows of every workshop whose data key is gone from the keys folder: a
    workshop destroyed after a backup was taken, come back with that backup. Its rows could
    not be read anyway; this takes them out of the database too. For the operator."""
    require_operator(actor, "restore a backup")
    gone = [row for row in uow.workshops.every() if not uow.has_data_key(row.id)]
    for row in gone:
        uow.audit(actor.label, "forget-destroyed-workshop", "workshop", row.id, row.id)
    if gone:
        uow.remove(*gone)
    return [str(row.id) for row in gone]
