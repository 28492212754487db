"""Backups of the database, and restoring them; the keys folder is never part of either.

A backup holds sealed data and the plain columns (see docs/confidentiality.md); without
the keys folder it opens no name and no text. The keys are backed up separately, by
whoever holds the master key, and rarely: every destruction (retention, pruning, a
destroyed workshop) destroys a key in the live folder, and a keys backup taken before it
would bring that data back. On SQLite the backup is taken with SQLite's online backup API
(consistent while the app runs); on PostgreSQL with ``pg_dump`` (custom format).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import Engine, inspect

from tracktwo.errors import ConfigurationError

SQLITE_BACKUP = "tracktwo.db"
POSTGRES_BACKUP = "tracktwo.pgdump"


def _private_file(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists():
        raise ConfigurationError(f"{path} already exists; give a new folder for the backup")
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _libpq(engine: Engine) -> tuple[str, list[str]]:
    """Return a libpq URL for ``engine`` and pg_dump's schema option, from its search_path."""
    url = engine.url.render_as_string(hide_password=False).replace(
        "postgresql+psycopg", "postgresql"
    )
    query = parse_qs(urlsplit(url).query)
    schemas = []
    for option in query.get("options", []):
        for part in unquote(option).split():
            if part.startswith("-csearch_path="):
                schemas = ["--schema", part.removeprefix("-csearch_path=")]
    return url, schemas


def backup_database(engine: Engine, out: Path) -> Path:
    """Write a consistent copy of the database into the folder ``out`` (made 0700, file
    0600); return the file written."""
    out = Path(out)
    if engine.dialect.name == "sqlite":
        target = out / SQLITE_BACKUP
        _private_file(target)
        source = sqlite3.connect(str(engine.url.database))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target
    target = out / POSTGRES_BACKUP
    _private_file(target)
    url, schemas = _libpq(engine)
    _run(["pg_dump", "--format=custom", "--no-owner", *schemas, "--file", str(target), url])
    return target


def restore_database(backup: Path, engine: Engine) -> None:
    """Load a backup made by :func:`backup_database` into the (empty) database of ``engine``;
    refuse a database that already holds workshops."""
    backup = Path(backup)
    if inspect(engine).has_table("workshops"):
        with engine.connect() as connection:
            if connection.exec_driver_sql("SELECT count(*) FROM workshops").scalar():
                raise ConfigurationError(
                    "the target database already holds workshops; restore into a new data folder"
                )
    if engine.dialect.name == "sqlite":
        source_file = backup / SQLITE_BACKUP if backup.is_dir() else backup
        if not source_file.is_file():
            raise ConfigurationError(f"no SQLite backup at {source_file}")
        source = sqlite3.connect(str(source_file))
        target = sqlite3.connect(str(engine.url.database))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    dump = backup / POSTGRES_BACKUP if backup.is_dir() else backup
    if not dump.is_file():
        raise ConfigurationError(f"no PostgreSQL backup at {dump}")
    url, _ = _libpq(engine)
    _run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", url, str(dump)])


def _run(command: list[str]) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise ConfigurationError(
            f"{command[0]} is not installed; install PostgreSQL's client"
        ) from None
    if done.returncode != 0:
        raise ConfigurationError(f"{command[0]} failed: {done.stderr.strip()[:500]}")
