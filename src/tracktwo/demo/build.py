"""Build the island demo stage by stage: conflict, recruitment, workshop, follow-up, round,
series. Each stage is a caller of the use cases, one transaction per call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import numpy as np

from tracktwo.demo.conflict import profile_conflict
from tracktwo.demo.follow_up import follow_up
from tracktwo.demo.recruitment import compose_first_workshop
from tracktwo.demo.round import feedback_round
from tracktwo.demo.series import next_workshop
from tracktwo.demo.workshop import hold_workshop, schedule_first_workshop
from tracktwo.domain.actors import Actor
from tracktwo.store.database import Store


@dataclass
class DemoIds:
    """The identifiers a demo run created."""

    conflict: UUID
    series: UUID
    first_workshop: UUID
    next_workshop: UUID
    feedback_round: UUID


def build_demo(
    store: Store, *, seed: int = 7, progress: Callable[[str], None] | None = None
) -> DemoIds:
    """Build the island scenario in ``store`` and return what it created.

    The stages draw from one seeded generator in a fixed order, so a seed gives the same
    demo every time, but for ids and times.
    """
    step = progress or (lambda _message: None)
    rng = np.random.default_rng(seed)
    operator = Actor.operator("demo")
    start = date(2024, 1, 15)
    step("conflict profile and ripeness")
    conflict_id, series_id = profile_conflict(store, operator, start)
    step("first workshop: third party, snowball, briefings, composition")
    first, members, by_party, party_ids = compose_first_workshop(
        store, operator, conflict_id, series_id, rng, start
    )
    step("schedule")
    joint_day, session_ids = schedule_first_workshop(store, operator, first, start)
    step("the four phases")
    idea_ids = hold_workshop(store, first, by_party, party_ids, session_ids, rng)
    step("surveys, re-entry and transfers")
    follow_up(store, operator, first, by_party, idea_ids, rng, joint_day)
    step("a community feedback round on the released ideas")
    round_id = feedback_round(store, operator, first, idea_ids, rng)
    step("the next workshop of the series")
    second = next_workshop(store, operator, conflict_id, series_id, round_id, members, joint_day)
    return DemoIds(conflict_id, series_id, first, second, round_id)
