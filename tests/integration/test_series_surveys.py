"""Returning participants keep one identity across a series, and their answers pair.

The island demo's second workshop invites back members of the first. Each workshop keeps
survey answers under its own pseudonym per member; across the series a returning person's
answers are paired under one pseudonym of the person (the conflict's key), so the change
from workshop I's pre survey to workshop II's post survey is measured on the same people.
On SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from tests.integration.conftest import BACKENDS, open_test_store
from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor
from tracktwo.errors import AccessDenied, ValidationError
from tracktwo.services import recruitment, surveys
from tracktwo.services.transaction import run

OPERATOR = Actor.operator()


@pytest.fixture(scope="module", params=BACKENDS)
def series(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    folder: Path = tmp_path_factory.mktemp("series") / "data"
    with open_test_store(request.param, folder) as store:
        yield store, build_demo(store, seed=7)


def _answers(members: list[recruitment.Member], wave: str, value: float) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["participant", "wave", "measure", "value", "taken_on"])
    for number, member in enumerate(members):
        writer.writerow([member.member_id, wave, "trust-group", value + number % 2, "2026-09-01"])
    return buffer.getvalue()


def test_a_returning_participant_is_one_person_whose_answers_pair_across_workshops(
    series: Any,
) -> None:
    store, ids = series
    first = run(store, recruitment.members, OPERATOR, ids.first_workshop)
    second = run(store, recruitment.members, OPERATOR, ids.next_workshop)
    returning = run(store, recruitment.returning_candidates, OPERATOR, ids.next_workshop)
    came_back = {r.candidate_id for r in returning if r.invited}
    assert came_back, "the demo's second workshop invites members of the first back"
    # Workshop II's own answers: 2 on the trust-group measure (after), where the first
    # workshop's pre answers (the demo's) are around 2.5.
    run(store, surveys.import_survey_file, OPERATOR, ids.next_workshop,
        _answers(second, "post", 6.0))  # fmt: skip
    change = run(store, surveys.series_effects, OPERATOR, ids.next_workshop, min_group=3)
    assert (change.first_workshop, change.this_workshop) == (1, 2)
    members_back = sum(1 for m in first if m.candidate_id in came_back)
    assert change.returning == members_back
    frame = change.change
    row = frame[(frame["measure"] == "trust-group") & (frame["party"] == "all")].iloc[0]
    assert row["n"] == members_back
    assert row["mean_after"] > 5.9 and row["mean_change"] > 2.0  # paired person by person
    # Within workshop II alone there is no pre wave to pair its answers with.
    alone = run(store, surveys.survey_effects, OPERATOR, ids.next_workshop, min_group=3).change
    assert alone.empty or alone[alone["measure"] == "trust-group"]["n"].max() == 0


def test_inviting_the_same_person_back_twice_is_refused(series: Any) -> None:
    store, ids = series
    returning = run(store, recruitment.returning_candidates, OPERATOR, ids.next_workshop)
    already = next(r for r in returning if r.invited)
    with pytest.raises(ValidationError, match="already invited back"):
        run(store, recruitment.invite_returning, OPERATOR, ids.next_workshop,
            [UUID(already.candidate_id)])  # fmt: skip


def test_the_later_workshops_team_reads_the_series_and_its_participants_do_not(
    series: Any,
) -> None:
    store, ids = series
    from tracktwo.services import workshops

    lead = run(store, workshops.facilitators_of, OPERATOR, ids.next_workshop)[0]
    facilitator = Actor.facilitator(lead, ids.next_workshop)
    frame = run(store, surveys.series_frame, facilitator, ids.next_workshop)
    assert set(frame["workshop"]) <= {1, 2} and "name" not in frame.columns
    member = run(store, recruitment.members, OPERATOR, ids.next_workshop)[0]
    participant = Actor.participant(UUID(member.member_id), ids.next_workshop,
                                    UUID(member.party_id))  # fmt: skip
    with pytest.raises(AccessDenied):
        run(store, surveys.series_frame, participant, ids.next_workshop)
