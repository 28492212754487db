"""Server-side sessions through the app, on each backend: the cookie holds a random id and
nothing readable, sign-out and expiry revoke the session (a copied cookie included), a new
sign-in link voids the person's older one, and the API reference is for facilitators only.

Every test runs on SQLite and, when ``TRACKTWO_TEST_DATABASE_URL`` is set, on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, update
from starlette.websockets import WebSocketDisconnect

from tests.integration.conftest import BACKENDS, open_test_store
from tests.serving import served_on_loopback
from tests.web.conftest import (
    CSRF,
    OPERATOR,
    Served,
    facilitator_token,
    member_token,
    respondent_client,
    serve_demo,
    signed_in,
)
from tracktwo.errors import ConfigurationError
from tracktwo.services import feedback, schedule, workshops
from tracktwo.services.transaction import run
from tracktwo.services.web_sessions import DEFAULT_ABSOLUTE, DEFAULT_IDLE, SessionPolicy
from tracktwo.store.models import WebSessionRow
from tracktwo.store.unit_of_work import now
from tracktwo.web.app import create_app
from tracktwo.web.sessions import policy_from_environment

COOKIE = "tracktwo_session"


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    with open_test_store(request.param, tmp_path_factory.mktemp("sessions") / "data") as store:
        yield serve_demo(store)


def console_of(site: Served) -> str:
    return f"/w/{site.ids.first_workshop}/console"


def with_cookie(value: str) -> dict[str, str]:
    """The header a browser holding this session cookie (a copied one, say) sends."""
    return {"Cookie": f"{COOKIE}={value}"}


def stored_row(site: Served, value: str) -> Any:
    """Return the stored session a cookie's id names, or None."""
    digest = hashlib.sha256(value.encode()).hexdigest()
    with site.store.engine.connect() as connection:
        return connection.execute(
            select(WebSessionRow).where(WebSessionRow.id_hash == digest)
        ).first()


def change_row(site: Served, value: str, **columns: Any) -> None:
    digest = hashlib.sha256(value.encode()).hexdigest()
    with site.store.engine.begin() as connection:
        connection.execute(
            update(WebSessionRow).where(WebSessionRow.id_hash == digest).values(**columns)
        )


def attributes(set_cookie: str) -> list[str]:
    return [part.strip().lower() for part in set_cookie.split(";")]


def test_signing_out_revokes_the_session_even_for_a_copied_cookie(site: Served) -> None:
    owner = signed_in(site, facilitator_token(site, site.ids.first_workshop))
    copied = owner.cookies[COOKIE]
    thief = site.client()
    assert thief.get(console_of(site), headers=with_cookie(copied)).status_code == 200
    sessions = run(site.store, schedule.schedule, OPERATOR, site.ids.first_workshop)
    joint = next(s.id for s in sessions if s.kind == "joint")
    live = f"/w/{site.ids.first_workshop}/live/{joint}/ws"
    with thief.websocket_connect(live, headers=with_cookie(copied)) as socket:
        assert socket.receive_json()["type"] == "presence"
    forced = owner.post("/signout", headers={"X-CSRF-Token": "from another site"})
    assert forced.status_code == 403, "another site cannot sign people out"
    assert thief.get(console_of(site), headers=with_cookie(copied)).status_code == 200
    out = owner.post("/signout")
    assert out.status_code == 303
    assert "max-age=0" in attributes(out.headers["set-cookie"]), "the browser drops the cookie"
    assert stored_row(site, copied) is None
    assert thief.get(console_of(site), headers=with_cookie(copied)).status_code == 401
    assert thief.get("/api/session", headers=with_cookie(copied)).status_code == 401
    assert owner.get(console_of(site)).status_code == 401
    # nor join a live discussion
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        thief.websocket_connect(live, headers=with_cookie(copied)),
    ):
        pass
    assert closed.value.code == 4403
    # the same copied cookie cannot post either: it is answered as signed out
    answer = thief.post(
        f"/w/{site.ids.first_workshop}/interventions",
        data={"phase": "analysis", "kind": "clarify"},
        headers=with_cookie(copied),
    )
    assert answer.status_code == 401


def test_the_cookie_holds_a_random_id_and_nothing_readable(site: Served) -> None:
    workshop = site.ids.first_workshop
    lead = run(site.store, workshops.facilitators_of, OPERATOR, workshop)[0]
    client = site.client()
    answer = client.get(f"/signin/{facilitator_token(site, workshop)}")
    assert answer.status_code == 303
    value = client.cookies[COOKIE]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value), value
    raw = base64.urlsafe_b64decode(value + "=")
    assert len(raw) == 32, "256 random bits, no payload"
    csrf = CSRF.search(client.get(console_of(site)).text).group(1)  # type: ignore[union-attr]
    for secret in (str(workshop), workshop.hex, str(lead), lead.hex, "facilitator", csrf):
        assert secret not in value
        assert secret.encode() not in raw
    flags = attributes(answer.headers["set-cookie"])
    assert {"httponly", "samesite=lax", "path=/"} <= set(flags)
    assert "secure" not in flags, "served over plain http (loopback)"
    row = stored_row(site, value)
    assert row is not None, "the store finds the session by the id's SHA-256 hash"
    assert all(value not in str(cell) for cell in row), "the id itself is stored nowhere"
    assert row.csrf_token == csrf, "the CSRF token lives with the session, in the store"


def test_the_cookie_is_secure_over_https_or_when_configured(site: Served) -> None:
    over_https = TestClient(site.app, base_url="https://testserver", follow_redirects=False)  # type: ignore[arg-type]
    answer = over_https.get(f"/signin/{facilitator_token(site, site.ids.first_workshop)}")
    assert answer.status_code == 303
    assert "secure" in attributes(answer.headers["set-cookie"])
    configured = TestClient(create_app(site.store, secure_cookies=True), follow_redirects=False)
    answer = configured.get(f"/signin/{facilitator_token(site, site.ids.first_workshop)}")
    assert "secure" in attributes(answer.headers["set-cookie"])


SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)


@pytest.mark.parametrize(
    "ages",
    [
        {"idle_until": SECOND},
        # the idle deadline is never stored past the absolute one
        {"expires_at": SECOND, "idle_until": SECOND},
        # lifetimes as configured now, should they have been shortened since sign-in
        {"created_at": DEFAULT_ABSOLUTE + MINUTE},
        {"last_seen_at": DEFAULT_IDLE + MINUTE},
    ],
    ids=["idle deadline", "absolute deadline", "absolute since sign-in", "idle since last use"],
)
def test_an_expired_session_is_refused(site: Served, ages: dict[str, timedelta]) -> None:
    client = signed_in(site, facilitator_token(site, site.ids.first_workshop))
    value = client.cookies[COOKIE]
    assert client.get("/api/session").status_code == 200
    change_row(site, value, **{column: now() - age for column, age in ages.items()})
    answer = client.get("/api/session")
    assert answer.status_code == 401
    assert "max-age=0" in attributes(answer.headers["set-cookie"]), "the browser drops it"
    assert site.client().get(console_of(site), headers=with_cookie(value)).status_code == 401
    if "idle_until" in ages:  # past its stored deadline: the next sign-in sweeps it away
        signed_in(site, facilitator_token(site, site.ids.first_workshop))
        assert stored_row(site, value) is None


def test_a_session_in_use_stays_alive_past_its_first_idle_deadline(site: Served) -> None:
    client = signed_in(site, facilitator_token(site, site.ids.first_workshop))
    value = client.cookies[COOKIE]
    soon = now() + timedelta(seconds=30)
    change_row(site, value, last_seen_at=now() - timedelta(minutes=5), idle_until=soon)
    assert client.get("/api/session").status_code == 200
    row = stored_row(site, value)
    assert row.idle_until > now() + DEFAULT_IDLE - timedelta(minutes=1), "use moved it on"
    assert row.idle_until <= row.expires_at


def test_an_older_member_link_fails_after_a_new_one_is_made(site: Served) -> None:
    party = sorted(site.members)[1]
    member, other = site.members[party][1], site.members[party][2]
    workshop = site.ids.first_workshop
    older = member_token(site, workshop, member.member_id)
    others = member_token(site, workshop, other.member_id)
    newer = member_token(site, workshop, member.member_id)
    assert site.client().get(f"/signin/{older}").status_code == 403
    assert site.client().get(f"/signin/{newer}").status_code == 303
    assert site.client().get(f"/signin/{others}").status_code == 303, "only that member's"


def test_a_new_sign_in_ends_the_browsers_earlier_session(site: Served) -> None:
    client = signed_in(site, facilitator_token(site, site.ids.first_workshop))
    first = client.cookies[COOKIE]
    member = site.members[sorted(site.members)[0]][0]
    answer = client.get(f"/signin/{member_token(site, site.ids.first_workshop, member.member_id)}")
    assert answer.status_code == 303
    assert client.cookies[COOKIE] != first
    assert stored_row(site, first) is None
    assert site.client().get(console_of(site), headers=with_cookie(first)).status_code == 401


def test_the_api_reference_is_for_facilitators_and_needs_no_other_site(site: Served) -> None:
    workshop = site.ids.first_workshop
    member = site.members[sorted(site.members)[0]][0]
    participant = signed_in(site, member_token(site, workshop, member.member_id))
    respondent = respondent_client(site, sorted(site.round_links)[0])
    for path in ("/docs", "/openapi.json", "/redoc"):
        assert site.client().get(path).status_code in (401, 404), path
    for path in ("/docs", "/openapi.json"):
        assert site.client().get(path).status_code == 401, path
        assert participant.get(path).status_code == 403, path
        assert respondent.get(path).status_code == 403, path
    for who in (workshop, site.ids.next_workshop):
        facilitator = signed_in(site, facilitator_token(site, who))
        page = facilitator.get("/docs")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert "/api/rounds/{round_id}/votes" in page.text
        assert "respondent of this round" in page.text
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources and all(s.startswith(("/", "?", "#")) for s in sources), sources
        schema = facilitator.get("/openapi.json").json()
        operations = [op for item in schema["paths"].values() for op in item.values()]
        assert len(operations) >= 30
        assert all("x-access" in op for op in operations)
        assert schema["paths"]["/docs"]["get"]["x-access"] == "facilitator of any workshop"


async def _enter(base: str, site: Served, count: int) -> list[tuple[str, str]]:
    """Enter the round as ``count`` respondents; return each one's cookie and CSRF token."""
    link = site.round_links[sorted(site.round_links)[0]]

    async def enter(client: httpx.AsyncClient) -> tuple[str, str]:
        answer = await client.get(f"/r/{link}")
        assert answer.status_code == 303
        session = (await client.get("/api/session")).json()
        return client.cookies[COOKIE], session["csrf"]

    entered: list[tuple[str, str]] = []
    for _ in range(0, count, 50):
        clients = [httpx.AsyncClient(base_url=base, timeout=60) for _ in range(50)]
        try:
            entered += await asyncio.gather(*(enter(c) for c in clients))
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))
    return entered


async def _vote(base: str, site: Served, entered: list[tuple[str, str]]) -> list[httpx.Response]:
    """Send every respondent's ballot at once, each from a client of its own."""
    statements = run(site.store, feedback.statements, OPERATOR, site.round_id)
    ballot = {"votes": [[s.id, 1] for s in statements]}
    clients = [
        httpx.AsyncClient(
            base_url=base, timeout=60, headers={"X-CSRF-Token": csrf, **with_cookie(cookie)}
        )
        for cookie, csrf in entered
    ]
    try:
        return list(
            await asyncio.gather(
                *(c.post(f"/api/rounds/{site.round_id}/votes", json=ballot) for c in clients)
            )
        )
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def test_two_hundred_respondents_voting_at_once_are_all_counted(site: Served) -> None:
    """Each vote request finds its session in the store, then waits on the vote stream
    holding no connection: 200 at once, over real HTTP, more than the connection pool."""
    before = len(run(site.store, feedback.votes_frame, OPERATOR, site.round_id))
    begun: list[Any] = []

    def count(connection: Any) -> None:
        begun.append(connection)

    with served_on_loopback(site.app) as base, ThreadPoolExecutor(max_workers=1) as loop:
        entered = loop.submit(lambda: asyncio.run(_enter(base, site, 200))).result()
        event.listen(site.store.engine, "begin", count)
        try:
            answers = loop.submit(lambda: asyncio.run(_vote(base, site, entered))).result()
        finally:
            event.remove(site.store.engine, "begin", count)
    assert [a.status_code for a in answers] == [200] * 200, answers[0].text
    # sessions found, and votes written, a group at a time
    assert len(begun) < 100, len(begun)
    assert {a.json()["stored"] for a in answers} == {3}
    assert len(run(site.store, feedback.votes_frame, OPERATOR, site.round_id)) == before + 600
    assert UUID(str(site.round_id))


def test_lifetimes_come_from_the_environment_with_sane_defaults() -> None:
    assert policy_from_environment({}) == SessionPolicy(DEFAULT_IDLE, DEFAULT_ABSOLUTE)
    assert timedelta(hours=4) >= DEFAULT_IDLE and timedelta(hours=12) >= DEFAULT_ABSOLUTE
    set_ = policy_from_environment(
        {"TRACKTWO_SESSION_IDLE_MINUTES": "30", "TRACKTWO_SESSION_HOURS": "2.5"}
    )
    assert set_ == SessionPolicy(timedelta(minutes=30), timedelta(hours=2, minutes=30))
    assert set_.touch_every == timedelta(minutes=1)
    assert SessionPolicy(timedelta(minutes=5)).touch_every == timedelta(seconds=30)
    for wrong in ({"TRACKTWO_SESSION_HOURS": "soon"}, {"TRACKTWO_SESSION_IDLE_MINUTES": "0"}):
        with pytest.raises(ConfigurationError):
            policy_from_environment(wrong)
