"""Use cases run on the unit of work they are given, so they can be tested with no database:
a fake unit of work holds rows in a dictionary and records what was audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from tracktwo.domain.actors import Actor
from tracktwo.domain.feedback import Moderation, StatementOrigin
from tracktwo.errors import AccessDenied, NotFoundError, ValidationError
from tracktwo.services import feedback
from tracktwo.store.models import FeedbackRoundRow, RoundStatementRow, WorkshopRow

OPERATOR = Actor.operator()


class FakeUnitOfWork:
    """Rows in memory; ``get`` and ``audit`` as the store's unit of work offers them."""

    def __init__(self, *rows: Any) -> None:
        self.rows = {(type(row), row.id): row for row in rows}
        self.audited: list[tuple[str, str, str]] = []

    def get(self, row_type: type, row_id: UUID | str, what: str | None = None) -> Any:
        row = self.rows.get((row_type, UUID(str(row_id))))
        if row is None:
            raise NotFoundError(f"no {what or row_type.__name__} with id {row_id}")
        return row

    def audit(
        self, actor: str, action: str, record_type: str, record_id: Any, workshop_id: Any = None
    ) -> None:
        self.audited.append((actor, action, record_type))


@pytest.fixture
def world() -> tuple[FakeUnitOfWork, FeedbackRoundRow, RoundStatementRow]:
    workshop = WorkshopRow(id=uuid4(), title="W", per_party=3)
    feedback_round = FeedbackRoundRow(
        id=uuid4(),
        workshop_id=workshop.id,
        title="R",
        opened_at=datetime(2026, 1, 1),
        results_open=False,
        support_threshold=0.5,
    )
    suggested = RoundStatementRow(
        id=uuid4(),
        round_id=feedback_round.id,
        position=1,
        origin=StatementOrigin.RESPONDENT.value,
        moderation=Moderation.PENDING.value,
    )
    return FakeUnitOfWork(workshop, feedback_round, suggested), feedback_round, suggested


def test_opening_results_changes_the_round_and_a_stranger_is_refused(world: Any) -> None:
    uow, feedback_round, _ = world
    feedback.set_results_open(uow, OPERATOR, feedback_round.id, open_=True)  # type: ignore[arg-type]
    assert feedback_round.results_open is True
    stranger = Actor.facilitator(uuid4(), uuid4())
    with pytest.raises(AccessDenied):
        feedback.set_results_open(uow, stranger, feedback_round.id, open_=False)  # type: ignore[arg-type]
    assert feedback_round.results_open is True


def test_a_new_support_threshold_is_kept_and_audited_and_a_bad_one_changes_nothing(
    world: Any,
) -> None:
    uow, feedback_round, _ = world
    feedback.set_support_threshold(uow, OPERATOR, feedback_round.id, 0.7)  # type: ignore[arg-type]
    assert feedback_round.support_threshold == 0.7
    assert uow.audited == [(OPERATOR.label, "set-support-threshold", "feedback-round")]
    with pytest.raises(ValidationError, match="support_threshold"):
        feedback.set_support_threshold(uow, OPERATOR, feedback_round.id, 1.5)  # type: ignore[arg-type]
    assert feedback_round.support_threshold == 0.7 and len(uow.audited) == 1


def test_moderation_accepts_a_respondents_statement_and_refuses_an_unknown_one(
    world: Any,
) -> None:
    uow, _, suggested = world
    feedback.moderate(uow, OPERATOR, suggested.id, accept=True)  # type: ignore[arg-type]
    assert suggested.moderation == Moderation.ACCEPTED.value
    with pytest.raises(NotFoundError, match="statement"):
        feedback.moderate(uow, OPERATOR, uuid4(), accept=False)  # type: ignore[arg-type]
