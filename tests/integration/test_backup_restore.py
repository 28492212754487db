"""tracktwo backup, then restore into an empty folder: the same data, less what was destroyed."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tracktwo.cli.app import app
from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor
from tracktwo.services import workshops
from tracktwo.services.setup import backup, initialise, open_data
from tracktwo.services.transaction import run
from tracktwo.store.backup import restore_database
from tracktwo.store.database import Store

runner = CliRunner()
OPERATOR = Actor.operator()


def _dump(path: Path) -> list[str]:
    """The logical dump of a SQLite file, as SQL lines, in a stable order."""
    connection = sqlite3.connect(path)
    try:
        return sorted(connection.iterdump())
    finally:
        connection.close()


def test_backup_then_restore_gives_the_same_data_and_leaves_out_a_workshop_destroyed_since(
    tmp_path: Path,
) -> None:
    live = tmp_path / "live"
    store = initialise(live)
    ids = build_demo(store, seed=7)
    store.dispose()
    backup = tmp_path / "backup"
    made = runner.invoke(app, ["backup", str(backup), "--data-dir", str(live)])
    assert made.exit_code == 0, made.output
    assert (backup / "tracktwo.db").stat().st_mode & 0o777 == 0o600
    assert not (backup / "keys").exists()

    # Restored with the keys as they are now: the same logical dump.
    same = tmp_path / "same"
    shutil.copytree(live / "keys", same / "keys")
    restored = runner.invoke(app, ["restore", str(backup), "--data-dir", str(same)])
    assert restored.exit_code == 0, restored.output
    assert "0 workshop(s) destroyed since" in " ".join(restored.output.split())
    assert _dump(same / "tracktwo.db") == _dump(live / "tracktwo.db")

    # A workshop destroyed after the backup does not come back with it.
    store = open_data(live)
    run(store, workshops.destroy_workshop, OPERATOR, ids.next_workshop)
    store.dispose()
    later = tmp_path / "later"
    again = runner.invoke(
        app, ["restore", str(backup), "--keys", str(live / "keys"), "--data-dir", str(later)]
    )
    assert again.exit_code == 0, again.output
    assert "1 workshop(s) destroyed since the backup left out" in " ".join(again.output.split())
    rows = sqlite3.connect(later / "tracktwo.db").execute("SELECT id FROM workshops").fetchall()
    assert ids.next_workshop.hex not in {r[0] for r in rows}
    assert ids.first_workshop.hex in {r[0] for r in rows}
    assert all(
        p.stat().st_mode & 0o077 == 0 for p in [later / "keys", *(later / "keys").rglob("*")]
    )


def test_restore_refuses_without_keys_and_into_a_folder_holding_workshops(tmp_path: Path) -> None:
    live = tmp_path / "live"
    store = initialise(live)
    build_demo(store, seed=7)
    store.dispose()
    backup = tmp_path / "backup"
    assert runner.invoke(app, ["backup", str(backup), "--data-dir", str(live)]).exit_code == 0
    bare = runner.invoke(app, ["restore", str(backup), "--data-dir", str(tmp_path / "bare")])
    assert bare.exit_code == 2 and "keys folder" in bare.output
    full = runner.invoke(app, ["restore", str(backup), "--data-dir", str(live)])
    assert full.exit_code == 2 and "already holds workshops" in " ".join(full.output.split())
    again = runner.invoke(app, ["backup", str(backup), "--data-dir", str(live)])
    assert again.exit_code == 2 and "already exists" in again.output


def test_a_postgresql_backup_restores_the_same_rows(store: Store, tmp_path: Path) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("the SQLite backup is tested above")
    ids = build_demo(store, seed=7)
    written = backup(store, tmp_path / "backup")
    assert written.stat().st_mode & 0o777 == 0o600

    def counts() -> dict[str, int]:
        with store.engine.connect() as connection:
            return {
                table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("workshops", "workshop_members", "candidates", "ideas", "round_votes")
            }

    before = counts()
    schema = store.engine.url.query["options"].split("=")[-1]
    with store.engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        connection.execute(text(f'DROP SCHEMA "{schema}"'))
    store.engine.dispose()
    restore_database(tmp_path / "backup", store.engine)
    assert counts() == before
    assert run(store, workshops.workshop_summary, OPERATOR, ids.first_workshop).title
