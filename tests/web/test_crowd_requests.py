"""A crowd over real HTTP: parallel requests on one sign-in link and one community link.

The app is served by uvicorn on a loopback port; each request comes from a client of its
own (no shared cookies), all sent at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.serving import served_on_loopback
from tests.web.conftest import OPERATOR, Served, facilitator_token
from tracktwo.services import feedback
from tracktwo.services.transaction import run


@pytest.fixture(scope="module")
def base_url(served: Served) -> Iterator[str]:
    with served_on_loopback(served.app) as url:
        yield url


def get_all_at_once(base_url: str, path: str, count: int) -> list[httpx.Response]:
    """GET ``path`` from ``count`` separate clients at once (on a thread of its own, so that
    no event loop of another test is in the way)."""

    async def crowd() -> list[httpx.Response]:
        clients = [httpx.AsyncClient(base_url=base_url, timeout=60) for _ in range(count)]
        try:
            return list(await asyncio.gather(*(c.get(path) for c in clients)))
        finally:
            await asyncio.gather(*(c.aclose() for c in clients))

    with ThreadPoolExecutor(max_workers=1) as loop_thread:
        return loop_thread.submit(lambda: asyncio.run(crowd())).result()


def test_twenty_parallel_requests_on_one_sign_in_link_open_one_session(
    served: Served, base_url: str
) -> None:
    for _ in range(3):
        token = facilitator_token(served, served.ids.first_workshop)
        answers = get_all_at_once(base_url, f"/signin/{token}", 20)
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [303] + [403] * 19
        opened = [a for a in answers if a.status_code == 303]
        assert "tracktwo_session" in opened[0].cookies


def test_fifty_parallel_first_visits_to_a_round_link_give_fifty_respondents(
    served: Served, base_url: str
) -> None:
    def respondents() -> int:
        listed = run(served.store, feedback.rounds, OPERATOR, served.ids.first_workshop)
        return next(r.respondents for r in listed if r.id == str(served.round_id))

    before = respondents()
    answers = get_all_at_once(base_url, f"/r/{served.round_links['Sorai community']}", 50)
    assert [a.status_code for a in answers] == [303] * 50
    assert len({a.cookies["tracktwo_session"] for a in answers}) == 50
    assert respondents() == before + 50
