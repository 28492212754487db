"""How commands print: the console, one JSON document, or a table."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import typer
from rich.console import Console
from rich.table import Table

console = Console()
# Warnings go to standard error: standard output stays what a script reads (an id, JSON).
warnings_console = Console(stderr=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


def to_json_ready(value: Any) -> Any:
    """Convert UUIDs, dates and numpy scalars to JSON-ready values."""
    if isinstance(value, dict):
        return {str(k): to_json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_ready(v) for v in value]
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value


def print_json(value: Any) -> None:
    """Print ``value`` as one JSON document on standard output."""
    typer.echo(json.dumps(to_json_ready(value), ensure_ascii=False, indent=2))


def json_or(result: Any, as_json: bool) -> bool:
    """Print ``result``'s JSON (its ``to_dict()``) when ``as_json``; say whether it did, so
    that the caller prints for people otherwise: ``if json_or(result, as_json): return``."""
    if as_json:
        print_json(result.to_dict())
    return as_json


def answer(result: Any, as_json: bool, say: Callable[[Any], None]) -> None:
    """Print ``result`` as JSON when ``as_json``, else as ``say`` puts it for people."""
    if as_json:
        print_json(result.to_dict())
    else:
        say(result)


def show(
    listed: Sequence[Any],
    as_json: bool,
    columns: Sequence[str],
    row: Callable[[Any], Sequence[str]],
) -> None:
    """Print ``listed`` as one JSON document (each item's ``to_dict()``), or as a table with
    one row per item."""
    if as_json:
        print_json([item.to_dict() for item in listed])
        return
    table = Table()
    for column in columns:
        # Fold, never cut: an id cut to "6d083..." at 80 columns cannot be typed back.
        table.add_column(column, overflow="fold")
    for item in listed:
        table.add_row(*row(item))
    console.print(table)


def warn(warnings: Sequence[str]) -> None:
    """Print each warning of a rule that was flagged rather than refused, on standard error."""
    for warning in warnings:
        warnings_console.print(f"[bold yellow]warning:[/] {warning}", highlight=False)
