"""Open the database: an embedded SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from tracktwo.errors import ConfigurationError
from tracktwo.store.keys import KeyStore

DATABASE_URL_ENV = "TRACKTWO_DATABASE_URL"
DATABASE_FILE = "tracktwo.db"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows are overwritten with zeros instead of lingering in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    # FULL: a vote acknowledged is on disk even if the power fails (NORMAL survives only a
    # killed process); the group commit pays one sync per group, not per vote.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` with SQLite set to WAL and foreign keys on.

    ``hide_parameters``: a database error never carries the statement's values (a vote, a
    respondent id, sealed bytes) into an exception message or a log line.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    raise ConfigurationError(
        f"unsupported database URL {url.split(':')[0]!r}: use sqlite:///PATH or postgresql+psycopg://..."
    )


@dataclass
class Store:
    """A data folder: its database engine, session factory and key store."""

    data_dir: Path
    engine: Engine
    sessions: sessionmaker[Session]
    keys: KeyStore

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def is_initialised(self) -> bool:
        return inspect(self.engine).has_table("alembic_version")

    def dispose(self) -> None:
        self.engine.dispose()


def database_url_for(data_dir: Path, url: str | None = None) -> str:
    """Return the configured URL, or the SQLite file inside ``data_dir``."""
    return url or os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{data_dir / DATABASE_FILE}"


def open_store(data_dir: Path, url: str | None = None, *, create_keys: bool = False) -> Store:
    """Open (or, with ``create_keys``, prepare the keys of) the store in ``data_dir``."""
    data_dir = Path(data_dir)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_dir = data_dir / "keys"
    if create_keys and not (key_dir / "master.key").exists():
        keys = KeyStore.create(key_dir)
    else:
        keys = KeyStore.open(key_dir)
    database_url = database_url_for(data_dir, url)
    _private_sqlite_file(database_url)
    engine = make_engine(database_url)
    return Store(data_dir, engine, sessionmaker(engine, expire_on_commit=False), keys)


def _private_sqlite_file(url: str) -> None:
    """Create an SQLite database file readable by its owner only (0600) before SQLite does;
    SQLite gives its -wal and -shm files the database file's permissions."""
    if not url.startswith("sqlite:///"):
        return
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists() and companion.stat().st_mode & 0o077:
            companion.chmod(0o600)
