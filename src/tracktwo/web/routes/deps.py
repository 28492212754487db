"""What routes share: the request's transaction, the store, id parsing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import TracebackType
from typing import TYPE_CHECKING
from uuid import UUID
from weakref import WeakKeyDictionary

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, HTTPException, Request
from starlette.requests import HTTPConnection

from tracktwo.services.transaction import transaction
from tracktwo.web.sessions import find_session, find_session_together

if TYPE_CHECKING:
    from tracktwo.store.database import Store
    from tracktwo.store.unit_of_work import UnitOfWork


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


class _RequestTransaction:
    """The request's unit of work, opened before its guards run."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.uow: UnitOfWork | None = None
        self.finished = False

    def open(self) -> UnitOfWork:
        if self.finished:
            raise RuntimeError("the request's transaction has ended")
        if self.uow is None:
            self.uow = transaction(self.store).__enter__()
        return self.uow

    def finish(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Commit (or, given an error, roll back) what was opened; nothing can open after."""
        if self.finished:
            return
        self.finished = True
        if self.uow is not None:
            self.uow.__exit__(kind, error, trace)


_OPENING: WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = WeakKeyDictionary()
OPENING_THREADS = 16


def _opening_limiter() -> CapacityLimiter:
    """The worker threads that open requests' transactions (one set per event loop)."""
    loop = asyncio.get_running_loop()
    if loop not in _OPENING:
        _OPENING[loop] = CapacityLimiter(OPENING_THREADS)
    return _OPENING[loop]


def _begin(connection: HTTPConnection, held: _RequestTransaction) -> None:
    uow = held.open()
    uow.connect()
    find_session(connection, uow)


async def _open_transaction(connection: HTTPConnection) -> AsyncIterator[None]:
    """Give the request one transaction, find its session in it, and commit it before the
    response is sent.

    The transaction takes its connection and finds the session (one primary-key lookup)
    before the guards and the route run, on worker threads of their own: a request that
    holds a connection may wait for a worker thread to run its route, so no worker thread
    of the routes may ever wait for a connection. The guards then decide on what was
    found, without the database. The commit or rollback also runs in a worker thread, so
    the event loop never waits on the database. A live-discussion socket stays open for
    hours: it gets none, and opens its own for the one check it makes.
    """
    if connection.scope["type"] == "websocket":
        yield
        return
    held = _RequestTransaction(connection.app.state.store)
    connection.state.transaction = held
    # A limiter of its own, as FastAPI gives the exits of its dependencies: when every
    # worker thread waits on SQLite's write lock, the commit that frees it must not queue
    # behind them.
    exit_limiter = CapacityLimiter(1)
    try:
        await to_thread.run_sync(_begin, connection, held, limiter=_opening_limiter())
        yield
    except BaseException as error:
        if held.uow is not None:
            await to_thread.run_sync(
                held.finish, type(error), error, error.__traceback__, limiter=exit_limiter
            )
        raise
    if held.uow is not None:
        await to_thread.run_sync(held.finish, None, None, None, limiter=exit_limiter)


# Every router declares it: one transaction per request, around the route's function, so a
# page shows one moment of the store and a failed request leaves nothing half-written.
ONE_TRANSACTION = Depends(_open_transaction, scope="function")


async def serve_session_only(connection: HTTPConnection) -> None:
    """Find the request's session with those of the vote requests arriving with it (one
    transaction and one query for the group, like the votes' own); the request opens no
    transaction of its own."""
    held = _RequestTransaction(connection.app.state.store)
    held.finished = True
    connection.state.transaction = held
    await find_session_together(connection)


# The vote router declares it instead: its route hands the votes to the vote stream, which
# writes them in a transaction shared by the ballots that arrive together, and waits; its
# session is found likewise, so that a crowd voting at once holds no connection per request.
SESSION_ONLY = Depends(serve_session_only)


def uow_of(request: HTTPConnection) -> UnitOfWork:
    """Return the request's unit of work."""
    held: _RequestTransaction = request.state.transaction
    return held.open()


def parse_id(value: str, what: str) -> UUID:
    """Parse an id from a path or form; 404 when it is not an id at all."""
    try:
        return UUID(value)
    except ValueError:
        raise HTTPException(status_code=404, detail=f"no {what} {value!r}") from None
