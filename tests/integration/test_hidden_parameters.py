"""A database error never carries the statement's values: no vote, id or sealed bytes."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tracktwo.store.database import Store


def test_a_failing_statement_hides_its_parameters(store: Store) -> None:
    secret = "respondent-4f2c-secret"
    with pytest.raises(DBAPIError) as failed, store.engine.connect() as connection:
        connection.execute(text("INSERT INTO no_such_table VALUES (:value)"), {"value": secret})
    assert secret not in str(failed.value)
    assert "hidden" in str(failed.value)
