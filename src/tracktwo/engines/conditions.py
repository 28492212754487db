"""Contact conditions: Hewstone & Brown's (1986) five, measured from a workshop's own data.

Contact changes attitudes only when (1) the persons meet as equals, (2) the general climate
favours the contact, (3) the contact is intimate, not casual, (4) it is pleasant and
rewarding and (5) it serves important common goals (seed 4.3). Pettigrew & Tropp (2006)
found that the conditions work as a bundle rather than one by one, so the report also gives
their mean as an index.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tracktwo.domain.rules import require_in_range
from tracktwo.domain.vocabulary import ContactCondition, NegotiationStage, RipenessState
from tracktwo.errors import ValidationError

ENGINE_VERSION = "conditions/1.0"

STATUS_GAP_AT_ZERO = 0.5
"""A gap in mean status of half the 0..1 scale or more scores 0 on equal status."""
RIPENESS_CLIMATE = {
    RipenessState.NOT_RIPE: 0.2,
    RipenessState.RIPENING: 0.6,
    RipenessState.RIPE: 1.0,
}
STAGE_CLIMATE = {
    NegotiationStage.PRE_NEGOTIATION: 0.5,
    NegotiationStage.ACTIVE_NEGOTIATION: 1.0,
    NegotiationStage.POST_NEGOTIATION: 0.8,
}
SEVERAL_DAYS_HOURS = 20.0
"""Joint meetings over several days: about 20 hours or more of joint sessions (seed 3)."""
PRELIMINARY_HOURS = 4.0
"""The seed's preliminary session of four to five hours for each party."""
SERIES_FULL_CONTINUITY = 3
"""From the third workshop of a continuing series on, continuity scores in full."""
SUPPORT_RATING = 3.5
"""An idea is supported by a party when its members' mean rating (1..5) is at least this."""


@dataclass(frozen=True)
class WorkshopEvidence:
    """What a workshop's own records say about the five conditions.

    ``member_status``: party -> statuses (0..1) of its members. ``leadership_approval_share``:
    share (0..1) of members whose political leadership approved (recorded, never required).
    ``preliminary_hours``: party -> hours of its preliminary session. ``series_position``: 1
    for the first workshop of a series. ``session_ratings``: participants' ratings (1..5) of
    how pleasant and rewarding the sessions were. ``idea_support``: per idea, party -> mean
    rating (1..5) by that party's members.
    """

    parties: tuple[str, ...]
    member_status: Mapping[str, Sequence[float]]
    ripeness: RipenessState
    stage: NegotiationStage
    leadership_approval_share: float
    preliminary_hours: Mapping[str, float]
    joint_hours: float
    members_per_party: int
    series_position: int
    session_ratings: Sequence[float]
    idea_support: Sequence[Mapping[str, float]]


@dataclass(frozen=True)
class ConditionScore:
    """One condition: a score from 0 to 1, whether it is met, and the numbers behind it."""

    condition: ContactCondition
    score: float
    met: bool
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "condition": self.condition.value,
            "score": self.score,
            "met": self.met,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class ConditionsReport:
    """The five scores, their mean as the bundle index, and a warning per unmet condition."""

    scores: Mapping[ContactCondition, ConditionScore]
    index: float
    warnings: tuple[str, ...]
    threshold: float
    engine_version: str = ENGINE_VERSION

    def to_frame(self) -> pd.DataFrame:
        """Return one row per condition: condition, score, met, evidence."""
        frame = pd.DataFrame(
            [s.to_dict() for s in self.scores.values()],
            columns=["condition", "score", "met", "evidence"],
        )
        frame.attrs["engine_version"] = self.engine_version
        frame.attrs["index"] = self.index
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "engine_version": self.engine_version,
            "threshold": self.threshold,
            "index": self.index,
            "scores": [s.to_dict() for s in self.scores.values()],
            "warnings": list(self.warnings),
        }


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def _check_share(name: str, value: float, low: float = 0.0, high: float = 1.0) -> None:
    require_in_range(name, value, low, high)


def _validate(evidence: WorkshopEvidence) -> None:
    parties = evidence.parties
    if len(parties) < 2 or len(set(parties)) != len(parties):
        raise ValidationError(f"parties {list(parties)}: name two or more distinct parties")
    for name, mapping in (
        ("member_status", evidence.member_status),
        ("preliminary_hours", evidence.preliminary_hours),
    ):
        unknown = sorted(set(mapping) - set(parties))
        if unknown:
            raise ValidationError(f"{name} names unknown parties {unknown}; use {list(parties)}")
    for party, statuses in evidence.member_status.items():
        for status in statuses:
            _check_share(f"a member status of party {party!r}", status)
    _check_share("leadership_approval_share", evidence.leadership_approval_share)
    for party, hours in evidence.preliminary_hours.items():
        _check_share(f"preliminary_hours of party {party!r}", hours, 0.0, math.inf)
    _check_share("joint_hours", evidence.joint_hours, 0.0, math.inf)
    if evidence.members_per_party < 1:
        raise ValidationError(f"members_per_party is {evidence.members_per_party}; give >= 1")
    if evidence.series_position < 1:
        raise ValidationError(
            f"series_position is {evidence.series_position}; 1 is the first workshop of a series"
        )
    for rating in evidence.session_ratings:
        _check_share("a session rating", rating, 1.0, 5.0)
    for i, idea in enumerate(evidence.idea_support, start=1):
        for party, rating in idea.items():
            if party not in parties:
                raise ValidationError(f"idea {i} is rated by unknown party {party!r}")
            _check_share(f"idea {i}'s mean rating by {party!r}", rating, 1.0, 5.0)


def _equal_status(evidence: WorkshopEvidence) -> tuple[float, str]:
    empty = [p for p in evidence.parties if not evidence.member_status.get(p)]
    if empty:
        return 0.0, f"no member statuses recorded for {empty}"
    means = {p: sum(s) / len(s) for p, s in evidence.member_status.items() if p in evidence.parties}
    gap = max(abs(means[p] - means[q]) for p, q in itertools.combinations(evidence.parties, 2))
    listed = ", ".join(f"{p} {means[p]:.2f}" for p in evidence.parties)
    score = _clip(1.0 - gap / STATUS_GAP_AT_ZERO)
    return score, f"mean member status {listed}; largest gap {gap:.2f}"


def _climate(evidence: WorkshopEvidence) -> tuple[float, str]:
    ripeness = RIPENESS_CLIMATE[evidence.ripeness]
    stage = STAGE_CLIMATE[evidence.stage]
    approval = evidence.leadership_approval_share
    score = 0.4 * ripeness + 0.2 * stage + 0.4 * approval
    return score, (
        f"conflict {evidence.ripeness.value} ({ripeness:.1f}), stage {evidence.stage.value} "
        f"({stage:.1f}), leadership approval for {approval:.0%} of members"
    )


def _intimacy(evidence: WorkshopEvidence) -> tuple[float, str]:
    hours = _clip(evidence.joint_hours / SEVERAL_DAYS_HOURS)
    size = evidence.members_per_party
    small = _clip(1.0 - max(3 - size, size - 6, 0) / 3)
    continuity = _clip(evidence.series_position / SERIES_FULL_CONTINUITY)
    prelim = [evidence.preliminary_hours.get(p, 0.0) for p in evidence.parties]
    preparation = _clip(min(prelim) / PRELIMINARY_HOURS)
    score = 0.5 * hours + 0.2 * small + 0.2 * continuity + 0.1 * preparation
    hours_each = ", ".join(f"{p} {h:g} h" for p, h in zip(evidence.parties, prelim, strict=True))
    return score, (
        f"{evidence.joint_hours:g} joint hours, {size} members per party, workshop "
        f"{evidence.series_position} of its series, preliminary sessions {hours_each}"
    )


def _pleasant(evidence: WorkshopEvidence) -> tuple[float, str]:
    ratings = list(evidence.session_ratings)
    if not ratings:
        return 0.0, "no session ratings recorded"
    mean = sum(ratings) / len(ratings)
    return (mean - 1.0) / 4.0, f"mean session rating {mean:.2f} of 5 from {len(ratings)} ratings"


def _common_goals(evidence: WorkshopEvidence) -> tuple[float, str]:
    ideas = list(evidence.idea_support)
    if not ideas:
        return 0.0, "no rated ideas recorded"
    shared = sum(
        all(idea.get(p, 0.0) >= SUPPORT_RATING for p in evidence.parties) for idea in ideas
    )
    return shared / len(ideas), (
        f"{shared} of {len(ideas)} ideas supported by every party "
        f"(mean rating >= {SUPPORT_RATING:g} of 5 in each)"
    )


_MEASURES = {
    ContactCondition.EQUAL_STATUS: _equal_status,
    ContactCondition.SUPPORTIVE_CLIMATE: _climate,
    ContactCondition.INTIMACY: _intimacy,
    ContactCondition.PLEASANT_REWARDING: _pleasant,
    ContactCondition.COMMON_GOALS: _common_goals,
}

_ADVICE = {
    ContactCondition.EQUAL_STATUS: (
        "recompose with a tighter max_status_gap, or recruit members of comparable standing"
    ),
    ContactCondition.SUPPORTIVE_CLIMATE: (
        "judge ripeness again before the next workshop and seek (never require) the "
        "approval of each side's political leadership"
    ),
    ContactCondition.INTIMACY: (
        "hold joint meetings over several days (about 20 hours), keep 3 to 6 members per "
        "party, give each party a 4-5 hour preliminary session and continue as a series "
        "rather than a one-off meeting"
    ),
    ContactCondition.PLEASANT_REWARDING: (
        "ask participants to rate every session and review the setting and pace with the "
        "facilitation team"
    ),
    ContactCondition.COMMON_GOALS: (
        "in joint problem solving, let participants develop and rate more ideas that meet "
        "the fundamental needs of both sides"
    ),
}


def assess_conditions(evidence: WorkshopEvidence, *, threshold: float = 0.5) -> ConditionsReport:
    """Score the five contact conditions from 0 to 1; a condition is met at ``threshold``.

    Formulas (every score clipped to 0..1):

    - equal status: 1 - gap / 0.5, where gap is the largest difference in mean member
      status between two parties;
    - supportive climate: 0.4 x ripeness (ripe 1.0, ripening 0.6, not ripe 0.2) + 0.2 x stage
      (active negotiation 1.0, post-negotiation 0.8, pre-negotiation 0.5) + 0.4 x share of
      members whose leadership approved;
    - intimacy: 0.5 x min(1, joint hours / 20) + 0.2 x small groups (1 for 3-6 per party,
      minus 1/3 per member outside that range) + 0.2 x continuity (series position / 3,
      since casual one-off meetings are the usual failing) + 0.1 x preparation (shortest
      preliminary session / 4 h);
    - pleasant and rewarding: (mean session rating - 1) / 4;
    - common goals: share of ideas whose mean rating is at least 3.5 in every party.

    Missing ratings or ideas score 0 with a warning rather than failing.
    """
    _check_share("threshold", threshold)
    _validate(evidence)
    scores: dict[ContactCondition, ConditionScore] = {}
    warnings: list[str] = []
    for condition, measure in _MEASURES.items():
        raw, said = measure(evidence)
        score = _clip(raw)
        met = score >= threshold
        scores[condition] = ConditionScore(condition, score, met, f"{said}: score {score:.2f}")
        if not met:
            warnings.append(
                f"{condition.value} is not met (score {score:.2f} < {threshold:.2f}; {said}): "
                f"{_ADVICE[condition]}."
            )
    index = sum(s.score for s in scores.values()) / len(scores)
    return ConditionsReport(scores, index, tuple(warnings), threshold)
