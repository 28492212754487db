"""What the demo reports, and how ``tracktwo run`` finds it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tracktwo.demo.build import DemoIds
from tracktwo.domain.actors import Actor, ActorKind
from tracktwo.errors import ValidationError
from tracktwo.services import commonground_rounds, signin, workshops
from tracktwo.services.reports import composed_workshops, holds_any_engagement, workshop_report
from tracktwo.services.transaction import run
from tracktwo.store.database import Store


def demo_report(store: Store, ids: DemoIds, *, reveal_names: bool = False) -> dict[str, Any]:
    """Return the JSON report of a demo run: the first workshop whole, the next one's start.

    Names only with ``reveal_names`` (each read audited).
    """
    operator = Actor.operator("demo")
    first = run(store, workshop_report, operator, ids.first_workshop, reveal_names=reveal_names)
    second = run(store, workshop_report, operator, ids.next_workshop, reveal_names=reveal_names)
    analysis = run(store, commonground_rounds.latest_analysis, operator, ids.feedback_round)
    later = second.to_dict()
    return {
        **first.to_dict(),
        "feedback_round": analysis.to_dict() if analysis else None,
        "next_workshop": {
            "workshop": later["workshop"],
            "members": later["members"],
            "carried_ideas": later["board"]["ideas"],
            "schedule": later["schedule"],
        },
    }


def should_load(store: Store, *, asked: bool) -> bool:
    """Say whether ``tracktwo run`` loads the island demo before serving: when ``asked``
    (``--demo``), or into a new, empty data folder. A folder that holds any work (a
    conflict profile is where every engagement starts) is served as it is."""

    return asked or not run(store, holds_any_engagement, Actor.operator())


def latest_composed_workshop(store: Store) -> UUID:
    """Return the most recent workshop whose facilitators the console should open on."""

    found = run(store, composed_workshops, Actor.operator())
    if not found:
        raise ValidationError("no composed workshop in this data folder: run `tracktwo demo`")
    return found[0]


def facilitator_link(store: Store, workshop_id: UUID) -> str:
    """Return a one-time sign-in link token for the workshop's lead facilitator (their
    earlier unused link stops working)."""
    operator = Actor.operator()
    team = run(store, workshops.facilitators_of, operator, workshop_id)
    if not team:
        raise ValidationError("this workshop has no facilitators yet")
    lead = team[0]
    return run(
        store,
        signin.create_link,
        operator,
        workshop_id,
        kind=ActorKind.FACILITATOR,
        subject_id=lead,
    ).token
