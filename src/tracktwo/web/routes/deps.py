"""What routes share: the request's transaction, the store, id parsing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from uuid import UUID

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, HTTPException, Request
from starlette.requests import HTTPConnection

from tracktwo.services.transaction import transaction

if TYPE_CHECKING:
    from tracktwo.store.database import Store
    from tracktwo.store.unit_of_work import UnitOfWork


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


class _RequestTransaction:
    """The request's unit of work, opened when a route first asks for it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.uow: UnitOfWork | None = None

    def open(self) -> UnitOfWork:
        if self.uow is None:
            self.uow = transaction(self.store).__enter__()
        return self.uow


async def _open_transaction(connection: HTTPConnection) -> AsyncIterator[None]:
    """Give the request one transaction; commit it before the response is sent.

    It is opened only when the route first asks for it (the vote route hands its votes to
    the vote stream and needs none), and committed or rolled back in a worker thread, so
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
        yield
    except BaseException as error:
        if held.uow is not None:
            await to_thread.run_sync(
                held.uow.__exit__, type(error), error, error.__traceback__, limiter=exit_limiter
            )
        raise
    if held.uow is not None:
        await to_thread.run_sync(held.uow.__exit__, None, None, None, limiter=exit_limiter)


# Every router declares it: one transaction per request, around the route's function, so a
# page shows one moment of the store and a failed request leaves nothing half-written.
ONE_TRANSACTION = Depends(_open_transaction, scope="function")


def uow_of(request: Request) -> UnitOfWork:
    """Return the request's unit of work, opening it on first use."""
    held: _RequestTransaction = request.state.transaction
    return held.open()


def parse_id(value: str, what: str) -> UUID:
    """Parse an id from a path or form; 404 when it is not an id at all."""
    try:
        return UUID(value)
    except ValueError:
        raise HTTPException(status_code=404, detail=f"no {what} {value!r}") from None
