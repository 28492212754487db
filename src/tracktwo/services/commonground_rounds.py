"""The common-ground analysis of a feedback round, stored with its engine version.

Its result is the next workshop's input: ideas both communities support are strengthened,
ideas that divide them are corrected (the seed's "strengthen, expand, or modify").
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import select

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.engines.commonground.votes import VoteMatrix
from tracktwo.errors import AccessDenied, ValidationError
from tracktwo.services import feedback
from tracktwo.services.access import require_manager
from tracktwo.store.database import Store
from tracktwo.store.models import FeedbackRoundRow, RespondentRow, RoundAnalysisRow
from tracktwo.store.unit_of_work import UnitOfWork, now

TOP = 5


def analyse_round(store: Store, actor: Actor, round_id: UUID, *, seed: int = 0) -> dict[str, Any]:
    """Analyse the round's latest votes and store the summary with the engine version."""
    frame = feedback.votes_frame(store, actor, round_id)
    if frame.empty:
        raise ValidationError("nobody has voted in this round yet")
    texts = {s["position"]: s["text"] for s in feedback.statements(store, actor, round_id)}
    matrix = VoteMatrix.from_frame(frame, time=None, statements=sorted(texts))
    communities = (
        frame.drop_duplicates("voter")
        .set_index("voter")["community"]
        .reindex(matrix.voter_ids)
        .to_numpy()
    )
    from tracktwo.engines.commonground.pipeline import analyze

    result = analyze(matrix, communities=communities, seed=seed)
    summary = summarise(result.to_dict(), texts)
    with UnitOfWork(store) as uow:
        feedback_round = uow.get(FeedbackRoundRow, round_id, "feedback round")
        require_manager(uow, actor, feedback_round.workshop_id)
        uow.add(
            RoundAnalysisRow(
                round_id=round_id,
                engine_version=summary["engine_version"],
                result=summary,
                votes_counted=len(frame),
                created_at=now(),
            )
        )
    return summary


def summarise(result: dict[str, Any], texts: dict[int, str]) -> dict[str, Any]:
    """Reduce the engine's result to what facilitators and respondents are shown."""
    raise NotImplementedError


def _latest(uow: UnitOfWork, round_id: UUID) -> dict[str, Any] | None:
    rows = uow.all(
        select(RoundAnalysisRow)
        .where(RoundAnalysisRow.round_id == round_id)
        .order_by(RoundAnalysisRow.created_at.desc())
    )
    if not rows:
        return None
    return {**rows[0].result, "votes_counted": rows[0].votes_counted}


def latest_analysis(store: Store, actor: Actor, round_id: UUID) -> dict[str, Any] | None:
    """Return the round's latest stored analysis, for its facilitators."""
    with UnitOfWork(store) as uow:
        feedback_round = uow.get(FeedbackRoundRow, round_id, "feedback round")
        require_manager(uow, actor, feedback_round.workshop_id)
        return _latest(uow, round_id)


def respondent_results(store: Store, actor: Actor, round_id: UUID) -> dict[str, Any] | None:
    """Return the latest analysis to a respondent of the round, once results are open."""
    with UnitOfWork(store) as uow:
        feedback_round = uow.get(FeedbackRoundRow, round_id, "feedback round")
        respondent = (
            uow.session.get(RespondentRow, UUID(actor.id))
            if actor.kind is ActorKind.RESPONDENT
            else None
        )
        if respondent is None or respondent.round_id != round_id:
            raise AccessDenied("a respondent sees only their own round")
        if not feedback_round.results_open:
            raise AccessDenied("the facilitators have not opened the results yet")
        return _latest(uow, round_id)
