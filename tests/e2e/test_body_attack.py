"""A 90 MB body to the vote endpoint gets 413 at once, while /healthz keeps answering.

The server runs in a process of its own, as in production; attackers in processes of their own send
90 MB bodies (with a Content-Length that says so, and streamed in chunks without one) for a
few seconds while a prober asks /healthz every 20 ms. The issue's figure is the prober's
p99 under 100 ms during the attack; it is printed, not asserted: on a 2-core machine whose
other core runs another test module, the prober's latency says as much about that module
as about the server. What is asserted: every probe answered, and the server closed every
attacker's connection before its 90 MB had gone (a server that read the bodies it refuses
would hold /healthz back while it does: p99 115 ms against 20 when tried here, with the
same prober 8 ms before the attack). Bounded: two attackers, 4 s of attack, every socket
with a timeout.
"""

from __future__ import annotations

import multiprocessing
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tracktwo.services.setup import initialise

ATTACK_S = 4.0
QUIET_S = 1.0
BODY = 90 * 1024 * 1024
CHUNK = 256 * 1024
SERVE = (
    "import sys, uvicorn; from pathlib import Path; "
    "from tracktwo.services.setup import open_data; from tracktwo.web.app import create_app; "
    "uvicorn.run(create_app(open_data(Path(sys.argv[1]))), host='127.0.0.1', "
    "port=int(sys.argv[2]), log_level='error')"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    folder = tmp_path / "data"
    initialise(folder).dispose()
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(folder), str(port)])
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def _attack(port: int, declared: bool, statuses: Any, until: float) -> None:
    """Send 90 MB bodies until ``until``; put what each attack got (its status, and whether
    the server closed the connection before the body had gone), once, at the end."""
    seen: list[tuple[int, bool]] = []
    try:
        _attacks(port, declared, seen, until)
    finally:
        statuses.put((declared, seen))


def _attacks(port: int, declared: bool, seen: list[tuple[int, bool]], until: float) -> None:
    head = (
        "POST /api/rounds/00000000-0000-0000-0000-000000000000/votes HTTP/1.1\r\n"
        "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + (f"Content-Length: {BODY}\r\n" if declared else "Transfer-Encoding: chunked\r\n")
        + "\r\n"
    ).encode()
    chunk = b"x" * CHUNK
    framed = chunk if declared else f"{CHUNK:x}\r\n".encode() + chunk + b"\r\n"
    while time.monotonic() < until:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as attacker:
            attacker.sendall(head + framed)
            answer = attacker.recv(64)  # the answer comes before the body has gone
            cut = False
            try:  # then the rest of the 90 MB, as an attacker would
                for _ in range(BODY // CHUNK - 1):
                    attacker.sendall(framed)
            except OSError:
                cut = True  # the server closed the connection: as it should
            if answer.startswith(b"HTTP/1.1 "):
                seen.append((int(answer.split(b" ", 2)[1]), cut))


def _probe(prober: httpx.Client, until: float) -> list[float]:
    """Ask /healthz every 20 ms until ``until``; return the latencies, sorted."""
    latencies = []
    while time.monotonic() < until:
        sent = time.perf_counter()
        assert prober.get("/healthz").status_code == 200
        latencies.append(time.perf_counter() - sent)
        time.sleep(0.02)
    return sorted(latencies)


def _p99(latencies: list[float]) -> float:
    return latencies[int(0.99 * (len(latencies) - 1))]


def test_a_90_mb_body_gets_413_while_healthz_keeps_answering(server: int) -> None:
    with httpx.Client(base_url=f"http://127.0.0.1:{server}", timeout=5) as prober:
        quiet = _probe(prober, time.monotonic() + QUIET_S)
    context = multiprocessing.get_context("fork")  # attackers apart from the prober
    statuses = context.Queue()
    until = time.monotonic() + ATTACK_S
    attackers = [
        context.Process(target=_attack, args=(server, declared, statuses, until), daemon=True)
        for declared in (True, False)
    ]
    for attacker in attackers:
        attacker.start()
    with httpx.Client(base_url=f"http://127.0.0.1:{server}", timeout=5) as prober:
        latencies = _probe(prober, until)
    answered: dict[bool, set[int]] = {True: set(), False: set()}
    cut: list[bool] = []
    for _ in attackers:
        declared, seen = statuses.get(timeout=60)
        answered[declared] |= {status for status, _ in seen}
        cut += [closed for _, closed in seen]
    for attacker in attackers:
        attacker.join(timeout=10)
    p99 = _p99(latencies)
    print(f"/healthz during the attack: {len(latencies)} probes, p99 {1000 * p99:.1f} ms "
          f"(before it {1000 * _p99(quiet):.1f} ms; the issue's figure: under 100 ms); "
          f"answered {answered}")  # fmt: skip
    # A declared 90 MB is refused before anything reads it; a streamed one without a
    # session is refused (401) before its body is parsed.
    assert answered[True] == {413}
    assert answered[False] and answered[False] <= {401, 413}
    assert len(latencies) > 30
    # every attack was cut off: the server read none of the 90 MB it had refused
    assert cut and all(cut)
