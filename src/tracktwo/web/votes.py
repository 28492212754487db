"""The vote stream: votes from many respondents committed together (group commit).

Each request waits until its votes are committed, so an answer of "stored" is durable; but
requests arriving together share one transaction, which is what lets the embedded SQLite
store take hundreds of votes a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING
from uuid import UUID

from starlette.concurrency import run_in_threadpool

from tracktwo.domain.actors import Actor
from tracktwo.errors import TrackTwoError
from tracktwo.services import feedback
from tracktwo.services.transaction import transaction

if TYPE_CHECKING:
    from tracktwo.store.database import Store


@dataclass
class _Pending:
    actor: Actor
    round_id: UUID
    rows: Sequence[Sequence[object]]
    done: asyncio.Future[int]


class VoteStream:
    """Collect votes from concurrent requests and write them in shared transactions."""

    def __init__(self, store: Store, *, max_batch: int = 512) -> None:
        self.store = store
        self.max_batch = max_batch
        self._queue: asyncio.Queue[_Pending] | None = None
        self._writer: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _ensure_writer(self) -> asyncio.Queue[_Pending]:
        loop = asyncio.get_running_loop()
        if (
            self._loop is not loop
            or self._queue is None
            or self._writer is None
            or self._writer.done()
        ):
            self._loop = loop
            self._queue = asyncio.Queue()
            self._writer = loop.create_task(self._write_forever(self._queue))
        return self._queue

    async def submit(self, actor: Actor, round_id: UUID, rows: Sequence[Sequence[object]]) -> int:
        """Queue one respondent's batch and return the number of votes stored once committed."""
        queue = self._ensure_writer()
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        await queue.put(_Pending(actor, round_id, rows, done))
        return await done

    async def _write_forever(self, queue: asyncio.Queue[_Pending]) -> None:
        while True:
            group = [await queue.get()]
            while len(group) < self.max_batch and not queue.empty():
                group.append(queue.get_nowait())
            try:
                outcomes = await run_in_threadpool(
                    feedback.write_ballots,
                    partial(transaction, self.store),
                    [(p.actor, p.round_id, p.rows) for p in group],
                )
            except Exception as error:  # the whole transaction failed: tell every waiter
                for pending in group:
                    if not pending.done.done():
                        pending.done.set_exception(error)
                continue
            for pending, outcome in zip(group, outcomes, strict=True):
                if pending.done.done():
                    continue
                if isinstance(outcome, TrackTwoError):
                    pending.done.set_exception(outcome)
                else:
                    pending.done.set_result(outcome)
