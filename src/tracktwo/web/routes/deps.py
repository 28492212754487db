"""What routes share: the store, the signed-in actor, id parsing."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from fastapi import HTTPException, Request

if TYPE_CHECKING:
    from tracktwo.store.database import Store


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def parse_id(value: str, what: str) -> UUID:
    """Parse an id from a path or form; 404 when it is not an id at all."""
    try:
        return UUID(value)
    except ValueError:
        raise HTTPException(status_code=404, detail=f"no {what} {value!r}") from None
