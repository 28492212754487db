"""Retention: each workshop's records are kept until its date, then destroyed with its key.

The date is set when the workshop is created (by default a year after it,
:data:`~tracktwo.domain.rules.DEFAULT_RETENTION_DAYS`); :func:`enforce` destroys every
workshop past it, and may run as often as wanted: a second run on the same day finds
nothing left to destroy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracktwo.domain.actors import Actor
from tracktwo.domain.rules import past_retention
from tracktwo.services import workshops
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
    return RetentionRun(
        as_of=as_of,
        destruction=workshops.destroy_workshops(uow, actor, due, dry_run=dry_run),
    )
