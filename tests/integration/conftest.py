"""Stores over real connections: SQLite always, PostgreSQL when TRACKTWO_TEST_DATABASE_URL is set.

Each PostgreSQL store gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import create_engine, text

from tracktwo.domain.actors import Actor
from tracktwo.services import phase_order
from tracktwo.services.setup import initialise
from tracktwo.services.transaction import run
from tracktwo.store.database import Store

POSTGRES_URL = os.environ.get("TRACKTWO_TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def open_test_store(backend: str, folder: Path) -> Iterator[Store]:
    """Yield an initialised store on ``backend`` with its keys in ``folder``."""
    if backend == "sqlite":
        opened = initialise(folder)
        try:
            yield opened
        finally:
            opened.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip("TRACKTWO_TEST_DATABASE_URL is not set: PostgreSQL run skipped")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    opened = initialise(folder, f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}")
    try:
        yield opened
    finally:
        opened.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def folder_args(store: Store) -> list[str]:
    """The options that point a ``tracktwo`` command at ``store``'s data folder and database."""
    args = ["--data-dir", str(store.data_dir)]
    if store.engine.dialect.name != "sqlite":
        args += ["--database-url", store.engine.url.render_as_string(hide_password=False)]
    return args


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An initialised store on each backend, in a fresh data folder."""
    with open_test_store(request.param, tmp_path / "data") as opened:
        yield opened


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """An initialised SQLite store, for tests about the bytes of the database file."""
    with open_test_store("sqlite", tmp_path / "data") as opened:
        yield opened


def enter_phase(store: Store, workshop: UUID, phase: str) -> None:
    """As the third party, close the phase that is open (if one is) and open ``phase``."""
    operator = Actor.operator()
    if run(store, phase_order.phase_states, operator, workshop).open:
        run(store, phase_order.close_phase, operator, workshop)
    run(store, phase_order.open_phase, operator, workshop, phase)
