"""What every command shares: the data folder, its one transaction, ids and error handling."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar
from uuid import UUID

import typer
from rich.console import Console

from tracktwo.cli.output import JsonFlag, show
from tracktwo.domain.actors import Actor
from tracktwo.errors import TrackTwoError
from tracktwo.services.ids import resolve_id
from tracktwo.services.setup import open_data
from tracktwo.services.transaction import UnitOfWork, transaction

if TYPE_CHECKING:
    from tracktwo.store.database import Store

# The command line acts as the operator, who holds the data folder's master key.
OPERATOR = Actor.operator()
DEFAULT = Path("data")

errors = Console(stderr=True)
# The unit of work of the command running now, in which an id prefix is resolved.
_current: ContextVar[UnitOfWork | None] = ContextVar("tracktwo_command_uow", default=None)

DataDir = Annotated[
    Path,
    typer.Option("--data-dir", envvar="TRACKTWO_DATA_DIR", help="Folder of the database and keys."),
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="TRACKTWO_DATABASE_URL",
        help="SQLAlchemy URL (PostgreSQL for scale); default: SQLite in the data folder.",
    ),
]
# A required option whose name says what to give, such as ``--title`` or ``--text``.
TextOption = Annotated[str, typer.Option()]


def one_of(*values: str) -> Any:
    """An option taking one of ``values`` (the domain's vocabulary), which its help lists."""
    return typer.Option(help=" | ".join(values))


T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """Print an error and exit with status 2."""
    errors.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(2)


@contextmanager
def guarded() -> Iterator[None]:
    """Turn our errors into a message and exit status 2."""
    try:
        yield
    except TrackTwoError as error:
        fail(str(error))


@contextmanager
def folder(data_dir: Path, url: str | None) -> Iterator[Store]:
    """Open a data folder for a command that works on the folder itself (backup, keys),
    reporting our errors (status 2), and close it after."""
    with guarded():
        store = open_data(data_dir, url)
        try:
            yield store
        finally:
            store.dispose()


@contextmanager
def opened(data_dir: Path, url: str | None) -> Iterator[UnitOfWork]:
    """Open the data folder and the command's one transaction; report our errors (status 2).

    Everything the command does commits together, or, when it fails, not at all.
    """
    with guarded():
        store = open_data(data_dir, url)
        try:
            with transaction(store) as uow:
                token = _current.set(uow)
                try:
                    yield uow
                finally:
                    _current.reset(token)
        finally:
            store.dispose()


def _parsed(parse: Callable[[str], T], value: str, complaint: str) -> T:
    """``parse(value)``; when it is not valid, ``complaint`` as the error (status 2)."""
    try:
        return parse(value)
    except ValueError:
        fail(complaint)


def parse_uuid(value: str, what: str) -> UUID:
    """Parse an id given on the command line, naming what was expected.

    In a command that opened its data folder, a unique prefix of at least 8 characters of
    the id resolves too; an unknown or ambiguous one exits 2 naming the problem.
    """
    uow = _current.get()
    if uow is None:
        return _parsed(UUID, value, f"{value!r} is not a valid {what} id")
    with guarded():
        return resolve_id(uow, OPERATOR, what, value)
    raise AssertionError("unreachable")


def parse_date(value: str, what: str) -> date:
    return _parsed(date.fromisoformat, value, f"{what} {value!r} is not a date (YYYY-MM-DD)")


def parse_datetime(value: str, what: str) -> datetime:
    complaint = f"{what} {value!r} is not a date and time (YYYY-MM-DDTHH:MM)"
    return _parsed(datetime.fromisoformat, value, complaint)


def in_folder(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command ``--data-dir`` and ``--database-url`` and run it in one transaction on
    that folder: the command takes the unit of work as its first argument."""
    signature = inspect.signature(command, eval_str=True)
    kept = list(signature.parameters.values())[1:]
    folder = [
        inspect.Parameter(
            "data_dir", inspect.Parameter.KEYWORD_ONLY, default=DEFAULT, annotation=DataDir
        ),
        inspect.Parameter(
            "database_url", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=DatabaseUrl
        ),
    ]

    @functools.wraps(command)
    def with_folder(
        *args: Any, data_dir: Path = DEFAULT, database_url: str | None = None, **kwargs: Any
    ) -> None:
        with opened(data_dir, database_url) as uow:
            command(uow, *args, **kwargs)

    with_folder.__signature__ = signature.replace(parameters=kept + folder)  # type: ignore[attr-defined]
    with_folder.__annotations__ = {p.name: p.annotation for p in kept + folder} | {"return": None}
    return with_folder


def run(action: Callable[[], T]) -> T:
    """Run a service call, turning our errors into exit status 2."""
    with guarded():
        return action()
    raise AssertionError("unreachable")


# The id a listing belongs to: a workshop's sessions, a round's... (see listing_command).
OwnerId = Annotated[
    str, typer.Argument(metavar="ID", help="The id of what the list belongs to (named above).")
]


def listing_command(
    group: typer.Typer,
    list_of: tuple[str, Callable[[Any, UUID], Sequence[Any]]],
    columns: Sequence[str],
    row: Callable[[Any], Sequence[str]],
) -> None:
    """Register ``GROUP list ID [--json]``: what ``list_of`` = (kind of id, fetch) lists for
    that id, as a table (one row per item, as ``row`` puts it) or as JSON; the command's
    help is ``fetch``'s docstring."""
    kind, fetch = list_of
    name, summary = "list", fetch.__doc__ or ""

    def command(uow: UnitOfWork, owner: OwnerId, as_json: JsonFlag = False) -> None:
        show(fetch(uow, parse_uuid(owner, kind)), as_json, columns, row)

    command.__doc__ = summary
    command.__name__ = f"{name}_{kind}"
    group.command(name)(in_folder(command))
