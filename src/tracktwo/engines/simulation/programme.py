"""The programme of workshops: how many, how often, who, and under which conditions.

The five contact conditions enter as scores from 0 to 1, the same scale the conditions
engine measures from a real workshop's records, so a
:class:`~tracktwo.engines.conditions.ConditionsReport` (or its scores as a mapping) can be
fed in directly. Pettigrew & Tropp (2006) found that the conditions work as a bundle, so the
model uses their mean as one index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from tracktwo.domain.rules import require_in_range
from tracktwo.domain.vocabulary import ContactCondition
from tracktwo.engines.conditions import SERIES_FULL_CONTINUITY, ConditionsReport
from tracktwo.errors import ValidationError

CONTINUITY_WEIGHT = 0.2
"""Weight of series continuity within the intimacy score (the conditions engine's formula)."""


class SelectionRule(StrEnum):
    """Whom the facilitators invite from each side's elites."""

    RANDOM = "random"
    INFLUENTIAL = "influential"
    OPEN = "open"
    INFLUENTIAL_OPEN = "influential-open"
    """Kelman (1996): politically influential, yet open to the other side."""


@dataclass(frozen=True)
class ConditionScores:
    """Hewstone & Brown's five conditions, each scored 0..1 as the conditions engine does."""

    equal_status: float = 0.6
    supportive_climate: float = 0.5
    intimacy: float = 0.6
    pleasant_rewarding: float = 0.7
    common_goals: float = 0.6

    def __post_init__(self) -> None:
        for condition in ContactCondition:
            require_in_range(f"condition {condition.value}", self.score(condition), 0.0, 1.0)

    def score(self, condition: ContactCondition) -> float:
        """Return the score of one condition."""
        return float(getattr(self, condition.value.replace("-", "_")))

    @property
    def index(self) -> float:
        """Return the bundle index: the mean of the five scores (Pettigrew & Tropp 2006)."""
        return sum(self.score(c) for c in ContactCondition) / len(ContactCondition)

    def at_series_position(self, position: int) -> ConditionScores:
        """Return the scores at a workshop's place in a continuing series (1 = first).

        Intimacy grows by ``0.2 * (min(position, 3) - 1) / 3``: the conditions engine scores
        continuity as position / 3 with weight 0.2, and the given intimacy is the first's.
        """
        steps = min(position, SERIES_FULL_CONTINUITY) - 1
        boost = CONTINUITY_WEIGHT * steps / SERIES_FULL_CONTINUITY
        return ConditionScores(
            equal_status=self.equal_status,
            supportive_climate=self.supportive_climate,
            intimacy=min(1.0, self.intimacy + boost),
            pleasant_rewarding=self.pleasant_rewarding,
            common_goals=self.common_goals,
        )

    @classmethod
    def uniform(cls, index: float) -> ConditionScores:
        """Return scores that all equal ``index``."""
        return cls(index, index, index, index, index)

    @classmethod
    def from_mapping(cls, scores: Mapping[ContactCondition | str, float]) -> ConditionScores:
        """Build from a mapping condition -> score; every one of the five must be given."""
        values: dict[str, float] = {}
        for key, value in scores.items():
            try:
                condition = ContactCondition(key)
            except ValueError:
                known = ", ".join(c.value for c in ContactCondition)
                raise ValidationError(f"unknown contact condition {key!r}; use {known}") from None
            values[condition.value.replace("-", "_")] = float(value)
        missing = [c.value for c in ContactCondition if c.value.replace("-", "_") not in values]
        if missing:
            raise ValidationError(f"contact conditions {missing} have no score; give all five")
        return cls(**values)

    @classmethod
    def from_report(cls, report: ConditionsReport) -> ConditionScores:
        """Build from a real workshop's :class:`ConditionsReport`."""
        return cls.from_mapping({c: s.score for c, s in report.scores.items()})


ConditionsInput = (
    ConditionScores | ConditionsReport | Mapping[ContactCondition | str, float] | float
)


def condition_scores(value: ConditionsInput) -> ConditionScores:
    """Accept scores, a conditions report, a mapping condition -> score or one index."""
    if isinstance(value, ConditionScores):
        return value
    if isinstance(value, ConditionsReport):
        return ConditionScores.from_report(value)
    if isinstance(value, Mapping):
        return ConditionScores.from_mapping(value)
    return ConditionScores.uniform(float(value))


@dataclass(frozen=True)
class Programme:
    """A programme of workshops (seed 3 and 5).

    Workshop ``w`` (from 0) starts on day ``first_step + w * interval`` and lasts ``days``
    days of ``hours_per_day`` joint hours (the seed: about 20 hours over several days). A
    ``continuing`` series brings the same participants back; otherwise each workshop is a
    one-off meeting of new people. With ``feedback_rounds`` the participants of a
    continuing series gather their communities' reactions ``feedback_delay`` days after
    each workshop.
    """

    workshops: int = 6
    first_step: int = 30
    interval: int = 60
    days: int = 3
    hours_per_day: float = 7.0
    participants_per_party: int = 5
    selection: SelectionRule = SelectionRule.INFLUENTIAL_OPEN
    continuing: bool = True
    feedback_rounds: bool = True
    feedback_delay: int = 20
    conditions: ConditionScores = field(default_factory=ConditionScores)

    def __post_init__(self) -> None:
        if self.workshops < 0:
            raise ValidationError(f"workshops is {self.workshops}; give 0 or more")
        if self.first_step < 0 or self.days < 1:
            raise ValidationError("first_step must be 0 or more and days 1 or more")
        if self.workshops > 1 and self.interval < self.days:
            raise ValidationError(
                f"interval {self.interval} is shorter than a workshop of {self.days} days"
            )
        if self.participants_per_party < 1:
            raise ValidationError("participants_per_party must be 1 or more")
        if not 0.0 <= self.hours_per_day <= 24.0:
            raise ValidationError(f"hours_per_day is {self.hours_per_day}; give 0 to 24")
        if self.feedback_delay < 1:
            raise ValidationError("feedback_delay must be 1 or more days")
        if not isinstance(self.selection, SelectionRule):
            object.__setattr__(self, "selection", SelectionRule(self.selection))

    def start_of(self, workshop: int) -> int:
        """Return the first day of workshop ``workshop`` (from 0)."""
        return self.first_step + workshop * self.interval

    def workshop_on(self, step: int) -> tuple[int, int] | None:
        """Return (workshop, day within it) when a workshop is in session on ``step``."""
        if self.workshops == 0 or step < self.first_step:
            return None
        offset = step - self.first_step
        workshop, day = (
            (offset // self.interval, offset % self.interval) if self.workshops > 1 else (0, offset)
        )
        if workshop < self.workshops and day < self.days:
            return workshop, day
        return None

    def feedback_on(self, step: int) -> bool:
        """Tell whether a feedback round falls on ``step``."""
        if not (self.continuing and self.feedback_rounds) or self.workshops == 0:
            return False
        for workshop in range(self.workshops):
            if step == self.start_of(workshop) + self.days + self.feedback_delay:
                return True
        return False

    def series_position(self, workshop: int) -> int:
        """Return the position in the series that the participants experience (1 = first)."""
        return workshop + 1 if self.continuing else 1


def select_participants(
    rule: SelectionRule,
    count: int,
    candidates: NDArray[np.int64],
    influence: NDArray[np.float32],
    group_image: NDArray[np.float32],
    rng: np.random.Generator,
) -> NDArray[np.int64]:
    """Pick ``count`` of ``candidates`` (agent indices) by ``rule``; ties broken at random."""
    if count > candidates.size:
        raise ValidationError(
            f"{count} participants per party asked for, but only {candidates.size} elites "
            "are left to invite; raise elite_share or lower participants_per_party"
        )
    jitter = rng.random(candidates.size)
    if rule is SelectionRule.RANDOM:
        order = np.argsort(jitter)
    else:
        influence_rank = np.argsort(np.argsort(influence[candidates])) / max(1, candidates.size - 1)
        open_rank = np.argsort(np.argsort(group_image[candidates])) / max(1, candidates.size - 1)
        if rule is SelectionRule.INFLUENTIAL:
            score = influence_rank
        elif rule is SelectionRule.OPEN:
            score = open_rank
        else:
            score = influence_rank + open_rank
        order = np.lexsort((jitter, -score))
    return np.sort(candidates[order[:count]])
