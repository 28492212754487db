"""The demo's conflict: its profile and two years of ripeness assessments."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from tracktwo.demo.island import ISLAND, NORTH, SOUTH
from tracktwo.domain.actors import Actor
from tracktwo.services import conflicts, workshops
from tracktwo.services.transaction import run
from tracktwo.store.database import Store


def _ripeness_history(store: Store, actor: Actor, conflict_id: UUID, start: date) -> None:
    # Sorai leaders conclude they cannot win alone after a costly year (the stalemate starts);
    # the Ilvan side reaches the same conclusion later (the stalemate is completed).
    history = {
        NORTH: [
            (True, 0.20),
            (True, 0.30),
            (True, 0.35),
            (True, 0.45),
            (True, 0.55),
            (False, 0.60),
            (False, 0.70),
            (False, 0.72),
        ],
        SOUTH: [
            (True, 0.30),
            (True, 0.40),
            (True, 0.55),
            (False, 0.60),
            (False, 0.65),
            (False, 0.70),
            (False, 0.75),
            (False, 0.78),
        ],
    }
    for quarter in range(8):
        on = start + timedelta(days=91 * quarter)
        for party, series in history.items():
            can_win, pain = series[quarter]
            run(
                store,
                conflicts.record_ripeness,
                actor,
                conflict_id,
                party=party,
                assessed_on=on,
                believes_can_win_alone=can_win,
                stalemate_pain=pain,
                basis="quarterly reading of leaders' statements and interviews",
            )


def profile_conflict(store: Store, operator: Actor, start: date) -> tuple[UUID, UUID]:
    """Profile the island's conflict, assess its ripeness over time, open a series; return
    (conflict id, series id)."""
    conflict_id = run(
        store,
        conflicts.create_conflict,
        operator,
        name=f"The {ISLAND} question",
        parties=[NORTH, SOUTH],
        stage="pre-negotiation",
        kind="internal-identity",
        misperception_share=0.55,
        context=f"{ISLAND} has been divided along a buffer line since 1974; talks broke down in "
        "2019 and officials of the two administrations do not meet.",
        diagnosis_note="Land and return are a real clash of interests; much of the rest is "
        "mutual fear fed by enemy images.",
    )
    _ripeness_history(store, operator, conflict_id, start)
    series_id = run(
        store, workshops.create_series, operator, conflict_id, name=f"{ISLAND} continuing workshop"
    )
    return conflict_id, series_id
