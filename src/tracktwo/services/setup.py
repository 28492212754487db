"""Prepare and open a data folder: keys, database and migrations."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from tracktwo.domain.actors import Actor
from tracktwo.errors import ConfigurationError
from tracktwo.services import retention
from tracktwo.services.transaction import run
from tracktwo.store.backup import backup_database, restore_database
from tracktwo.store.database import Store, open_store
from tracktwo.store.keys import MASTER_KEY_ENV, rotate_master_key
from tracktwo.store.migrate import upgrade


def initialise(data_dir: Path, url: str | None = None) -> Store:
    """Create the master key (if missing) and bring the database schema up to date."""
    store = open_store(data_dir, url, create_keys=True)
    upgrade(store.engine, keys=store.keys)
    return store


def open_data(data_dir: Path, url: str | None = None) -> Store:
    """Open an initialised data folder, migrating its schema if it is behind."""
    store = open_store(data_dir, url)
    upgrade(store.engine, keys=store.keys)
    return store


def rotate_keys(store: Store) -> int:
    """Re-wrap every data key of the folder under a new master key (the operator's job, from
    the command line on the server); return how many were re-wrapped."""
    return rotate_master_key(store.keys.folder, store.keys)


def backup(store: Store, out: Path) -> Path:
    """Write a consistent backup of the database (never the keys) into ``out``."""
    return backup_database(store.engine, out)


@dataclass(frozen=True)
class Restored:
    """What a restore brought back and what it took out again."""

    forgotten: list[str]
    destroyed_by_retention: list[str]


def restore(source: Path, data_dir: Path, url: str | None = None) -> Restored:
    """Restore a backup into a new data folder whose keys folder is already in place, then
    re-apply what happened since: workshops whose key is gone (destroyed after the backup)
    are deleted, and retention destroys every workshop past its date. A restore never brings
    back what has been destroyed."""
    if not (data_dir / "keys" / "master.key").exists() and not os.environ.get(MASTER_KEY_ENV):
        raise ConfigurationError(
            f"put the keys folder in {data_dir / 'keys'} first (or give --keys): the backup "
            "holds none"
        )
    store = open_store(data_dir, url)
    try:
        restore_database(source, store.engine)
        store.engine.dispose()
        upgrade(store.engine, keys=store.keys)
        forgotten = run(store, retention.forget_destroyed, Actor.operator())
        enforced = run(store, retention.enforce, Actor.operator())
        return Restored(forgotten, [w.id for w in enforced.destruction.destroyed])
    finally:
        store.dispose()


def install_keys(source: Path, data_dir: Path) -> None:
    """Copy a keys folder into a new data folder, owner-only (folders 0700, files 0600);
    refuse to overwrite keys already there."""
    target = data_dir / "keys"
    if target.exists():
        raise ConfigurationError(f"{target} already exists; restore into a new data folder")
    if not (source / "master.key").is_file():
        raise ConfigurationError(f"{source} holds no master.key: give the keys folder")
    shutil.copytree(source, target)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o700 if path.is_dir() else 0o600)
