"""The ripeness of a conflict on a page, shared by the organiser's conflict page and the
facilitators' ripeness page: the timeline, who assessed it on what evidence, and the form
that records an assessment."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from tracktwo.domain.actors import Actor
from tracktwo.services import conflicts
from tracktwo.services.transaction import UnitOfWork
from tracktwo.web.charts import ripeness_svg
from tracktwo.web.routes.forms import parse_day, parse_share


def ripeness_context(
    uow: UnitOfWork, actor: Actor, conflict_id: UUID, action: str
) -> dict[str, Any]:
    """What the ripeness part of a page shows; its form posts to ``action``."""
    timeline = conflicts.ripeness(uow, actor, conflict_id)
    return {
        "profile": conflicts.conflict_profile(uow, actor, conflict_id),
        "assessments": conflicts.assessments(uow, actor, conflict_id),
        "ripeness_chart": ripeness_svg([point.to_dict() for point in timeline.points]),
        "today": date.today().isoformat(),
        "ripeness_action": action,
    }


def record_assessment(
    uow: UnitOfWork,
    actor: Actor,
    conflict_id: UUID,
    *,
    party: str,
    assessed_on: str,
    can_win_alone: str,
    stalemate_pain: str,
    assessor: str,
    basis: str,
) -> None:
    """Record the assessment the ripeness form sent, each field read by name."""
    conflicts.record_ripeness(
        uow,
        actor,
        conflict_id,
        party=party,
        assessed_on=parse_day("date of the assessment", assessed_on),
        believes_can_win_alone=can_win_alone == "yes",
        stalemate_pain=parse_share("stalemate pain", stalemate_pain),
        assessor=assessor,
        basis=basis,
    )
