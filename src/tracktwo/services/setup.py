"""Prepare and open a data folder: keys, database and migrations."""

from __future__ import annotations

from pathlib import Path

from tracktwo.store.database import Store, open_store
from tracktwo.store.migrate import upgrade


def initialise(data_dir: Path, url: str | None = None) -> Store:
    """Create the master key (if missing) and bring the database schema up to date."""
    store = open_store(data_dir, url, create_keys=True)
    upgrade(store.engine)
    return store


def open_data(data_dir: Path, url: str | None = None) -> Store:
    """Open an initialised data folder, migrating its schema if it is behind."""
    store = open_store(data_dir, url)
    upgrade(store.engine)
    return store
