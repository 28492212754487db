"""A Redis server of a test's own: a real process on a free loopback port, with no
persistence, that a test may stop and start again on the same port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

WAIT = 20.0  # seconds for Redis to answer


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(what: str, ready: Callable[[], bool], timeout: float) -> None:
    """Poll ``ready`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


class OwnRedis:
    """One redis-server process in ``folder`` on ``port``; ``client`` talks to it."""

    def __init__(self, binary: str, folder: Path, port: int) -> None:
        self.binary, self.folder, self.port = binary, folder, port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.client = redis.Redis(port=port, socket_timeout=WAIT)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
        self._process = subprocess.Popen(
            [self.binary, *args, "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until("Redis to answer", self._answers, WAIT)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=WAIT)
            self._process = None

    def _answers(self) -> bool:
        try:
            return bool(self.client.ping())
        except (OSError, redis.RedisError):
            return False


@contextmanager
def own_redis(folder: Path) -> Iterator[OwnRedis]:
    """Start a Redis of the test's own in a new ``folder``; stop it afterwards. Skipped
    loudly where redis-server is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("SKIPPED LOUDLY: redis-server is not installed (.ci/run installs it)")
    folder.mkdir()
    server = OwnRedis(binary, folder, free_port())
    server.start()
    try:
        yield server
    finally:
        server.client.close()
        server.stop()
