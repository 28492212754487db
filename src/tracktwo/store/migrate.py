"""Apply Alembic migrations to a store's database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from tracktwo.errors import ConfigurationError
from tracktwo.store.keys import KeyStore

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """Return an Alembic config pointing at our migrations and ``engine``'s URL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option(
        "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    return config


def upgrade(engine: Engine, revision: str = "head", *, keys: KeyStore | None = None) -> None:
    """Bring the database up to ``revision`` in one transaction.

    ``keys`` (the data folder's key store) lets a migration seal or open stored text.
    """
    _migrate(engine, lambda config: command.upgrade(config, revision), keys)


def downgrade(engine: Engine, revision: str, *, keys: KeyStore | None = None) -> None:
    """Take the database back to ``revision`` in one transaction."""
    _migrate(engine, lambda config: command.downgrade(config, revision), keys)


def _migrate(engine: Engine, step: Callable[[Config], None], keys: KeyStore | None) -> None:
    """Run one Alembic step; on SQLite, with foreign keys off while tables are rebuilt.

    SQLite alters a table by copying it into a new one and dropping the old; with foreign
    keys on, that drop deletes every row that refers to the table through ON DELETE
    CASCADE (a round's respondents and votes when its table is rebuilt). Keys go off for
    the migration (SQLite ignores the pragma inside a transaction), are checked after it,
    and go back on.
    """
    config = alembic_config(engine)
    config.attributes["keys"] = keys
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                step(config)
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                connection.commit()
                if broken:
                    raise ConfigurationError(
                        f"the migration left {len(broken)} rows pointing at nothing "
                        f"(first in table {broken[0][0]}); restore the backup taken before it"
                    )
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
