"""Live discussion: relayed only to the people of that session, kept nowhere."""

from __future__ import annotations

import json
from uuid import UUID

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.web.conftest import OPERATOR, Served, facilitator_token, member_token, signed_in
from tracktwo.services import schedule
from tracktwo.services.transaction import run


def _joint_session(served: Served) -> str:
    sessions = run(served.store, schedule.schedule, OPERATOR, served.ids.first_workshop)
    return next(s.id for s in sessions if s.kind == "joint")


def test_messages_reach_everyone_present_and_no_file_keeps_them(served: Served) -> None:
    workshop, session = served.ids.first_workshop, _joint_session(served)
    party_a, party_b = sorted(served.members)
    a = signed_in(served, member_token(served, workshop, served.members[party_a][0].member_id))
    b = signed_in(served, member_token(served, workshop, served.members[party_b][0].member_id))
    url = f"/w/{workshop}/live/{session}/ws"
    secret = "our villages would accept a joint patrol if the chief of police were rotated"
    role = served.members[party_a][0].role
    with a.websocket_connect(url) as first:
        assert first.receive_json()["present"] == [f"{party_a} (1)"]
        with b.websocket_connect(url) as second:
            presence = first.receive_json()["present"]
            assert presence == [f"{party_a} (1)", f"{party_b} (1)"]
            second.receive_json()
            first.send_text(secret)
            for socket in (first, second):
                message = socket.receive_json()
                # The party alone: in a party of 3 to 6, a role would name the speaker.
                assert message == {"type": "message", "from": party_a, "text": secret}
                assert role not in json.dumps(message)
        assert len(first.receive_json()["present"]) == 1
    assert served.app.state.live.room_count() == 0  # type: ignore[attr-defined]
    for path in served.store.data_dir.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), f"{path} holds a live message"
            assert b"joint patrol" not in path.read_bytes()


def test_people_outside_the_session_cannot_join(served: Served) -> None:
    session = _joint_session(served)
    url = f"/w/{served.ids.first_workshop}/live/{session}/ws"
    with pytest.raises(WebSocketDisconnect) as closed, served.client().websocket_connect(url):
        pass
    assert closed.value.code == 4403
    other = signed_in(served, facilitator_token(served, served.ids.next_workshop))
    with pytest.raises(WebSocketDisconnect), other.websocket_connect(url):
        pass
    preliminary = next(
        s.id
        for s in run(served.store, schedule.schedule, OPERATOR, served.ids.first_workshop)
        if s.kind == "preliminary"
    )
    facilitator = signed_in(served, facilitator_token(served, served.ids.first_workshop))
    with (
        pytest.raises(WebSocketDisconnect),
        facilitator.websocket_connect(f"/w/{served.ids.first_workshop}/live/{preliminary}/ws"),
    ):
        pass
    assert UUID(session)
