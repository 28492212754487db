"""An id is given by a unique prefix of at least 8 characters; a short, unknown or shared
one is refused naming the problem, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from uuid import UUID

import pytest

from tracktwo.domain.actors import Actor
from tracktwo.errors import AccessDenied, NotFoundError, ValidationError
from tracktwo.services import conflicts
from tracktwo.services.ids import resolve_id
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.store.models import SeriesRow
from tracktwo.store.unit_of_work import UnitOfWork

OPERATOR = Actor.operator()
TWINS = (UUID("abcdef12-0000-4000-8000-000000000001"), UUID("abcdef12-9999-4000-8000-000000000001"))


@pytest.fixture
def twins(store: Store) -> Store:
    conflict = run(store, conflicts.create_conflict, OPERATOR, name="C", parties=["A", "B"],
                   stage="pre-negotiation", kind="inter-state",
                   misperception_share=0.5)  # fmt: skip

    def two_series(uow: UnitOfWork) -> None:
        for number, series_id in enumerate(TWINS):
            uow.add(SeriesRow(id=series_id, conflict_id=conflict, name=f"S{number}"))

    run(store, two_series)
    return store


def test_a_unique_prefix_resolves_with_or_without_dashes_in_any_case(twins: Store) -> None:
    assert run(twins, resolve_id, OPERATOR, "series", "abcdef120") == TWINS[0]
    assert run(twins, resolve_id, OPERATOR, "series", "ABCDEF12-9") == TWINS[1]
    assert run(twins, resolve_id, OPERATOR, "series", str(TWINS[1])) == TWINS[1]


def test_a_shared_prefix_is_ambiguous_and_a_short_or_unknown_one_is_refused(twins: Store) -> None:
    with pytest.raises(ValidationError, match="ambiguous: more than one series id"):
        run(twins, resolve_id, OPERATOR, "series", "abcdef12")
    with pytest.raises(ValidationError, match=r"too short.*at least 8"):
        run(twins, resolve_id, OPERATOR, "series", "abcdef1")
    with pytest.raises(NotFoundError, match="no series id starts with '00000000'"):
        run(twins, resolve_id, OPERATOR, "series", "00000000")
    with pytest.raises(ValidationError, match="not a valid series id"):
        run(twins, resolve_id, OPERATOR, "series", "not-hex!")


def test_only_the_operator_resolves_prefixes(twins: Store) -> None:
    facilitator = Actor.facilitator(TWINS[0], TWINS[1])
    with pytest.raises(AccessDenied):
        run(twins, resolve_id, facilitator, "series", "abcdef12")
