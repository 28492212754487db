"""A realistic demonstration: an island divided between two communities (all names invented).

The scenario runs the whole lifecycle: a conflict profile, two years of ripeness assessments,
a snowball of 22 candidates per side, briefings, an exact composition, the schedule, the four
phases, surveys before, after and six months later, re-entry follow-up, transfers to policy,
a community feedback round, and the next workshop of the series starting from the first
one's ideas. It is a seed script, not a use case: it calls the use cases as a caller would.
"""

from __future__ import annotations

from tracktwo.demo.build import DemoIds, build_demo
from tracktwo.demo.report import (
    demo_report,
    facilitator_link,
    latest_composed_workshop,
    should_load,
)

__all__ = [
    "DemoIds",
    "build_demo",
    "demo_report",
    "facilitator_link",
    "latest_composed_workshop",
    "should_load",
]
