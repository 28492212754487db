"""Ripeness: Zartman's mutually hurting stalemate, traced over dated assessments (seed 3).

A mutually hurting stalemate *starts* when one side realises it cannot win the conflict by
itself and the costly dead end hurts; it is *completed* when the other side reaches the same
conclusion (Zartman 1989, 1995). This engine turns dated, per-party assessments into a
timeline of :class:`~tracktwo.domain.vocabulary.RipenessState` and says what moved it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tracktwo.domain.rules import require_in_range
from tracktwo.domain.vocabulary import RipenessState
from tracktwo.errors import ValidationError

ENGINE_VERSION = "ripeness/1.0"


@dataclass(frozen=True)
class PartyAssessment:
    """One party's perception of the stalemate on one date.

    ``stalemate_pain`` runs from 0 (the dead end costs nothing) to 1 (unbearable).
    """

    party: str
    assessed_on: dt.date
    believes_can_win_alone: bool
    stalemate_pain: float

    def __post_init__(self) -> None:
        require_in_range(
            f"stalemate_pain of party {self.party!r} on {self.assessed_on}",
            self.stalemate_pain,
            0.0,
            1.0,
            meaning="from 0 (no pain) to 1 (unbearable)",
        )
        if not self.party:
            raise ValidationError("an assessment needs the name of the party it assesses")


def perceives_hurting_stalemate(assessment: PartyAssessment, pain_threshold: float) -> bool:
    """Tell whether a party sees it cannot win alone and the stalemate hurts enough."""
    return (not assessment.believes_can_win_alone) and assessment.stalemate_pain >= pain_threshold


@dataclass(frozen=True)
class RipenessPoint:
    """The state on one assessment date; ``moved_by`` explains a change of state, else empty."""

    on: dt.date
    state: RipenessState
    parties_in_stalemate: tuple[str, ...]
    moved_by: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "on": self.on.isoformat(),
            "state": self.state.value,
            "parties_in_stalemate": list(self.parties_in_stalemate),
            "moved_by": list(self.moved_by),
        }


@dataclass(frozen=True)
class RipenessTimeline:
    """Ripeness over time: one point per distinct assessment date, oldest first."""

    parties: tuple[str, ...]
    points: tuple[RipenessPoint, ...]
    pain_threshold: float
    engine_version: str = ENGINE_VERSION

    def state_on(self, d: dt.date) -> RipenessState:
        """Return the state on a date; before the first assessment the conflict is not ripe."""
        state = RipenessState.NOT_RIPE
        for point in self.points:
            if point.on > d:
                break
            state = point.state
        return state

    def current(self) -> RipenessState:
        """Return the state after the latest assessment."""
        return self.points[-1].state if self.points else RipenessState.NOT_RIPE

    def started_on(self) -> dt.date | None:
        """Return when the current stalemate started (left not ripe), or None if not ripe now."""
        started: dt.date | None = None
        for point in self.points:
            if point.state is RipenessState.NOT_RIPE:
                started = None
            elif started is None:
                started = point.on
        return started

    def to_frame(self) -> pd.DataFrame:
        """Return one row per point: on, state, parties_in_stalemate, moved_by."""
        frame = pd.DataFrame(
            {
                "on": [p.on for p in self.points],
                "state": [p.state.value for p in self.points],
                "parties_in_stalemate": [p.parties_in_stalemate for p in self.points],
                "moved_by": [p.moved_by for p in self.points],
            },
            columns=["on", "state", "parties_in_stalemate", "moved_by"],
        )
        frame.attrs["engine_version"] = self.engine_version
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "engine_version": self.engine_version,
            "parties": list(self.parties),
            "pain_threshold": self.pain_threshold,
            "current": self.current().value,
            "points": [p.to_dict() for p in self.points],
        }


def _state_of(in_stalemate: int, parties: int) -> RipenessState:
    if in_stalemate == 0:
        return RipenessState.NOT_RIPE
    if in_stalemate < parties:
        return RipenessState.RIPENING
    return RipenessState.RIPE


def _reason(
    before: PartyAssessment | None, after: PartyAssessment, threshold: float, now: bool
) -> str:
    """Say in words why one party's perception of the stalemate changed."""
    party = after.party
    if now:
        parts = []
        if before is None or before.believes_can_win_alone:
            parts.append(f"{party} no longer believes it can win alone")
        if before is None or before.stalemate_pain < threshold:
            parts.append(
                f"{party}'s stalemate pain is {after.stalemate_pain:.2f} "
                f"(threshold {threshold:.2f})"
            )
        return "; ".join(parts)
    if after.believes_can_win_alone:
        return f"{party} again believes it can win alone"
    return (
        f"{party}'s stalemate pain fell to {after.stalemate_pain:.2f}, "
        f"below the threshold {threshold:.2f}"
    )


def ripeness_timeline(
    assessments: Sequence[PartyAssessment],
    parties: Sequence[str],
    *,
    pain_threshold: float = 0.5,
) -> RipenessTimeline:
    """Trace the mutually hurting stalemate over the assessment dates.

    A party perceives the stalemate when its latest assessment says it cannot win alone and
    its pain is at least ``pain_threshold`` (0..1). The state is not ripe when no party
    perceives it, ripening when some but not all do (started), ripe when all do (completed).
    A party's latest assessment is carried forward to later dates; when a party has two
    assessments on one date, the later one in ``assessments`` wins.
    """
    require_in_range(
        "pain_threshold", pain_threshold, 0.0, 1.0, meaning="from 0 to 1 (default 0.5)"
    )
    party_names = tuple(parties)
    if not party_names:
        raise ValidationError("no parties given; name the parties to the conflict")
    if len(set(party_names)) != len(party_names):
        raise ValidationError(f"parties {list(party_names)} repeat a name; give each once")
    for assessment in assessments:
        if assessment.party not in party_names:
            raise ValidationError(
                f"an assessment on {assessment.assessed_on} names party {assessment.party!r}, "
                f"which is not one of {list(party_names)}; fix the party name or add the party"
            )

    by_date: dict[dt.date, dict[str, PartyAssessment]] = {}
    for assessment in assessments:
        by_date.setdefault(assessment.assessed_on, {})[assessment.party] = assessment

    latest: dict[str, PartyAssessment] = {}
    state = RipenessState.NOT_RIPE
    points: list[RipenessPoint] = []
    for on in sorted(by_date):
        reasons: list[str] = []
        for party in party_names:
            after = by_date[on].get(party)
            if after is None:
                continue
            before = latest.get(party)
            was = before is not None and perceives_hurting_stalemate(before, pain_threshold)
            now = perceives_hurting_stalemate(after, pain_threshold)
            if was != now:
                reasons.append(_reason(before, after, pain_threshold, now))
            latest[party] = after
        in_stalemate = tuple(
            p
            for p in party_names
            if p in latest and perceives_hurting_stalemate(latest[p], pain_threshold)
        )
        new_state = _state_of(len(in_stalemate), len(party_names))
        moved_by = tuple(reasons) if new_state is not state else ()
        points.append(RipenessPoint(on, new_state, in_stalemate, moved_by))
        state = new_state
    return RipenessTimeline(party_names, tuple(points), pain_threshold)
