"""After the demo's workshop: surveys, re-entry follow-ups and transfers to policy."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from uuid import UUID

import numpy as np

from tracktwo.demo.island import SOUTH
from tracktwo.domain.actors import Actor
from tracktwo.domain.vocabulary import Measure
from tracktwo.services import surveys, transfers
from tracktwo.services.recruitment import Member
from tracktwo.services.transaction import run
from tracktwo.store.database import Store


def _surveys(
    store: Store,
    actor: Actor,
    workshop_id: UUID,
    members: dict[str, list[Member]],
    rng: np.random.Generator,
    joint_day: date,
) -> int:
    # Individuals met improve a lot; the group image moves less (hypothesis confirmation);
    # six months later part of the gain is lost at home (re-entry).
    waves = {
        "pre": (0.0, joint_day - timedelta(days=10)),
        "post": (1.0, joint_day + timedelta(days=4)),
        "follow-up": (0.6, joint_day + timedelta(days=183)),
    }
    # (baseline, gain at post, spread): a participant's answers vary between waves by about
    # the size of the gain, so paired effects come out near d = 1 for individuals met.
    shifts = {
        Measure.THERMOMETER_INDIVIDUALS: (35.0, 15.0, 14.0),
        Measure.THERMOMETER_GROUP: (30.0, 5.0, 14.0),
        Measure.TRUST_INDIVIDUALS: (2.8, 1.1, 1.0),
        Measure.TRUST_GROUP: (2.5, 0.4, 1.0),
        Measure.SOLUTION_WITHIN_REACH: (2.6, 1.0, 1.0),
        Measure.DEHUMANISATION: (4.8, -0.9, 1.0),
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["participant", "wave", "measure", "value", "taken_on"])
    for party_members in members.values():
        for member in party_members:
            person = {m: rng.normal(0, spread) for m, (_, _, spread) in shifts.items()}
            for wave, (share, taken_on) in waves.items():
                for measure, (base, gain, spread) in shifts.items():
                    noise = rng.normal(0, spread / 2)
                    value = base + person[measure] + share * gain + noise
                    low, high = (0, 100) if "thermometer" in measure.value else (1, 7)
                    value = float(np.clip(np.round(value, 1), low, high))
                    writer.writerow(
                        [member.member_id, wave, measure.value, value, taken_on.isoformat()]
                    )
    return run(store, surveys.import_survey_file, actor, workshop_id, buffer.getvalue()).imported


def follow_up(
    store: Store,
    operator: Actor,
    first: UUID,
    by_party: dict[str, list[Member]],
    idea_ids: list[UUID],
    rng: np.random.Generator,
    joint_day: date,
) -> None:
    """Survey the members three times, follow up their re-entry, log three transfers."""
    _surveys(store, operator, first, by_party, rng, joint_day)
    for party, party_members in by_party.items():
        for index, member in enumerate(party_members):
            pressure = float(np.round(rng.uniform(0.2, 0.9), 2))
            run(
                store,
                surveys.record_reentry,
                operator,
                UUID(member.member_id),
                followed_up_on=joint_day + timedelta(days=183),
                ingroup_pressure=pressure,
                marginalisation=float(np.round(pressure * rng.uniform(0.2, 0.9), 2)),
                publicly_exposed=party == SOUTH and index == 0,
            )
    for idea, channel, recipient, days, result in (
        (0, "decision-maker", "Ilvan deputy minister of the interior", 30, "considered"),
        (2, "negotiation-text", "draft agenda of the UN-hosted exploratory talks", 120, "adopted"),
        (1, "media", "op-ed in the Sorai daily 'Liman'", 45, "pending"),
    ):
        run(
            store,
            transfers.log_transfer,
            operator,
            idea_ids[idea],
            channel=channel,
            recipient=recipient,
            occurred_on=joint_day + timedelta(days=days),
            result=result,
        )
