"""The one transaction of a request, a command or a test, opened by the caller.

Use cases take the unit of work they run in; they never open one. A web request opens one
for all the use cases it calls (``tracktwo.web.routes.deps``), a command one per command,
and a test or a seed script may run a single use case in a transaction of its own with
:func:`run`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from tracktwo.store.database import Store
from tracktwo.store.unit_of_work import UnitOfWork

__all__ = ["UnitOfWork", "run", "transaction"]

P = ParamSpec("P")
R = TypeVar("R")


def transaction(store: Store) -> UnitOfWork:
    """Return a unit of work on ``store``: commit when its block succeeds, else roll back."""
    return UnitOfWork(store)


def run(
    store: Store,
    use_case: Callable[Concatenate[UnitOfWork, P], R],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> R:
    """Run one use case in a transaction of its own and return its result."""
    with UnitOfWork(store) as uow:
        return use_case(uow, *args, **kwargs)
