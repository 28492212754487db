"""``tracktwo run`` serves a data folder as it is: the island demo goes only into a new,
empty folder, or wherever ``--demo`` asks; on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.integration.conftest import BACKENDS, folder_args, open_test_store
from tracktwo import demo
from tracktwo.cli.app import app
from tracktwo.domain.actors import Actor
from tracktwo.services import conflicts, workshops
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.store.models import ConflictRow

OPERATOR = Actor.operator()
runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(params=BACKENDS)
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_test_store(request.param, tmp_path / "data") as store:
        yield store


def _real_engagement(store: Store) -> None:
    conflict = run(
        store,
        conflicts.create_conflict,
        OPERATOR,
        name="A real engagement",
        parties=["North", "South"],
        stage="pre-negotiation",
        kind="internal-identity",
        misperception_share=0.4,
    )
    run(store, workshops.create_workshop, OPERATOR, conflict, title="First", per_party=4)


def _conflicts(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(ConflictRow)) or 0


def test_run_serves_a_folder_holding_a_real_workshop_as_it_is(empty: Store) -> None:
    _real_engagement(empty)
    served = invoke("run", "--no-serve", *folder_args(empty))
    assert served.exit_code == 0, served.output
    assert "served as it is" in " ".join(served.stdout.split())
    assert _conflicts(empty) == 1, "no demo island beside the real engagement"
    asked = invoke("run", "--no-serve", "--demo", *folder_args(empty))
    assert asked.exit_code == 0, asked.output
    assert _conflicts(empty) == 2, "--demo adds it all the same"


def test_the_demo_is_loaded_only_into_an_empty_folder_or_when_asked(empty: Store) -> None:
    assert demo.should_load(empty, asked=False), "a new, empty folder gets the demo"
    _real_engagement(empty)
    assert not demo.should_load(empty, asked=False), "real work is served as it is"
    assert demo.should_load(empty, asked=True), "--demo adds it anyway"
    assert _conflicts(empty) == 1


def test_no_demo_serves_a_new_folder_empty_for_an_engagement_from_scratch(empty: Store) -> None:
    served = invoke("run", "--no-serve", "--no-demo", *folder_args(empty))
    assert served.exit_code == 0, served.output
    assert "without the demo" in " ".join(served.stdout.split())
    assert _conflicts(empty) == 0, "--no-demo leaves a new folder empty"
