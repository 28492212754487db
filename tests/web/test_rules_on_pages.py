"""The rules' warnings and a participant's own rating, as the pages show them."""

from __future__ import annotations

import re
from datetime import date

from tests.web.conftest import Served, facilitator_token, member_token, signed_in
from tracktwo.domain.actors import Actor
from tracktwo.services import phase_order, phases, transfers, workshops
from tracktwo.services.transaction import run

OPERATOR = Actor.operator()


def test_a_participant_sees_their_own_rating_and_that_they_changed_it(served: Served) -> None:
    workshop = served.ids.first_workshop
    member = served.members[sorted(served.members)[0]][0]
    client = signed_in(served, member_token(served, workshop, member.member_id))
    idea = run(served.store, phases.board, OPERATOR, workshop).ideas[0].id
    run(served.store, phase_order.open_phase, OPERATOR, workshop, "problem-solving")
    for value in ("2", "4"):
        answer = client.post(f"/w/{workshop}/ideas/{idea}/rate", data={"value": value})
        assert answer.status_code == 303, answer.text
    page = client.get(f"/w/{workshop}/joint").text
    control = page[page.index(f'id="rate-{idea}"') :]
    control = control[: control.index("</select>")]
    assert re.search(r"<option selected>4</option>", control), control
    assert 'data-own-rating="4"' in page and "changed from" in page


def test_the_console_flags_a_facilitator_and_a_transfer_without_both_parties_support(
    served: Served,
) -> None:
    workshop = served.ids.next_workshop
    flagged = run(served.store, workshops.add_facilitator, OPERATOR, workshop, name="Dr. Low",
                  impartiality=0.3, communication=0.9, sensitivity=0.9,
                  credibility=dict.fromkeys(served.members, 0.9))  # fmt: skip
    assert flagged.warnings == ["impartiality 0.3 is below 0.5"]
    first = served.ids.first_workshop
    low = next(i for i in run(served.store, phases.board, OPERATOR, first).ideas
               if not i.supported_by_both)  # fmt: skip
    run(served.store, transfers.log_transfer, OPERATOR, low.id, channel="media",
        recipient="a weekly", occurred_on=date(2026, 3, 1),
        reason="asked by both editors")  # fmt: skip
    console = signed_in(served, facilitator_token(served, workshop)).get(f"/w/{workshop}/console")
    assert "impartiality 0.3 is below 0.5" in console.text
    first_console = signed_in(served, facilitator_token(served, first)).get(f"/w/{first}/console")
    assert "not supported by both parties" in first_console.text
    assert "asked by both editors" in first_console.text and low.text in first_console.text
