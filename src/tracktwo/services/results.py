"""What typed use-case results share: one way to become JSON-ready data."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

# Field metadata of a key that appears only sometimes (a name, only when revealed): such a
# field is declared ``field(default=None, kw_only=True, metadata=SOMETIMES)`` and ``to_dict``
# leaves its key out while it holds None.
SOMETIMES: Mapping[str, bool] = {"omitted_when_none": True}
# Field metadata of what the facilitator may see on their own console in the room but what
# never leaves it: ``to_dict`` (every export, JSON output and report file) leaves it out.
IN_ROOM_ONLY: Mapping[str, bool] = {"in_room_only": True}


def _plain(value: Any) -> Any:
    if isinstance(value, Result):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list | tuple):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return type(value)((_plain(key), _plain(item)) for key, item in value.items())
    return copy.deepcopy(value)


class Result:
    """Base of the frozen dataclasses use cases return; ``to_dict`` gives their JSON form."""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data: fields become keys, nested results their dicts.

        A field marked ``SOMETIMES`` is left out while it holds None; one marked
        ``IN_ROOM_ONLY`` is always left out.
        """
        plain: dict[str, Any] = {}
        for field in dataclasses.fields(cast("DataclassInstance", self)):
            if field.metadata.get("in_room_only"):
                continue
            value = getattr(self, field.name)
            if value is None and field.metadata.get("omitted_when_none"):
                continue
            plain[field.name] = _plain(value)
        return plain


@dataclass(frozen=True)
class Recorded(Result):
    """A record just stored, and the warnings of the rules it was accepted despite: a rule of
    the method that is flagged rather than refused (a facilitator of low impartiality, a
    candidate nobody referred) is said, never passed in silence."""

    id: UUID
    warnings: list[str] = dataclasses.field(default_factory=list)
