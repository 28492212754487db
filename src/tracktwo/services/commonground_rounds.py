"""The common-ground analysis of a feedback round, stored with its engine version.

Its result is the next workshop's input: ideas both communities support are strengthened,
ideas that divide them are corrected (the seed's "strengthen, expand, or modify").
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from uuid import UUID

import numpy as np
import pandas as pd

from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.engines.commonground.community import CommunityParameters, next_workshop
from tracktwo.engines.commonground.pipeline import (
    AnalysisParameters,
    CommonGroundResult,
    analyze,
)
from tracktwo.engines.commonground.votes import VoteMatrix
from tracktwo.errors import AccessDenied, ValidationError
from tracktwo.io.polis import write_round_export
from tracktwo.services import feedback
from tracktwo.services.access import require_manager
from tracktwo.services.results import IN_ROOM_ONLY, SOMETIMES, Result
from tracktwo.store.models import (
    FeedbackRoundRow,
    RespondentRow,
    RoundAnalysisRow,
)
from tracktwo.store.unit_of_work import UnitOfWork, now

TOP = 5
MAP_CELLS = 24  # the opinion map is a grid of this many cells a side


@dataclass(frozen=True)
class CommunityFigures(Result):
    """One community's votes on a statement: how many, how many agree, the agreement
    share and its 95% interval; all but the count withheld below three votes."""

    n_votes: int
    n_agree: int | None
    share: float | None
    low: float | None
    high: float | None
    suppressed: bool | None = field(default=None, kw_only=True, metadata=SOMETIMES)


@dataclass(frozen=True)
class SortedStatement(Result):
    """A statement in one of the analysis's three lists, with its figures per community."""

    position: int
    text: str
    communities: dict[str, CommunityFigures]
    cross_community: float | None
    support_gap: float | None
    gap_low: float | None
    gap_high: float | None
    fewest_votes: int
    bridging: float | None
    group_informed_consensus: float | None


@dataclass(frozen=True)
class SortingRule(Result):
    """The rule that sorted the statements into the three lists, stated and as parameters."""

    rule: str
    statement_of_rule: str
    confidence: float
    support_threshold: float
    divide_gap: float
    min_votes: int


@dataclass(frozen=True)
class OpinionGroup(Result):
    """An opinion group of respondents: its letter, its size, how many of it come from each
    community, and the statements that set it apart (Pol.is's representative statements)."""

    label: str
    size: int
    communities: dict[str, int] = field(default_factory=dict, kw_only=True)
    representative: list[GroupStatement] = field(default_factory=list, kw_only=True)


@dataclass(frozen=True)
class GroupStability(Result):
    """How far the opinion groups can be trusted: the least stable group's clusterwise
    stability over resamples of the respondents, its verdict, and the sentence shown."""

    score: float | None
    verdict: str
    sentence: str


@dataclass(frozen=True)
class BridgingStatement(Result):
    """A statement that bridges the opinion groups, with its bridging score, the 90% band of
    that score over resampled respondents, and whether too few rated it to read the score."""

    position: int
    text: str
    bridging: float | None
    low: float | None = field(default=None, kw_only=True, metadata=SOMETIMES)
    high: float | None = field(default=None, kw_only=True, metadata=SOMETIMES)
    raters: int | None = field(default=None, kw_only=True, metadata=SOMETIMES)
    too_few_raters: bool | None = field(default=None, kw_only=True, metadata=SOMETIMES)


@dataclass(frozen=True)
class ConsensusStatement(Result):
    """A statement past Pol.is's consensus test: agreed (or rejected) across the groups."""

    position: int
    text: str
    way: str
    group_informed_consensus: float | None


@dataclass(frozen=True)
class MapPoint:
    """A cell of the opinion map: its centre (0-1 on each axis), an opinion group (-1: not
    grouped) and how many of that group's respondents fall in it."""

    x: float
    y: float
    group: int
    count: int = 1


@dataclass(frozen=True)
class GroupStatement(Result):
    """A statement that sets an opinion group apart: how the group voted on it, and how many
    of the group agreed (or disagreed) of those who saw it."""

    position: int
    text: str
    way: str
    share: float


@dataclass(frozen=True)
class Suggestion(Result):
    """What the next workshop should do with a statement (strengthen, modify, expand)."""

    position: int
    text: str
    verdict: str
    action: str | None


@dataclass(frozen=True)
class RoundAnalysis(Result):
    """A round's common-ground analysis under the current rule, as it is shown."""

    outdated: ClassVar[bool] = False

    engine_version: str
    engine_versions: dict[str, str]
    respondents: int
    rule: SortingRule
    groups: list[OpinionGroup]
    both_support: list[SortedStatement]
    divides: list[SortedStatement]
    not_enough_votes: list[SortedStatement]
    bridging: list[BridgingStatement]
    map: list[MapPoint]
    next_workshop: list[Suggestion]
    votes_counted: int
    stability: GroupStability | None = field(default=None, kw_only=True, metadata=SOMETIMES)
    consensus: list[ConsensusStatement] = field(default_factory=list, kw_only=True)
    # Where each respondent is on the map (by respondent id): read back for a respondent's
    # own "you", never shown or exported.
    positions: dict[str, list[float]] = field(
        default_factory=dict, kw_only=True, metadata=IN_ROOM_ONLY
    )

    def to_dict(self) -> dict[str, Any]:
        """Return the analysis as plain data; map points are (x, y, group) triples."""
        return super().to_dict() | {"map": [(p.x, p.y, p.group, p.count) for p in self.map]}


@dataclass(frozen=True)
class OutdatedAnalysis(Result):
    """An analysis stored under the earlier rule: only its engine and vote count are shown."""

    outdated: bool
    engine_version: str
    map: list[MapPoint]
    votes_counted: int


def analyse_round(uow: UnitOfWork, actor: Actor, round_id: UUID, *, seed: int = 0) -> RoundAnalysis:
    """Analyse the round's latest votes and store the summary with the engine version."""
    feedback_round = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback_round.workshop_id)
    frame = feedback.votes_frame(uow, actor, round_id)
    if frame.empty:
        raise ValidationError("nobody has voted in this round yet")
    texts = {s.position: s.text for s in feedback.statements(uow, actor, round_id)}
    threshold = feedback_round.support_threshold
    matrix = VoteMatrix.from_frame(frame, time=None, statements=sorted(texts))
    communities = (
        frame.drop_duplicates("voter")
        .set_index("voter")["community"]
        .reindex(matrix.voter_ids)
        .to_numpy()
    )
    params = AnalysisParameters(community=CommunityParameters(support_threshold=threshold))
    result = analyze(matrix, communities=communities, seed=seed, params=params)
    summary = summarise(result, texts, votes_counted=len(frame))
    uow.add(
        RoundAnalysisRow(
            round_id=round_id,
            engine_version=summary.engine_version,
            result=_stored(summary),
            votes_counted=summary.votes_counted,
            created_at=now(),
        )
    )
    return summary


def summarise(
    result: CommonGroundResult, texts: dict[int, str], *, votes_counted: int
) -> RoundAnalysis:
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
    suggested = next_workshop(lists, sorted(statements))
    voters = result.voters
    cells, positions = _map_cells(voters)
    bridging = sorted(
        (row for row in statements.values() if _number(row.get("bridging")) is not None),
        key=lambda row: -float(row["bridging"]),
    )
    stored = {
        "engine_version": result.engine_version,
        "engine_versions": dict(result.engine_versions),
        "respondents": len(voters),
        "rule": {key: value for key, value in lists.items() if not isinstance(value, list)},
        "groups": [
            {
                "label": chr(ord("A") + int(g["group"])),
                "size": int(g["size"]),
                "communities": _communities_of(voters, int(g["group"])),
                "representative": [
                    {
                        "position": int(r["statement"]),
                        "way": str(r["repful"]),
                        "share": float(r["p_success"]),
                    }
                    for r in result.representative[result.representative["group"] == g["group"]]
                    .head(TOP)
                    .to_dict("records")
                ],
            }
            for g in result.groups.to_dict(orient="records")
        ],
        "stability": {
            "score": _number(result.stability.score),
            "verdict": result.stability.verdict,
            "sentence": result.stability.sentence(),
        },
        "both_support": both,
        "divides": divides,
        "not_enough_votes": waiting,
        "bridging": [
            {
                "position": int(row["statement"]),
                "bridging": _number(row.get("bridging")),
                "low": _number(row.get("bridging_low")),
                "high": _number(row.get("bridging_high")),
                "raters": int(row.get("n_raters") or 0),
                "too_few_raters": bool(row.get("too_few_raters")),
            }
            for row in bridging[:TOP]
        ],
        "consensus": [
            {
                "position": int(row["statement"]),
                "way": str(row["consensus"]),
                "group_informed_consensus": _number(row["group_informed_consensus"]),
            }
            for row in result.consensus_statements().to_dict("records")
        ],
        "map": cells,
        "positions": positions,
        "next_workshop": [
            {"position": position, "verdict": verdict, "action": action}
            for position, (verdict, action) in suggested.items()
        ],
    }
    return _analysis(stored, texts, votes_counted)


def _communities_of(voters: pd.DataFrame, group: int) -> dict[str, int]:
    """Return how many of an opinion group's respondents come from each community."""
    if "community" not in voters.columns:
        return {}
    members = voters[voters["group"] == group]["community"].dropna()
    return {str(name): int(count) for name, count in members.value_counts().sort_index().items()}


def _map_cells(voters: pd.DataFrame) -> tuple[list[list[float]], dict[str, list[float]]]:
    """Bin the grouped respondents of the map into a grid: each (cell, group) with its count,
    cell centres scaled to 0-1, so that respondents on one spot show as one larger dot; and
    each respondent's cell centre, for "you" on their own map."""
    placed = voters[voters["group"] >= 0]
    if placed.empty:
        return [], {}
    xs, ys = placed["x"].to_numpy(float), placed["y"].to_numpy(float)

    def centres(values: np.ndarray) -> np.ndarray:
        low, span = values.min(), np.ptp(values) or 1.0
        index = np.minimum(((values - low) / span * MAP_CELLS).astype(int), MAP_CELLS - 1)
        centre: np.ndarray = np.round((index + 0.5) / MAP_CELLS, 4)
        return centre

    cx, cy = centres(xs), centres(ys)
    frame = pd.DataFrame({"x": cx, "y": cy, "group": placed["group"].to_numpy(int)})
    counted = frame.groupby(["x", "y", "group"]).size().reset_index(name="count")
    cells = [
        [float(x), float(y), int(group), int(count)]
        for x, y, group, count in counted.itertuples(index=False, name=None)
    ]
    positions = {
        str(voter): [float(x), float(y)]
        for voter, x, y in zip(placed["voter"], cx, cy, strict=True)
    }
    return cells, positions


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


Listed = TypeVar("Listed", GroupStatement, BridgingStatement, ConsensusStatement)


def _with_text(
    kind: type[Listed], item: dict[str, Any], text: Callable[[dict[str, Any]], str]
) -> Listed:
    """Build a listed statement from its stored form (which has no text) and its text."""
    known = {f.name for f in dataclasses.fields(kind)} - {"text"}
    return kind(text=text(item), **{k: v for k, v in item.items() if k in known})


def _map_of(stored: list[list[float]]) -> list[MapPoint]:
    """Read the stored map: (x, y, group, count) cells, or, from analyses stored before the map
    was binned, (x, y, group) points in the projection's own units, scaled here to 0-1."""
    if stored and len(stored[0]) == 3:
        xs, ys = [p[0] for p in stored], [p[1] for p in stored]
        x0, y0 = min(xs), min(ys)
        sx, sy = (max(xs) - x0) or 1.0, (max(ys) - y0) or 1.0
        return [MapPoint((x - x0) / sx, (y - y0) / sy, int(g)) for x, y, g in stored]
    return [MapPoint(float(x), float(y), int(g), int(n)) for x, y, g, n in stored]


def _analysis(stored: dict[str, Any], texts: dict[int, str], votes_counted: int) -> RoundAnalysis:
    """Build the typed analysis from its stored form (no texts) and the statements' texts."""

    def text(item: dict[str, Any]) -> str:
        return texts.get(item["position"], "")

    def sorted_statement(item: dict[str, Any]) -> SortedStatement:
        return SortedStatement(
            position=item["position"],
            text=text(item),
            communities={
                name: CommunityFigures(**figures) for name, figures in item["communities"].items()
            },
            cross_community=item["cross_community"],
            support_gap=item["support_gap"],
            gap_low=item["gap_low"],
            gap_high=item["gap_high"],
            fewest_votes=item["fewest_votes"],
            bridging=item["bridging"],
            group_informed_consensus=item["group_informed_consensus"],
        )

    return RoundAnalysis(
        engine_version=stored["engine_version"],
        engine_versions=dict(stored["engine_versions"]),
        respondents=stored["respondents"],
        rule=SortingRule(**stored["rule"]),
        groups=[
            OpinionGroup(
                label=group["label"],
                size=group["size"],
                communities=dict(group.get("communities", {})),
                representative=[
                    _with_text(GroupStatement, item, text)
                    for item in group.get("representative", [])
                ],
            )
            for group in stored["groups"]
        ],
        both_support=[sorted_statement(item) for item in stored["both_support"]],
        divides=[sorted_statement(item) for item in stored["divides"]],
        not_enough_votes=[sorted_statement(item) for item in stored["not_enough_votes"]],
        bridging=[_with_text(BridgingStatement, item, text) for item in stored["bridging"]],
        consensus=[
            _with_text(ConsensusStatement, item, text) for item in stored.get("consensus", [])
        ],
        map=_map_of(stored["map"]),
        stability=GroupStability(**stored["stability"]) if "stability" in stored else None,
        positions=dict(stored.get("positions", {})),
        next_workshop=[
            Suggestion(
                position=item["position"],
                text=text(item),
                verdict=item["verdict"],
                action=item["action"],
            )
            for item in stored["next_workshop"]
        ],
        votes_counted=votes_counted,
    )


def _without_texts(value: Any) -> Any:
    """Return ``value`` with every statement text taken out, however deep it is nested."""
    if isinstance(value, dict):
        return {k: _without_texts(v) for k, v in value.items() if k != "text"}
    if isinstance(value, list):
        return [_without_texts(item) for item in value]
    return value


def _stored(summary: RoundAnalysis) -> dict[str, Any]:
    """Return the summary as it is stored: statement texts removed wherever they are (they
    stay sealed in their rows), no vote count (the row keeps it), and each respondent's
    place on the map (read back only for that respondent's own map)."""
    data = summary.to_dict()
    del data["votes_counted"]
    stored: dict[str, Any] = _without_texts(data)
    return stored | {"positions": summary.positions}


def _latest(uow: UnitOfWork, round_id: UUID) -> RoundAnalysis | OutdatedAnalysis | None:
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
        return OutdatedAnalysis(
            outdated=True,
            engine_version=latest.engine_version,
            map=[],
            votes_counted=latest.votes_counted,
        )
    return _analysis(stored, texts, latest.votes_counted)


def latest_analysis(
    uow: UnitOfWork, actor: Actor, round_id: UUID
) -> RoundAnalysis | OutdatedAnalysis | None:
    """Return the round's latest stored analysis, for its facilitators."""
    feedback_round = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback_round.workshop_id)
    return _latest(uow, round_id)


def respondent_results(
    uow: UnitOfWork, actor: Actor, round_id: UUID
) -> RoundAnalysis | OutdatedAnalysis | None:
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


def my_place_on_the_map(
    uow: UnitOfWork, actor: Actor, round_id: UUID
) -> tuple[float, float] | None:
    """Return where the respondent asking is on the latest map (their cell), or None."""
    return place_on_the_map(respondent_results(uow, actor, round_id), actor)


def place_on_the_map(
    analysis: RoundAnalysis | OutdatedAnalysis | None, actor: Actor
) -> tuple[float, float] | None:
    """Return the asking respondent's cell on an analysis already read, or None."""
    if not isinstance(analysis, RoundAnalysis):
        return None
    place = analysis.positions.get(str(actor.id))
    return None if place is None else (float(place[0]), float(place[1]))


def carry_actions(uow: UnitOfWork, actor: Actor, round_id: UUID) -> dict[UUID, str]:
    """Return, per released idea, what the latest analysis suggests the next workshop do.

    The answer feeds :func:`tracktwo.services.workshops.carry_ideas`.
    """
    feedback_round = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback_round.workshop_id)
    analysis = _latest(uow, round_id)
    if analysis is None:
        raise ValidationError("analyse the round before carrying its ideas forward")
    if isinstance(analysis, OutdatedAnalysis):
        raise ValidationError(
            "the latest analysis was made under an earlier rule: analyse the round again "
            "before carrying its ideas forward"
        )
    ideas = {
        row.position: row.idea_id
        for row in uow.statements.of_round(round_id)
        if row.idea_id is not None
    }
    return {
        ideas[item.position]: item.action
        for item in analysis.next_workshop
        if item.position in ideas and item.action
    }


@dataclass(frozen=True)
class RoundExport:
    """What a round's export holds: the votes, the statements with their texts (as
    respondents saw them), each respondent's opinion group and community. Respondents are
    known by their random id only."""

    votes: VoteMatrix
    statements: pd.DataFrame
    groups: dict[Any, int]
    communities: dict[Any, str]
    group_informed_consensus: dict[Any, float]
    ideas: dict[int, str]

    def write(self, folder: str | Path) -> Path:
        """Write the round as a Pol.is-format folder with communities.csv, votes-long.csv
        and ideas.csv (:func:`tracktwo.io.polis.write_round_export`)."""
        return write_round_export(
            folder,
            self.votes,
            groups=self.groups,
            statements=self.statements,
            communities=self.communities,
            group_informed_consensus=self.group_informed_consensus,
            ideas=self.ideas,
        )


def export_round(uow: UnitOfWork, actor: Actor, round_id: UUID, *, seed: int = 0) -> RoundExport:
    """Return the round ready to write as a Pol.is-format export (for the workshop's
    managers; audited): groups from the final votes, as the round's analysis finds them."""
    feedback_round = uow.get(FeedbackRoundRow, round_id, "feedback round")
    require_manager(uow, actor, feedback_round.workshop_id)
    frame = feedback.votes_frame(uow, actor, round_id)
    if frame.empty:
        raise ValidationError("nobody has voted in this round yet: there is nothing to export")
    shown = feedback.statements(uow, actor, round_id)
    texts = {s.position: s.text for s in shown}
    matrix = VoteMatrix.from_frame(frame, time=None, statements=sorted(texts))
    communities = frame.drop_duplicates("voter").set_index("voter")["community"]
    result = analyze(
        matrix, communities=communities.reindex(matrix.voter_ids).to_numpy(), seed=seed
    )
    statements = pd.DataFrame(
        {
            "statement": sorted(texts),
            "author": 0,
            "moderated": 1,
            "text": [texts[p] for p in sorted(texts)],
        }
    )
    uow.audit(actor.label, "export-round", "feedback-round", round_id, feedback_round.workshop_id)
    # Pol.is numbers participants 0, 1, ... in the order they joined; so does the export, and
    # the respondents' random ids stay on the server.
    number = {voter: index for index, voter in enumerate(matrix.voter_ids.tolist())}
    return RoundExport(
        votes=dataclasses.replace(matrix, voter_ids=np.arange(len(number))),
        statements=statements,
        groups={
            number[voter]: int(group)
            for voter, group in zip(result.voters["voter"], result.voters["group"], strict=True)
        },
        communities={number[v]: str(c) for v, c in communities.items() if c is not None},
        group_informed_consensus=dict(
            zip(
                result.statements["statement"],
                result.statements["group_informed_consensus"],
                strict=True,
            )
        ),
        ideas={
            row.position: str(row.idea_id)
            for row in uow.statements.of_round(round_id)
            if row.idea_id is not None
        },
    )
