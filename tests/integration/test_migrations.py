"""Schema migrations run both ways on a populated store, keeping every row."""

from __future__ import annotations

from sqlalchemy import func, inspect, select

from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor
from tracktwo.services import feedback
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.store.migrate import downgrade, upgrade
from tracktwo.store.models import RespondentRow, RoundVoteRow


def test_respondents_keep_their_rows_across_the_respondent_number_migration(
    store: Store,
) -> None:
    ids = build_demo(store, seed=7)

    def count(table: type) -> int | None:
        with store.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(table))

    before = (count(RespondentRow), count(RoundVoteRow))
    downgrade(store.engine, "0003")
    columns = {c["name"] for c in inspect(store.engine).get_columns("respondents")}
    assert "number" in columns
    upgrade(store.engine)
    columns = {c["name"] for c in inspect(store.engine).get_columns("respondents")}
    assert "number" not in columns
    rounds = {c["name"] for c in inspect(store.engine).get_columns("feedback_rounds")}
    assert "support_threshold" in rounds
    assert (count(RespondentRow), count(RoundVoteRow)) == before
    frame = run(store, feedback.votes_frame, Actor.operator(), ids.feedback_round)
    assert frame["voter"].nunique() == 120
    if store.engine.dialect.name == "sqlite":  # foreign keys are back on after migrating
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
