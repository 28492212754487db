"""The live discussion relayed among several worker processes through Redis pub/sub.

Each worker keeps its own sockets, as :class:`~tracktwo.web.live.LiveHub` does, and sends
every message of a room to one Redis channel, which hands it to every worker then listening
(the sender's own included) and forgets it: Redis keeps no published message, in memory or
on disk, and this hub writes no key. The text passes through the workers' and Redis's memory
only. Run Redis with no persistence (``--save '' --appendonly no``), bound to loopback.

Presence crosses workers as counts by party, never names: a worker that gains or loses a
seat in a room announces its counts to the room's channel, and on its first seat asks the
others to announce theirs. Should a worker die, its last counts stay shown on the others
until their room empties.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections import Counter
from typing import Any
from uuid import UUID

from fastapi import WebSocket
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from tracktwo.web.live import MAX_MESSAGE, Key, LiveHub, Seat, presence

log = logging.getLogger(__name__)

PREFIX = "tracktwo:live:"
"""Every room's channel starts with this; a worker listens to them all with one pattern."""

RETRY_SECONDS = 1.0
CONFIRM_TRIES = 10
PUBLISH_TRIES = 3


def channel(key: Key) -> str:
    """The Redis channel of one room: ``tracktwo:live:WORKSHOP:SESSION``."""
    return f"{PREFIX}{key[0]}:{key[1]}"


def _room_of(name: str) -> Key | None:
    try:
        workshop, session = name.removeprefix(PREFIX).split(":")
        return UUID(workshop), UUID(session)
    except ValueError:
        return None


class RedisLiveHub(LiveHub):
    """Rooms spread over workers, joined through Redis pub/sub.

    ``worker`` names this process on the channels (random by default); it is no secret
    and says nothing about anyone.
    """

    def __init__(self, url: str, *, worker: str | None = None) -> None:
        super().__init__()
        self.url = url
        self.worker = worker or secrets.token_hex(6)
        self._redis: Redis | None = None
        self._listener: asyncio.Task[None] | None = None
        # Per room this worker has seats in: each other worker's counts by party.
        self._elsewhere: dict[Key, dict[str, Counter[str]]] = {}

    async def start(self) -> None:
        """Connect to Redis and listen to every room's channel before serving anyone."""
        # A pooled connection goes stale when Redis restarts: try again on a fresh one.
        self._redis = Redis.from_url(
            self.url,
            retry=Retry(ExponentialBackoff(cap=RETRY_SECONDS, base=0.05), PUBLISH_TRIES),
            retry_on_error=[RedisConnectionError],
        )
        pubsub = await self._subscribed()
        self._listener = asyncio.get_running_loop().create_task(self._listen(pubsub))

    async def stop(self) -> None:
        """Stop listening and close the connections."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    def presence(self, key: Key) -> list[str]:
        """The room's presence line: this worker's seats and the others' last counts."""
        room = self.rooms.get(key)
        counts = room.counts() if room else Counter[str]()
        for theirs in self._elsewhere.get(key, {}).values():
            counts.update(theirs)
        return presence(counts)

    async def join(self, key: Key, label: str, socket: WebSocket) -> Seat:
        first = key not in self.rooms
        seat = await super().join(key, label, socket)
        await self._announce(key, ask=first)
        return seat

    async def leave(self, key: Key, seat: Seat) -> None:
        await super().leave(key, seat)
        if key not in self.rooms:
            self._elsewhere.pop(key, None)
        await self._announce(key, ask=False)

    async def relay(self, key: Key, seat: Seat, text: str) -> None:
        """Publish a message to the room on every worker, the sender's included; keep it
        nowhere (a publish is not stored by Redis)."""
        await self._publish(key, {"kind": "say", "from": seat.label, "text": text[:MAX_MESSAGE]})

    async def _announce(self, key: Key, *, ask: bool) -> None:
        room = self.rooms.get(key)
        counts = dict(room.counts()) if room else {}
        await self._publish(
            key, {"kind": "here", "worker": self.worker, "counts": counts, "ask": ask}
        )

    async def _publish(self, key: Key, payload: dict[str, Any]) -> None:
        if self._redis is None:
            raise RuntimeError("the live hub was not started (RedisLiveHub.start)")
        await self._redis.publish(channel(key), json.dumps(payload))

    async def _subscribed(self) -> PubSub:
        assert self._redis is not None
        pubsub = self._redis.pubsub()
        await pubsub.psubscribe(f"{PREFIX}*")
        # Wait for Redis to confirm, so no message published after start() is missed.
        for _ in range(CONFIRM_TRIES):
            confirmed = await pubsub.get_message(timeout=RETRY_SECONDS)
            if confirmed is not None and confirmed["type"] == "psubscribe":
                return pubsub
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        raise RedisError("Redis did not confirm the subscription to the live rooms")

    async def _listen(self, pubsub: PubSub) -> None:
        """Hand each published message to this worker's seats in its room; reconnect after
        losing Redis (messages published meanwhile are lost, as Redis keeps none)."""
        while True:
            try:
                async for message in pubsub.listen():
                    if message["type"] != "pmessage":
                        continue
                    try:
                        await self._deliver(message["channel"], message["data"])
                    except (KeyError, TypeError, ValueError, AttributeError):
                        # Not one of ours: say so, never what it held.
                        log.warning("ignored a malformed event on a live-discussion channel")
            except (RedisError, OSError) as error:
                log.warning("lost Redis for the live discussion (%s); reconnecting", error)
            with contextlib.suppress(RedisError, OSError):
                await pubsub.aclose()  # type: ignore[no-untyped-call]
            while True:
                await asyncio.sleep(RETRY_SECONDS)
                try:
                    pubsub = await self._subscribed()
                    break
                except (RedisError, OSError):
                    continue

    async def _deliver(self, name: bytes | str, data: bytes | str) -> None:
        key = _room_of(name.decode() if isinstance(name, bytes) else name)
        if key is None or key not in self.rooms:
            return
        event = json.loads(data)
        if event.get("kind") == "say":
            await self.broadcast(
                key, {"type": "message", "from": event["from"], "text": event["text"]}
            )
        elif event.get("kind") == "here" and event.get("worker") != self.worker:
            counts = Counter({str(k): int(v) for k, v in event.get("counts", {}).items()})
            others = self._elsewhere.setdefault(key, {})
            if counts:
                others[str(event["worker"])] = counts
            else:
                others.pop(str(event["worker"]), None)
            if event.get("ask"):
                await self._announce(key, ask=False)
            await self.broadcast(key, {"type": "presence", "present": self.presence(key)})
