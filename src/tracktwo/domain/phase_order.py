"""The order of the four phases, as the third party runs them (seed section 3).

Analysis comes before problem solving (an idea answers concerns both sides understand),
problem solving before constraints, constraints before reassurance. The facilitator opens
one phase at a time and never skips ahead; a phase already reached may be opened again
(a concern raised late is restated before the ideas that answer it). Participants contribute
only to the phase that is open.
"""

from __future__ import annotations

from collections.abc import Collection

from tracktwo.domain.vocabulary import Phase
from tracktwo.errors import RuleViolation

PHASE_ORDER: tuple[Phase, ...] = (
    Phase.ANALYSIS,
    Phase.PROBLEM_SOLVING,
    Phase.CONSTRAINTS,
    Phase.REASSURANCE,
)


def require_openable(phase: Phase, reached: Collection[Phase], open_now: Collection[Phase]) -> None:
    """Refuse to open ``phase`` while another is open or before every earlier one was reached.

    ``reached`` holds the phases ever opened, ``open_now`` those open now.
    """
    if phase in open_now:
        raise RuleViolation(f"rule 'phases in order': the {phase.value} phase is already open")
    if open_now:
        others = ", ".join(p.value for p in PHASE_ORDER if p in open_now)
        raise RuleViolation(
            f"rule 'phases in order': one phase at a time; close the {others} phase before "
            f"opening the {phase.value} phase"
        )
    skipped = [p for p in PHASE_ORDER[: PHASE_ORDER.index(phase)] if p not in reached]
    if skipped:
        raise RuleViolation(
            f"rule 'phases in order': the {phase.value} phase comes after the "
            f"{skipped[0].value} phase; open the {skipped[0].value} phase first "
            f"(order: {' → '.join(p.value for p in PHASE_ORDER)})"
        )


def require_open(phase: Phase, open_now: Collection[Phase], what: str) -> None:
    """Refuse a contribution (``what``, e.g. "an idea") to a phase that is not open."""
    if phase not in open_now:
        now = ", ".join(p.value for p in PHASE_ORDER if p in open_now) or "none"
        raise RuleViolation(
            f"rule 'contributions go to the open phase': {what} belongs to the {phase.value} "
            f"phase, which is not open (open now: {now}); the facilitator opens it"
        )
