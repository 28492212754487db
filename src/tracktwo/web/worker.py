"""One of several worker processes that ``tracktwo run --workers N`` starts.

Uvicorn starts each worker by importing :func:`create_worker_app`, so a worker learns its
data folder, database and Redis from the environment that ``run`` hands down:
``TRACKTWO_DATA_DIR``, ``TRACKTWO_DATABASE_URL`` and ``TRACKTWO_REDIS_URL``. Each worker
opens its own store and its own vote stream (the group commit needs nothing shared: every
group is one transaction of the database), and relays the live discussion through Redis.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tracktwo.services.setup import open_data
from tracktwo.web.app import create_app
from tracktwo.web.live_across import RedisLiveHub

DATA_DIR_ENV = "TRACKTWO_DATA_DIR"
DATABASE_URL_ENV = "TRACKTWO_DATABASE_URL"
REDIS_URL_ENV = "TRACKTWO_REDIS_URL"
WORKER_HEADER = b"x-tracktwo-worker"


class WorkerHeader:
    """Name the worker that answered in a header of each response and websocket handshake,
    so an operator (and the test of several workers) can tell which process served what."""

    def __init__(self, app: ASGIApp, worker: str) -> None:
        self.app = app
        self.header = (WORKER_HEADER, worker.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return

        async def named(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.accept"):
                message["headers"] = [*message.get("headers", []), self.header]
            await send(message)

        await self.app(scope, receive, named)


def create_worker_app() -> FastAPI:
    """Build one worker's app from the environment ``tracktwo run --workers N`` sets."""
    redis_url = os.environ.get(REDIS_URL_ENV)
    if not redis_url:
        raise RuntimeError(f"{REDIS_URL_ENV} is not set: several workers relay through Redis")
    store = open_data(Path(os.environ.get(DATA_DIR_ENV, "data")), os.environ.get(DATABASE_URL_ENV))
    hub = RedisLiveHub(redis_url)
    app = create_app(store, live=hub)
    app.add_middleware(WorkerHeader, worker=hub.worker)
    return app
