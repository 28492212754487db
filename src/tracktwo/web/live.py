"""The live discussion of a joint session: relayed in memory, never written anywhere.

No message is logged, stored, or kept after it is relayed; a room exists only while someone
is in it. Presence is shown by party, with how many of it are present, never by name or role.
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

    def presence(self) -> list[str]:
        """Each party present and how many of it, in alphabetical order (not who came when)."""
        counts = Counter(seat.label for seat in self.seats.values())
        return [f"{label} ({count})" for label, count in sorted(counts.items())]


class LiveHub:
    """All open rooms, keyed by (workshop, session); empty rooms are removed at once."""

    def __init__(self) -> None:
        self.rooms: dict[tuple[UUID, UUID], Room] = {}
        self._numbers = itertools.count(1)
        self._lock = asyncio.Lock()

    def room_count(self) -> int:
        return len(self.rooms)

    async def join(self, key: tuple[UUID, UUID], label: str, socket: WebSocket) -> Seat:
        async with self._lock:
            room = self.rooms.setdefault(key, Room())
            seat = Seat(next(self._numbers), label, socket)
            room.seats[seat.number] = seat
        await self.broadcast(key, {"type": "presence", "present": room.presence()})
        return seat

    async def leave(self, key: tuple[UUID, UUID], seat: Seat) -> None:
        async with self._lock:
            room = self.rooms.get(key)
            if room is None:
                return
            room.seats.pop(seat.number, None)
            if not room.seats:
                del self.rooms[key]
                return
        await self.broadcast(key, {"type": "presence", "present": room.presence()})

    async def relay(self, key: tuple[UUID, UUID], seat: Seat, text: str) -> None:
        """Send a message to everyone in the room, the sender included, and forget it."""
        await self.broadcast(
            key, {"type": "message", "from": seat.label, "text": text[:MAX_MESSAGE]}
        )

    async def broadcast(self, key: tuple[UUID, UUID], payload: dict[str, Any]) -> None:
        room = self.rooms.get(key)
        if room is None:
            return
        for seat in list(room.seats.values()):
            try:
                await seat.socket.send_json(payload)
            except RuntimeError:  # the socket closed between the lookup and the send
                room.seats.pop(seat.number, None)
