"""Identities and contributions are sealed at rest, reads are audited, keys can be destroyed."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, inspect, select, text

from tracktwo.demo import build_demo
from tracktwo.demo.island import FAMILY_NAMES, FIRST_NAMES, REASSURANCE_STEPS
from tracktwo.domain.actors import Actor
from tracktwo.errors import ConfidentialityError
from tracktwo.services import audit, recruitment, retention, workshops
from tracktwo.services.setup import open_data
from tracktwo.services.transaction import run
from tracktwo.store.database import Store
from tracktwo.store.models import Base

OPERATOR = Actor.operator()


def _database_bytes(folder: Path) -> bytes:
    """Return the bytes of the database file with its WAL and journal, as a backup would."""
    return b"".join(
        path.read_bytes()
        for path in sorted(folder.iterdir())
        if path.name.startswith("tracktwo.db")
    )


def test_a_copy_of_the_database_file_reveals_no_name_email_phone_or_contribution(
    sqlite_store: Store,
) -> None:
    build_demo(sqlite_store, seed=7)
    # Taken while the store is still open, so the WAL is part of the copy.
    raw = _database_bytes(sqlite_store.data_dir)
    assert len(raw) > 100_000
    secrets = [
        *FIRST_NAMES["Ilvan community"],
        *FAMILY_NAMES["Sorai community"],
        "Holloway",
        "example.org",
        "+99 ",
        "colleague",
        "bilingual community-policing",
        "surrendering land",
        "invaders",
        "deputy minister",
    ]
    for secret in secrets:
        assert secret.encode() not in raw, f"{secret!r} is readable in the database file"
    # The sealed text is really there: the demo's island name is public context, not sealed.
    assert b"Karsa" in raw


def test_no_file_of_the_data_folder_holds_a_place_the_context_a_timing_or_a_name(
    sqlite_store: Store,
) -> None:
    """Where and when people meet, what the facilitators wrote of the conflict, and every
    participant's name: absent from every file of the data folder, WAL and keys included."""
    ids = build_demo(sqlite_store, seed=7)
    raw = b"".join(
        path.read_bytes() for path in sorted(sqlite_store.data_dir.rglob("*")) if path.is_file()
    )
    members = [
        member
        for workshop in (ids.first_workshop, ids.next_workshop)
        for member in run(sqlite_store, recruitment.members, OPERATOR, workshop, reveal=True)
    ]
    secrets = [
        "Lindqvist University",
        "Centre for Conflict Analysis",
        "buffer line since 1974",
        "do not meet",
        "real clash of interests",
        "leaders' statements",
        *(when for *_, when in REASSURANCE_STEPS),
        *(member.name for member in members if member.name),
    ]
    assert len(secrets) > 10
    for secret in secrets:
        assert secret.encode() not in raw, f"{secret!r} is readable in the data folder"


def test_reading_an_identity_is_written_to_the_audit_trail_without_the_data(
    sqlite_store: Store,
) -> None:
    ids = build_demo(sqlite_store, seed=7)
    before = len(run(sqlite_store, audit.trail, OPERATOR, ids.first_workshop))
    listed = run(sqlite_store, recruitment.candidates, OPERATOR, ids.first_workshop)
    assert listed[0].name is None and "name" not in listed[0].to_dict()
    assert len(run(sqlite_store, audit.trail, OPERATOR, ids.first_workshop)) == before
    revealed = run(sqlite_store, recruitment.reveal_identity, OPERATOR, UUID(listed[0].id))
    trail = run(sqlite_store, audit.trail, OPERATOR, ids.first_workshop)
    assert len(trail) == before + 1
    entry = trail[-1]
    assert entry.record_id == listed[0].id
    assert entry.actor == "operator:operator"
    assert revealed.name and revealed.name not in str(entry)


@contextmanager
def backed_up(store: Store, folder: Path) -> Iterator[Callable[[], Store]]:
    """Copy the database as it is now (SQLite: ``VACUUM INTO`` a file; PostgreSQL: every
    table, its rows and its columns' defaults, into a schema of its own), and yield a
    function that restores that copy beside the keys the data folder holds by then, as an
    operator restoring a backup would."""
    folder.mkdir()
    url: str | None = None
    schema = ""
    if store.engine.dialect.name == "sqlite":
        connection = sqlite3.connect(store.data_dir / "tracktwo.db")
        connection.execute(f"VACUUM INTO '{folder / 'tracktwo.db'}'")
        connection.close()
    else:
        schema = f"b_{uuid4().hex[:12]}"
        with store.engine.begin() as connection:
            live = connection.execute(text("SELECT current_schema()")).scalar_one()
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            for table in inspect(connection).get_table_names(schema=live):
                copy, source = f'"{schema}"."{table}"', f'"{live}"."{table}"'
                connection.execute(text(f"CREATE TABLE {copy} (LIKE {source} INCLUDING ALL)"))
                connection.execute(text(f"INSERT INTO {copy} SELECT * FROM {source}"))
        url = store.engine.url.update_query_dict(
            {"options": f"-csearch_path={schema}"}
        ).render_as_string(hide_password=False)
    opened: list[Store] = []

    def restore() -> Store:
        shutil.copytree(store.data_dir / "keys", folder / "keys")
        opened.append(open_data(folder, url))
        return opened[0]

    try:
        yield restore
    finally:
        for restored in opened:
            restored.dispose()
        if schema:
            with store.engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def _rows_of(store: Store, workshop: UUID) -> dict[str, int]:
    """Count, per table, the rows that belong to a workshop (the audit trail aside)."""
    counts: dict[str, int] = {}
    with store.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            column = table.c.id if table.name == "workshops" else table.c.get("workshop_id")
            if column is None or table.name == "audit_trail":
                continue
            found = connection.execute(
                select(func.count()).select_from(table).where(column == workshop)
            ).scalar_one()
            if found:
                counts[table.name] = found
    return counts


@pytest.mark.parametrize("how", ["workshop destroy", "retention enforce"])
def test_destroying_a_workshop_makes_a_backup_of_its_identities_unreadable(
    store: Store, tmp_path: Path, how: str
) -> None:
    ids = build_demo(store, seed=7)
    if how == "workshop destroy":
        doomed, kept = ids.next_workshop, ids.first_workshop
    else:  # the first workshop is kept until 2031-12-31, the next one until 2032-12-31
        doomed, kept = ids.first_workshop, ids.next_workshop
    candidate = UUID(run(store, recruitment.candidates, OPERATOR, doomed)[0].id)
    survivor = UUID(run(store, recruitment.candidates, OPERATOR, kept)[0].id)
    assert _rows_of(store, doomed)["candidates"] > 0
    with backed_up(store, tmp_path / "backup") as restore:
        if how == "workshop destroy":
            run(store, workshops.destroy_workshop, OPERATOR, doomed)
        else:
            enforced = run(store, retention.enforce, OPERATOR, today=date(2032, 1, 1))
            assert [w.id for w in enforced.destruction.destroyed] == [str(doomed)]
        assert not (store.data_dir / "keys" / "workshops" / f"{doomed}.key").exists()
        assert (store.data_dir / "keys" / "workshops" / f"{kept}.key").exists()
        assert _rows_of(store, doomed) == {}
        # Restore the backup beside the surviving keys: the destroyed workshop cannot be read.
        restored = restore()
        assert _rows_of(restored, doomed)["candidates"] > 0, "the backup still holds the rows"
        with pytest.raises(ConfidentialityError, match="does not exist"):
            run(restored, recruitment.reveal_identity, OPERATOR, candidate)
        assert run(restored, recruitment.reveal_identity, OPERATOR, survivor).name


def test_key_files_are_readable_by_their_owner_only(sqlite_store: Store) -> None:
    build_demo(sqlite_store, seed=7)
    keys = sqlite_store.data_dir / "keys"
    assert (keys / "master.key").stat().st_mode & 0o777 == 0o600
    for path in (keys / "workshops").iterdir():
        assert path.stat().st_mode & 0o777 == 0o600
    assert (keys / "workshops").stat().st_mode & 0o077 == 0


def test_a_wrong_master_key_does_not_open_a_workshop(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = build_demo(sqlite_store, seed=7)
    monkeypatch.setenv("TRACKTWO_MASTER_KEY", "A" * 43 + "=")
    other = open_data(sqlite_store.data_dir)
    try:
        with pytest.raises(ConfidentialityError, match="does not open"):
            run(other, recruitment.members, OPERATOR, ids.first_workshop, reveal=True)
    finally:
        other.dispose()


def test_the_database_file_and_its_wal_are_readable_by_their_owner_only(
    sqlite_store: Store,
) -> None:
    build_demo(sqlite_store, seed=7)
    files = [p for p in sqlite_store.data_dir.iterdir() if p.name.startswith("tracktwo.db")]
    assert {p.name for p in files} >= {"tracktwo.db", "tracktwo.db-wal"}
    for path in files:
        assert path.stat().st_mode & 0o777 == 0o600, f"{path.name} is {oct(path.stat().st_mode)}"
    with sqlite_store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
