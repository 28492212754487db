"""The live discussion of a joint session: relayed in memory, never written anywhere.

No message is logged, stored, or kept after it is relayed; a room exists only while someone
is in it. Presence is shown by party, with how many of it are present, never by name or role.
This hub serves one process; :mod:`tracktwo.web.live_across` relays among several.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from fastapi import WebSocket

MAX_MESSAGE = 4000


@dataclass
class Seat:
    """One connection in a room."""

    number: int
    label: str
    socket: WebSocket


@dataclass
class Room:
    """Everyone connected to one joint session."""

    seats: dict[int, Seat] = field(default_factory=dict)

    def counts(self) -> Counter[str]:
        """How many of each party are connected here."""
        return Counter(seat.label for seat in self.seats.values())


def presence(counts: Counter[str]) -> list[str]:
    """Each party present and how many of it, in alphabetical order (not who came when)."""
    return [f"{label} ({count})" for label, count in sorted(counts.items()) if count > 0]


Key = tuple[UUID, UUID]


class LiveHub:
    """All open rooms of this process, keyed by (workshop, session); empty rooms are removed
    at once."""

    def __init__(self) -> None:
        self.rooms: dict[Key, Room] = {}
        self._numbers = itertools.count(1)
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Get ready to relay (nothing to do in memory)."""

    async def stop(self) -> None:
        """Stop relaying (nothing to do in memory)."""

    def room_count(self) -> int:
        return len(self.rooms)

    def presence(self, key: Key) -> list[str]:
        """The room's presence line, from the seats of this process."""
        room = self.rooms.get(key)
        return presence(room.counts()) if room else []

    async def join(self, key: Key, label: str, socket: WebSocket) -> Seat:
        async with self._lock:
            room = self.rooms.setdefault(key, Room())
            seat = Seat(next(self._numbers), label, socket)
            room.seats[seat.number] = seat
        await self.broadcast(key, {"type": "presence", "present": self.presence(key)})
        return seat

    async def leave(self, key: Key, seat: Seat) -> None:
        async with self._lock:
            room = self.rooms.get(key)
            if room is None:
                return
            room.seats.pop(seat.number, None)
            if not room.seats:
                del self.rooms[key]
                return
        await self.broadcast(key, {"type": "presence", "present": self.presence(key)})

    async def relay(self, key: Key, seat: Seat, text: str) -> None:
        """Send a message to everyone in the room, the sender included, and forget it."""
        await self.broadcast(
            key, {"type": "message", "from": seat.label, "text": text[:MAX_MESSAGE]}
        )

    async def broadcast(self, key: Key, payload: dict[str, Any]) -> None:
        room = self.rooms.get(key)
        if room is None:
            return
        for seat in list(room.seats.values()):
            try:
                await seat.socket.send_json(payload)
            except RuntimeError:  # the socket closed between the lookup and the send
                room.seats.pop(seat.number, None)
