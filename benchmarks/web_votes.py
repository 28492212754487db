"""Votes per second through the web app on the embedded SQLite store, with p50/p99 latency.

A load generator on loopback (raw HTTP/1.1 over 16 kept-alive asyncio connections) sends
single votes to ``POST /api/rounds/{id}/votes`` of the app served by uvicorn in a separate
process. The
named baseline is the same number of single-vote transactions through the service layer in
this process, with no HTTP: the ratio says what the web path costs on top of the store.
Target (issue 4): at least 500 votes a second.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import re
import resource
import socket
import statistics
import tempfile
import time
from pathlib import Path
from uuid import UUID

import httpx

RESPONDENTS = 600
CONCURRENCY = 16
CSRF = re.compile(r'"X-CSRF-Token": "([^"]+)"')


def _prepare(folder: Path) -> tuple[str, list[str], list[str]]:
    from tracktwo.demo import build_demo
    from tracktwo.domain.actors import Actor
    from tracktwo.services import feedback, phases
    from tracktwo.services.setup import initialise
    from tracktwo.services.transaction import run

    store = initialise(folder)
    ids = build_demo(store, seed=7)
    operator = Actor.operator()
    ideas = [UUID(i.id) for i in run(store, phases.board, operator, ids.first_workshop).ideas]
    opened = run(store, feedback.release_ideas, operator, ids.first_workshop, ideas, title="Bench")
    statements = [s.id for s in run(store, feedback.statements, operator, opened.round_id)]
    store.dispose()
    return str(opened.round_id), list(opened.links.values()), statements


def _serve(folder: str, port: int) -> None:
    import uvicorn

    from tracktwo.services.setup import open_data
    from tracktwo.web.app import create_app

    store = open_data(Path(folder))
    app = create_app(store)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _respondents(base: str, links: list[str]) -> list[tuple[str, str]]:
    """Enter the round as RESPONDENTS people; return each one's session cookie and CSRF token."""
    found = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for number in range(RESPONDENTS):
            entered = await client.get(f"/r/{links[number % len(links)]}")
            cookie = entered.cookies["tracktwo_session"]
            client.cookies.clear()
            page = await client.get(
                entered.headers["location"], headers={"Cookie": f"tracktwo_session={cookie}"}
            )
            client.cookies.clear()
            found.append((cookie, CSRF.search(page.text).group(1)))  # type: ignore[union-attr]
    return found


def vote_request(port: int, round_id: str, cookie: str, csrf: str, statement: str) -> bytes:
    body = json.dumps({"votes": [[statement, 1]]}).encode()
    head = (
        f"POST /api/rounds/{round_id}/votes HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Cookie: tracktwo_session={cookie}\r\n"
        f"X-CSRF-Token: {csrf}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _send(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    """Send one request on a kept-alive connection and return the response status."""
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def _load(
    base: str, port: int, round_id: str, links: list[str], statements: list[str]
) -> dict[str, float]:
    """Send every respondent's votes over CONCURRENCY kept-alive loopback connections.

    The load generator writes raw HTTP/1.1 so that it, not the app, is the lighter side on
    a 2-core machine.
    """
    respondents = await _respondents(base, links)
    requests = [
        vote_request(port, round_id, cookie, csrf, statement)
        for cookie, csrf in respondents
        for statement in statements
    ]
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for raw in requests:
        queue.put_nowait(raw)
    latencies: list[float] = []
    failures: list[int] = []

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while not queue.empty():
                raw = queue.get_nowait()
                started = time.perf_counter()
                status = await _send(reader, writer, raw)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    failures.append(status)
        finally:
            writer.close()
            await writer.wait_closed()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} votes failed, e.g. status {failures[0]}")
    latencies.sort()
    return {
        "votes": len(requests),
        "seconds": elapsed,
        "votes_per_second": len(requests) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


def _baseline(folder: Path, count: int) -> float:
    """Time ``count`` single-vote transactions through the service layer, no HTTP."""
    from tracktwo.demo import build_demo
    from tracktwo.domain.actors import Actor
    from tracktwo.services import feedback, phases
    from tracktwo.services.setup import initialise
    from tracktwo.services.transaction import run

    store = initialise(folder)
    ids = build_demo(store, seed=7)
    operator = Actor.operator()
    ideas = [UUID(i.id) for i in run(store, phases.board, operator, ids.first_workshop).ideas]
    opened = run(store, feedback.release_ideas, operator, ids.first_workshop, ideas, title="Bench")
    statements = [s.id for s in run(store, feedback.statements, operator, opened.round_id)]
    links = list(opened.links.values())
    voters = [
        run(store, feedback.join_round, links[n % 2]) for n in range(count // len(statements))
    ]
    started = time.perf_counter()
    for voter in voters:
        for statement in statements:
            run(store, feedback.cast_votes, voter, opened.round_id, [(statement, 1)])
    elapsed = time.perf_counter() - started
    store.dispose()
    return len(voters) * len(statements) / elapsed


def main() -> None:
    """Run the load test and the in-process baseline; print one JSON line."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "served"
        round_id, links, statements = _prepare(folder)
        port = free_port()
        context = multiprocessing.get_context("spawn")
        server = context.Process(target=_serve, args=(str(folder), port), daemon=True)
        server.start()
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        try:
            figures = asyncio.run(_load(base, port, round_id, links, statements))
        finally:
            server.terminate()
            server.join(timeout=10)
        service_rate = _baseline(Path(tmp) / "baseline", int(figures["votes"]))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "benchmark": "web_votes",
        "store": "sqlite",
        "concurrency": CONCURRENCY,
        "votes": int(figures["votes"]),
        "http_votes_per_second": round(figures["votes_per_second"], 1),
        "p50_ms": round(figures["p50_ms"], 2),
        "p99_ms": round(figures["p99_ms"], 2),
        "baseline": "service layer in process, no HTTP",
        "baseline_votes_per_second": round(service_rate, 1),
        "ratio_http_to_baseline": round(figures["votes_per_second"] / service_rate, 3),
        "target_votes_per_second": 500,
        "meets_target": figures["votes_per_second"] >= 500,
        "peak_rss_mib_load_generator": round(peak, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
