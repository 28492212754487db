"""What routes share: the request's transaction, the store, id parsing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING
from uuid import UUID

from fastapi import Depends, HTTPException, Request
from starlette.requests import HTTPConnection

from tracktwo.services.transaction import transaction

if TYPE_CHECKING:
    from tracktwo.store.database import Store
    from tracktwo.store.unit_of_work import UnitOfWork


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _open_transaction(connection: HTTPConnection) -> Iterator[None]:
    """Open the request's one transaction; commit it before the response is sent.

    A live-discussion socket stays open for hours: it gets none, and opens its own for the
    one check it makes.
    """
    if connection.scope["type"] == "websocket":
        yield
        return
    with transaction(connection.app.state.store) as uow:
        connection.state.uow = uow
        yield


# Every router declares it: one transaction per request, around the route's function, so a
# page shows one moment of the store and a failed request leaves nothing half-written.
ONE_TRANSACTION = Depends(_open_transaction, scope="function")


def uow_of(request: Request) -> UnitOfWork:
    """Return the request's unit of work."""
    uow: UnitOfWork = request.state.uow
    return uow


def parse_id(value: str, what: str) -> UUID:
    """Parse an id from a path or form; 404 when it is not an id at all."""
    try:
        return UUID(value)
    except ValueError:
        raise HTTPException(status_code=404, detail=f"no {what} {value!r}") from None
