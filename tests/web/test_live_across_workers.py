"""The live discussion relayed through Redis: two apps on one store stand for two workers.

Needs a Redis at ``TRACKTWO_TEST_REDIS_URL`` (``.ci/run`` starts one on loopback and sets
it); skipped loudly without. Each app is served by uvicorn on loopback, so its hub starts as
a worker's does, and every wait has a timeout.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import redis
from websockets.sync.client import ClientConnection, connect

from tests.redis_server import own_redis, wait_until
from tests.serving import served_on_loopback
from tests.web.conftest import OPERATOR, Served, member_token, signed_in
from tracktwo.services import schedule
from tracktwo.services.transaction import run
from tracktwo.web.app import create_app
from tracktwo.web.live_across import PREFIX, RedisLiveHub, channel

REDIS_URL = os.environ.get("TRACKTWO_TEST_REDIS_URL")
WAIT = 10.0

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not REDIS_URL,
        reason="SKIPPED LOUDLY: TRACKTWO_TEST_REDIS_URL is not set (.ci/run sets it)",
    ),
]


@pytest.fixture
def workers(served: Served) -> Iterator[list[str]]:
    """Two apps on the served store, each with its own Redis hub: their websocket URLs."""
    assert REDIS_URL
    with ExitStack() as stack:
        bases = [
            stack.enter_context(
                served_on_loopback(create_app(served.store, live=RedisLiveHub(REDIS_URL)))
            )
            for _ in range(2)
        ]
        yield [base.replace("http://", "ws://") for base in bases]


def _cookie(served: Served, party: str) -> str:
    member = served.members[party][0].member_id
    client = signed_in(served, member_token(served, served.ids.first_workshop, member))
    return str(client.cookies["tracktwo_session"])


def _heard(socket: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(socket.recv(timeout=WAIT)))


def _presence_until(socket: ClientConnection, expected: list[str]) -> None:
    seen: object = None
    while seen != expected:
        heard = _heard(socket)
        if heard["type"] == "presence":
            seen = heard["present"]


def test_a_message_said_on_one_worker_reaches_the_room_on_the_other(
    served: Served, workers: list[str]
) -> None:
    party_a, party_b = sorted(served.members)
    session = next(
        s.id
        for s in run(served.store, schedule.schedule, OPERATOR, served.ids.first_workshop)
        if s.kind == "joint"
    )
    path = f"/w/{served.ids.first_workshop}/live/{session}/ws"
    secret = f"{secrets.token_hex(8)}: a joint patrol, if the chief of police were rotated"
    keeper = redis.Redis.from_url(REDIS_URL or "")
    with ExitStack() as stack:
        first, second = (
            stack.enter_context(
                connect(
                    base + path,
                    additional_headers={"Cookie": f"tracktwo_session={_cookie(served, party)}"},
                )
            )
            for base, party in zip(workers, (party_a, party_b), strict=True)
        )
        both = [f"{party_a} (1)", f"{party_b} (1)"]
        _presence_until(first, both)
        _presence_until(second, both)
        second.send(secret)
        for socket in (first, second):
            message = _heard(socket)
            while message["type"] != "message":
                message = _heard(socket)
            assert message == {"type": "message", "from": party_b, "text": secret}
        second.close()
        _presence_until(first, [f"{party_a} (1)"])
    assert keeper.keys(f"{PREFIX}*") == [], "the relay publishes only; it writes no key"
    keeper.close()


def test_one_worker_alone_relays_through_redis_and_shrugs_off_what_is_not_its_own(
    served: Served, workers: list[str]
) -> None:
    session = next(
        s.id
        for s in run(served.store, schedule.schedule, OPERATOR, served.ids.first_workshop)
        if s.kind == "joint"
    )
    party = sorted(served.members)[0]
    url = f"{workers[0]}/w/{served.ids.first_workshop}/live/{session}/ws"
    headers = {"Cookie": f"tracktwo_session={_cookie(served, party)}"}
    with connect(url, additional_headers=headers) as alone:
        assert _heard(alone) == {"type": "presence", "present": [f"{party} (1)"]}
        room = channel((served.ids.first_workshop, UUID(session)))
        with redis.Redis.from_url(REDIS_URL or "") as stranger:
            for garbage in (b"not json", b'{"kind": "say"}', b"[1]", b"\xff"):
                stranger.publish(room, garbage)
        alone.send("  spoken alone  ")
        assert _heard(alone) == {"type": "message", "from": party, "text": "spoken alone"}


def test_the_relay_listens_again_once_redis_comes_back(served: Served, tmp_path: Path) -> None:
    session = next(
        s.id
        for s in run(served.store, schedule.schedule, OPERATOR, served.ids.first_workshop)
        if s.kind == "joint"
    )
    party = sorted(served.members)[0]
    path = f"/w/{served.ids.first_workshop}/live/{session}/ws"
    headers = {"Cookie": f"tracktwo_session={_cookie(served, party)}"}
    with ExitStack() as stack:
        own = stack.enter_context(own_redis(tmp_path / "redis"))
        app = create_app(served.store, live=RedisLiveHub(own.url))
        base = stack.enter_context(served_on_loopback(app)).replace("http://", "ws://")
        with connect(base + path, additional_headers=headers) as socket:
            assert _heard(socket)["type"] == "presence"
            own.stop()
            own.start()  # the same port, as a restarted Redis would be
            wait_until("the relay to listen again", lambda: own.client.pubsub_numpat() > 0, WAIT)
            socket.send("after the restart")
            assert _heard(socket) == {"type": "message", "from": party, "text": "after the restart"}
