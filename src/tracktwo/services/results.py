"""What typed use-case results share: one way to become JSON-ready data."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class Result:
    """Base of the frozen dataclasses use cases return; ``to_dict`` gives their JSON form."""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data: fields become keys, nested results dicts."""
        return dataclasses.asdict(cast("DataclassInstance", self))
