"""The common-ground analysis of a feedback round, stored with its engine version.

Its result is the next workshop's input: ideas both communities support are strengthened,
ideas that divide them are corrected (the seed's "strengthen, expand, or modify").
"""

from __future__ import annotations

import math
from typing import Any
from uuid import UUID

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.engines.commonground.community import CommunityParameters
from tracktwo.engines.commonground.pipeline import (
    AnalysisParameters,
    CommonGroundResult,
    analyze,
)
from tracktwo.engines.commonground.votes import VoteMatrix
from tracktwo.errors import AccessDenied, ValidationError
from tracktwo.services import feedback
from tracktwo.services.access import require_manager
from tracktwo.store.models import (
    FeedbackRoundRow,
    RespondentRow,
    RoundAnalysisRow,
)
from tracktwo.store.unit_of_work import UnitOfWork, now

TOP = 5
MAP_POINTS = 2000


def analyse_round(
    uow: UnitOfWork, actor: Actor, round_id: UUID, *, seed: int = 0
) -> dict[str, Any]:
    """Analyse the round's latest votes and store the summary with the engine version."""
    feedback_round = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback_round.workshop_id)
    frame = feedback.votes_frame(uow, actor, round_id)
    if frame.empty:
        raise ValidationError("nobody has voted in this round yet")
    texts = {s["position"]: s["text"] for s in feedback.statements(uow, actor, round_id)}
    threshold = feedback.round_of(uow, actor, round_id)["support_threshold"]
    matrix = VoteMatrix.from_frame(frame, time=None, statements=sorted(texts))
    communities = (
        frame.drop_duplicates("voter")
        .set_index("voter")["community"]
        .reindex(matrix.voter_ids)
        .to_numpy()
    )
    params = AnalysisParameters(community=CommunityParameters(support_threshold=threshold))
    result = analyze(matrix, communities=communities, seed=seed, params=params)
    summary = summarise(result, texts)
    uow.add(
        RoundAnalysisRow(
            round_id=round_id,
            engine_version=summary["engine_version"],
            result=_without_texts(summary),
            votes_counted=len(frame),
            created_at=now(),
        )
    )
    return summary


def summarise(result: CommonGroundResult, texts: dict[int, str]) -> dict[str, Any]:
    """Reduce the engine's result to what facilitators and respondents are shown.

    The three lists follow the rule of :mod:`tracktwo.engines.commonground.community`
    (stated in ``rule``). For the next workshop (the seed's "strengthen, expand, or
    modify"): what both communities support is strengthened, what divides them and is not
    supported by both is modified, the rest with enough votes is expanded; a statement
    with not enough votes yet gets no suggestion.
    """
    lists = result.common_ground()
    if lists is None:
        raise ValidationError("a round's analysis needs each respondent's community")
    statements = {int(row["statement"]): row for row in result.statements.to_dict("records")}

    def entry(item: dict[str, Any]) -> dict[str, Any]:
        position = int(item["statement"])
        row = statements.get(position, {})
        return {
            "position": position,
            "text": texts.get(position, ""),
            "communities": item["communities"],
            "cross_community": item["cross_community"],
            "support_gap": item["support_gap"],
            "gap_low": item["gap_low"],
            "gap_high": item["gap_high"],
            "fewest_votes": item["fewest_votes"],
            "bridging": _number(row.get("bridging")),
            "group_informed_consensus": _number(row.get("group_informed_consensus")),
        }

    both = [entry(item) for item in lists["both_support"]]
    divides = [entry(item) for item in lists["divides"]]
    waiting = [entry(item) for item in lists["not_enough_votes"]]
    verdict = {item["position"]: "both_support" for item in both}
    for item in divides:
        verdict.setdefault(item["position"], "divides")
    for item in waiting:
        verdict[item["position"]] = "not_enough_votes"
    action = {"both_support": "strengthen", "divides": "modify", "not_enough_votes": None}
    voters = result.voters
    clustered = voters[voters["in_conv"]]
    step = max(1, len(clustered) // MAP_POINTS)
    bridging = sorted(
        (row for row in statements.values() if _number(row.get("bridging")) is not None),
        key=lambda row: -float(row["bridging"]),
    )
    return {
        "engine_version": result.engine_version,
        "engine_versions": dict(result.engine_versions),
        "respondents": len(voters),
        "rule": {key: value for key, value in lists.items() if not isinstance(value, list)},
        "groups": [
            {"label": chr(ord("A") + int(g["group"])), "size": int(g["size"])}
            for g in result.groups.to_dict(orient="records")
        ],
        "both_support": both,
        "divides": divides,
        "not_enough_votes": waiting,
        "bridging": [
            {
                "position": int(row["statement"]),
                "text": texts.get(int(row["statement"]), ""),
                "bridging": _number(row.get("bridging")),
            }
            for row in bridging[:TOP]
        ],
        "map": [
            (float(v["x"]), float(v["y"]), int(v["group"]))
            for v in clustered.iloc[::step].to_dict(orient="records")
        ],
        "next_workshop": [
            {
                "position": position,
                "text": texts.get(position, ""),
                "verdict": verdict.get(position, "neither"),
                "action": action.get(verdict.get(position, ""), "expand"),
            }
            for position in sorted(statements)
        ],
    }


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _without_texts(summary: dict[str, Any]) -> dict[str, Any]:
    """Return the summary with statement texts removed: they stay sealed in their rows."""
    return {
        key: [{k: v for k, v in item.items() if k != "text"} for item in value]
        if isinstance(value, list) and value and isinstance(value[0], dict)
        else value
        for key, value in summary.items()
    }


def _latest(uow: UnitOfWork, round_id: UUID) -> dict[str, Any] | None:
    latest = uow.analyses.latest(round_id)
    if latest is None:
        return None
    feedback_round = uow.get(FeedbackRoundRow, round_id)
    texts = {
        row.position: uow.open_field(feedback_round.workshop_id, row, "text_enc")
        for row in uow.statements.of_round(round_id)
    }
    stored = latest.result
    if "rule" not in stored:
        # made before the rule of community-2.0: its lists ranked every statement
        return {"outdated": True, "engine_version": latest.engine_version, "map": []} | {
            "votes_counted": latest.votes_counted
        }
    return {
        key: [
            {**item, "text": texts.get(item["position"], "")} if "position" in item else item
            for item in value
        ]
        if isinstance(value, list) and value and isinstance(value[0], dict)
        else value
        for key, value in stored.items()
    } | {"votes_counted": latest.votes_counted}


def latest_analysis(uow: UnitOfWork, actor: Actor, round_id: UUID) -> dict[str, Any] | None:
    """Return the round's latest stored analysis, for its facilitators."""
    feedback_round = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback_round.workshop_id)
    return _latest(uow, round_id)


def respondent_results(uow: UnitOfWork, actor: Actor, round_id: UUID) -> dict[str, Any] | None:
    """Return the latest analysis to a respondent of the round, once results are open."""
    feedback_round = uow.get(FeedbackRoundRow, round_id, "feedback round")
    respondent = (
        uow.find(RespondentRow, UUID(actor.id)) if actor.kind is ActorKind.RESPONDENT else None
    )
    if respondent is None or respondent.round_id != round_id:
        raise AccessDenied("a respondent sees only their own round")
    if not feedback_round.results_open:
        raise AccessDenied("the facilitators have not opened the results yet")
    return _latest(uow, round_id)


def carry_actions(uow: UnitOfWork, actor: Actor, round_id: UUID) -> dict[UUID, str]:
    """Return, per released idea, what the latest analysis suggests the next workshop do.

    The answer feeds :func:`tracktwo.services.workshops.carry_ideas`.
    """
    feedback_round = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback_round.workshop_id)
    analysis = _latest(uow, round_id)
    if analysis is None:
        raise ValidationError("analyse the round before carrying its ideas forward")
    ideas = {
        row.position: row.idea_id
        for row in uow.statements.of_round(round_id)
        if row.idea_id is not None
    }
    return {
        ideas[item["position"]]: item["action"]
        for item in analysis["next_workshop"]
        if item.get("position") in ideas and item.get("action")
    }
