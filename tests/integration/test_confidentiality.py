"""Identities and contributions are sealed at rest, reads are audited, keys can be destroyed."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from uuid import UUID

import pytest

from tracktwo.demo import build_demo
from tracktwo.demo.island import FAMILY_NAMES, FIRST_NAMES, REASSURANCE_STEPS
from tracktwo.domain.actors import Actor
from tracktwo.errors import ConfidentialityError
from tracktwo.services import audit, recruitment, workshops
from tracktwo.services.setup import open_data
from tracktwo.services.transaction import run
from tracktwo.store.database import Store

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


def test_destroying_a_workshop_makes_a_backup_of_its_identities_unreadable(
    sqlite_store: Store, tmp_path: Path
) -> None:
    ids = build_demo(sqlite_store, seed=7)
    candidate = UUID(run(sqlite_store, recruitment.candidates, OPERATOR, ids.next_workshop)[0].id)
    backup = tmp_path / "backup"
    backup.mkdir()
    connection = sqlite3.connect(sqlite_store.data_dir / "tracktwo.db")
    connection.execute(f"VACUUM INTO '{backup / 'tracktwo.db'}'")
    connection.close()
    run(sqlite_store, workshops.destroy_workshop, OPERATOR, ids.next_workshop)
    assert not (sqlite_store.data_dir / "keys" / "workshops" / f"{ids.next_workshop}.key").exists()
    # Restore the backup beside the surviving keys: the destroyed workshop cannot be read.
    shutil.copytree(sqlite_store.data_dir / "keys", backup / "keys")
    restored = open_data(backup)
    try:
        with pytest.raises(ConfidentialityError, match="does not exist"):
            run(restored, recruitment.reveal_identity, OPERATOR, candidate)
        first = UUID(run(restored, recruitment.candidates, OPERATOR, ids.first_workshop)[0].id)
        assert run(restored, recruitment.reveal_identity, OPERATOR, first).name
    finally:
        restored.dispose()


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
