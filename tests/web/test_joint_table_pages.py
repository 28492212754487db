"""The joint table on the pages: the facilitators' phase controls, the participants' forms
only in the open phase, the projector, hiding and merging, answered concerns and amended
visions."""

from __future__ import annotations

import html
from uuid import UUID

from fastapi.testclient import TestClient

from tests.web.conftest import Served, facilitator_token, member_token, signed_in
from tracktwo.domain.actors import Actor
from tracktwo.services import phase_order, phases
from tracktwo.services.transaction import run

OPERATOR = Actor.operator()


def _enter(served: Served, workshop: UUID, phase: str) -> None:
    if run(served.store, phase_order.phase_states, OPERATOR, workshop).open:
        run(served.store, phase_order.close_phase, OPERATOR, workshop)
    run(served.store, phase_order.open_phase, OPERATOR, workshop, phase)


def _participant(served: Served, index: int, workshop: UUID | None = None) -> TestClient:
    party = sorted(served.members)[index]
    member = served.members[party][0]
    return signed_in(
        served, member_token(served, workshop or served.ids.first_workshop, member.member_id)
    )


def _text(page: str) -> str:
    return html.unescape(page)


def test_the_console_loads_the_phase_controls_and_phases_open_only_in_order(
    served: Served,
) -> None:
    workshop = served.ids.next_workshop  # a workshop whose phases have not begun
    facilitator = signed_in(served, facilitator_token(served, workshop))
    console = facilitator.get(f"/w/{workshop}/console").text
    assert f'hx-get="/w/{workshop}/phases/controls"' in console
    controls = facilitator.get(f"/w/{workshop}/phases/controls")
    assert controls.status_code == 200 and "not reached" in controls.text
    refused = facilitator.post(f"/w/{workshop}/phases/open", data={"phase": "constraints"})
    assert refused.status_code == 400
    assert "open the analysis phase first" in _text(refused.text)
    opened = facilitator.post(
        f"/w/{workshop}/phases/open", data={"phase": "analysis", "back": "console"}
    )
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/w/{workshop}/console#boards"
    page = facilitator.get(f"/w/{workshop}/phases").text
    assert "Close the analysis phase" in page
    closed = facilitator.post(f"/w/{workshop}/phases/close", data={"back": "phases"})
    assert closed.headers["location"] == f"/w/{workshop}/phases"
    assert "Close the" not in facilitator.get(f"/w/{workshop}/phases").text


def test_a_participant_gets_the_forms_of_the_open_phase_only(served: Served) -> None:
    workshop = served.ids.first_workshop
    client = _participant(served, 0)
    page = client.get(f"/w/{workshop}/joint").text
    assert "No phase is open." in page
    assert f'action="/w/{workshop}/concerns"' not in page
    refused = client.post(f"/w/{workshop}/constraints", data={"kind": "political", "text": "x"})
    assert refused.status_code == 400
    assert "contributions go to the open phase" in _text(refused.text)
    _enter(served, workshop, "analysis")
    page = client.get(f"/w/{workshop}/joint").text
    assert f'action="/w/{workshop}/concerns"' in page
    assert f'action="/w/{workshop}/constraints"' not in page


def test_each_idea_shows_the_concerns_it_answers(served: Served) -> None:
    workshop = served.ids.first_workshop
    board = run(served.store, phases.board, OPERATOR, workshop)
    idea = board.ideas[0]
    concerns = {c.id: c.text for c in board.concerns}
    page = _text(_participant(served, 1).get(f"/w/{workshop}/joint").text)
    article = page[page.index(idea.text) :]
    article = article[: article.index("</article>")]
    assert "Answers these concerns:" in article
    for answered in idea.answers:
        assert concerns[answered] in article


def test_the_projector_shows_the_open_phase_to_the_facilitators_only(served: Served) -> None:
    workshop = served.ids.first_workshop
    facilitator = signed_in(served, facilitator_token(served, workshop))
    draft_text = "a draft the other side must not see"
    member = served.members[sorted(served.members)[0]][0]
    actor = Actor.participant(
        UUID(member.member_id), workshop, served.parties[sorted(served.members)[0]]
    )
    run(served.store, phases.state_concern, actor, workshop, kind="need", text=draft_text,
        space="preliminary")  # fmt: skip
    _enter(served, workshop, "problem-solving")
    board = run(served.store, phases.board, OPERATOR, workshop)
    screen = _text(facilitator.get(f"/w/{workshop}/projector").text)
    assert 'class="projector"' in screen
    assert board.ideas[0].text in screen and "answers" in screen
    assert board.concerns[0].party in screen
    assert draft_text not in screen
    assert board.constraints[0].text not in screen  # not the open phase
    assert member.name is None or member.name not in screen
    for index in (0, 1):
        assert _participant(served, index).get(f"/w/{workshop}/projector").status_code == 403


def test_the_facilitator_hides_and_merges_from_the_joint_page_and_the_reason_stays(
    served: Served,
) -> None:
    workshop = served.ids.first_workshop
    facilitator = signed_in(served, facilitator_token(served, workshop))
    board = run(served.store, phases.board, OPERATOR, workshop)
    page = facilitator.get(f"/w/{workshop}/joint").text
    assert "Hide or merge" in page
    idea = board.ideas[-1]
    hidden = facilitator.post(
        f"/w/{workshop}/hide/idea/{idea.id}", data={"reason": "said twice in other words"}
    )
    assert hidden.status_code == 303
    party = board.concerns[0].party
    first, second = [c for c in board.concerns if c.party == party][:2]
    merged = facilitator.post(
        f"/w/{workshop}/merge/concern/{second.id}",
        data={"into": first.id, "reason": "the same need"},
    )
    assert merged.status_code == 303
    page = _text(_participant(served, 0).get(f"/w/{workshop}/joint").text)
    assert idea.text not in page and second.text not in page and first.text in page
    log = _text(facilitator.get(f"/w/{workshop}/phases").text)
    assert "said twice in other words" in log and "the same need" in log
    assert idea.text in log and "merged into" in log
    refused = facilitator.post(f"/w/{workshop}/hide/idea/{idea.id}", data={"reason": "again"})
    assert refused.status_code == 400 and "already hidden" in _text(refused.text)


def test_the_other_party_amends_a_vision_on_the_page_and_the_first_endorses_it(
    served: Served,
) -> None:
    workshop = served.ids.first_workshop
    _enter(served, workshop, "reassurance")
    a, b = _participant(served, 0), _participant(served, 1)
    assert (
        a.post(f"/w/{workshop}/visions", data={"text": "a bridge we both use"}).status_code == 303
    )
    vision = next(
        v
        for v in run(served.store, phases.board, OPERATOR, workshop).shared_vision
        if v.text == "a bridge we both use"
    )
    page = b.get(f"/w/{workshop}/joint").text
    assert f"/visions/{vision.id}/endorse" in page and f"/visions/{vision.id}/amend" in page
    amended = b.post(
        f"/w/{workshop}/visions/{vision.id}/amend", data={"text": "a bridge we both built"}
    )
    assert amended.status_code == 303
    amendment = next(
        v
        for v in run(served.store, phases.board, OPERATOR, workshop).shared_vision
        if v.amends == vision.id
    )
    page = _text(a.get(f"/w/{workshop}/joint").text)
    assert "Amended by" in page and "a bridge we both built" in page
    assert f"/visions/{amendment.id}/endorse" in page
    assert a.post(f"/w/{workshop}/visions/{amendment.id}/endorse").status_code == 303
    page = _text(a.get(f"/w/{workshop}/joint").text)
    assert f"/visions/{amendment.id}/endorse" not in page
    assert page.count("shared by both") >= 1
