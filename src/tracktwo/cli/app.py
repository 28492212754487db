"""The ``tracktwo`` command."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from tracktwo import demo
from tracktwo.cli.candidate import candidate_app
from tracktwo.cli.common import (
    OPERATOR,
    DatabaseUrl,
    DataDir,
    fail,
    folder,
    guarded,
    in_folder,
    parse_uuid,
)
from tracktwo.cli.commonground import app as commonground_app
from tracktwo.cli.conflict import conflict_app
from tracktwo.cli.keys import keys_app
from tracktwo.cli.output import JsonFlag, console, print_json
from tracktwo.cli.phases import phase_app
from tracktwo.cli.reentry import reentry_app
from tracktwo.cli.retention import retention_app
from tracktwo.cli.round import round_app
from tracktwo.cli.schedule import schedule_app
from tracktwo.cli.signin import DEFAULT_BASE_URL, signin_app
from tracktwo.cli.simulate import app as simulate_app
from tracktwo.cli.survey import survey_app
from tracktwo.cli.transfer import transfer_app
from tracktwo.cli.workshop import workshop_app
from tracktwo.errors import TrackTwoError
from tracktwo.services import audit, setup, signin
from tracktwo.services.transaction import UnitOfWork, run

# The environment a worker process reads (tracktwo.web.worker); named here so that the
# command does not import the web app before it is needed.
DATA_DIR_ENV = "TRACKTWO_DATA_DIR"
DATABASE_URL_ENV = "TRACKTWO_DATABASE_URL"
REDIS_URL_ENV = "TRACKTWO_REDIS_URL"

DEFAULT = Path("data")

app = typer.Typer(
    name="tracktwo",
    help="Track-two diplomacy: confidential problem-solving workshops, from ripeness to policy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# The command groups, in the order of a workshop's life.
for group, name in (
    (conflict_app, "conflict"), (workshop_app, "workshop"), (candidate_app, "candidate"),
    (schedule_app, "schedule"), (phase_app, "phase"), (survey_app, "survey"),
    (reentry_app, "reentry"), (transfer_app, "transfer"), (round_app, "round"),
    (commonground_app, "commonground"), (retention_app, "retention"), (keys_app, "keys"),
    (signin_app, "signin"), (simulate_app, "simulate"),
):  # fmt: skip
    app.add_typer(group, name=name)


@app.command()
def init(data_dir: DataDir = DEFAULT, database_url: DatabaseUrl = None) -> None:
    """Create the data folder: master key (0600), database and schema."""
    with guarded():
        store = setup.initialise(data_dir, database_url)
        console.print(f"ready: {store.url} with keys in {data_dir / 'keys'}")
        store.dispose()


Reveal = Annotated[
    bool,
    typer.Option(
        "--reveal", help="Show the people's names (each read is written to the audit trail)."
    ),
]


def _build_demo(
    data_dir: Path, database_url: str | None, *, quiet: bool, reveal: bool
) -> dict[str, object]:
    with guarded():
        store = setup.initialise(data_dir, database_url)
        try:
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                console=console,
                transient=True,
                disable=quiet,
            ) as progress:
                task = progress.add_task("building the demo", total=None)
                ids = demo.build_demo(
                    store, progress=lambda message: progress.update(task, description=message)
                )
            return demo.demo_report(store, ids, reveal_names=reveal)
        finally:
            store.dispose()
    raise AssertionError("unreachable")


def _summary(report: dict[str, object]) -> None:
    members = report["members"]
    assert isinstance(members, dict)
    table = Table("party", "member", "role", title="Composed workshop")
    for party, people in members.items():
        for person in people:
            table.add_row(
                party, person.get("name", f"(sealed) {person['member_id']}"), person["role"]
            )
    console.print(table)
    ripeness = report["ripeness"]
    assert isinstance(ripeness, list)
    console.print(f"ripeness now: [bold]{ripeness[-1]['state']}[/]")
    board = report["board"]
    assert isinstance(board, dict)
    both = [i["text"] for i in board["ideas"] if i["supported_by_both"]]
    console.print(f"ideas both parties support: {len(both)} of {len(board['ideas'])}")
    for text in both:
        console.print(f"  - {text}")
    conditions = report["contact_conditions"]
    if isinstance(conditions, dict):
        for warning in conditions.get("warnings", []):
            console.print(f"[yellow]contact condition:[/] {warning}")


@app.command("demo")
def demo_command(
    as_json: JsonFlag = False,
    reveal: Reveal = False,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Build the island demo and run the whole lifecycle; --json prints the full report.

    People appear by id and role; their names only with --reveal (audited).
    """
    report = _build_demo(data_dir, database_url, quiet=as_json, reveal=reveal)
    if as_json:
        print_json(report)
    else:
        _summary(report)


@app.command("run")
def run_command(
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8000,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the web app.")] = True,
    load_demo: Annotated[
        bool | None,
        typer.Option(
            "--demo/--no-demo",
            help="Load the island demo even into a folder that holds work (--demo), or "
            "serve a new folder empty (--no-demo); by default only a new folder gets it.",
            show_default=False,
        ),
    ] = None,
    reveal: Reveal = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes; more than one needs PostgreSQL and Redis (--redis-url).",
        ),
    ] = 1,
    redis_url: Annotated[
        str | None,
        typer.Option(
            "--redis-url",
            envvar=REDIS_URL_ENV,
            help="Redis relaying the live discussion among workers (publish only, nothing "
            "stored); default with one worker: relayed in its memory.",
        ),
    ] = None,
) -> None:
    """The main job: serve the data folder as it is. Only a new, empty folder gets the island
    demo first (or any folder, with --demo).

    Nothing but the sealed database and the keys is written to the data folder: whether
    the folder is empty is read from the database, and the summary is only printed.
    """
    if serve and workers > 1:
        _check_several_workers(workers, database_url, redis_url)
    if serve and redis_url:
        _check_redis(redis_url)
    _remove_plain_report(data_dir)
    with guarded():
        store = setup.initialise(data_dir, database_url)
        try:
            wanted = load_demo is not False and demo.should_load(store, asked=bool(load_demo))
        finally:
            store.dispose()
    if wanted:
        _summary(_build_demo(data_dir, database_url, quiet=False, reveal=reveal))
    elif load_demo is False:
        console.print(f"the data folder {data_dir} is served as it is, without the demo")
    else:
        console.print(
            f"the data folder {data_dir} holds work: it is served as it is (--demo adds the demo)"
        )
    if serve:
        _serve(data_dir, database_url, host, port, workers=workers, redis_url=redis_url)


def _check_several_workers(workers: int, database_url: str | None, redis_url: str | None) -> None:
    """Refuse several workers on a store or relay that one process alone can hold."""
    scheme = (database_url or "").split(":", 1)[0].split("+", 1)[0]
    if scheme != "postgresql":
        fail(
            f"--workers {workers} needs PostgreSQL (--database-url postgresql+psycopg://...): "
            "the embedded SQLite store is served by one process; leave --workers out"
        )
    if not redis_url:
        fail(
            f"--workers {workers} needs Redis to relay the live discussion among workers: "
            f"give --redis-url redis://127.0.0.1:6379/0 (or {REDIS_URL_ENV})"
        )


def _check_redis(redis_url: str) -> None:
    """Refuse to serve with a Redis that does not answer, before anything is started."""
    import redis

    try:
        with redis.Redis.from_url(redis_url, socket_connect_timeout=5) as client:
            client.ping()
    except (redis.RedisError, OSError, ValueError) as error:
        fail(f"Redis at --redis-url does not answer ({error}); start it or fix the URL")


def _remove_plain_report(data_dir: Path) -> None:
    """Delete the plain-text report that earlier versions wrote beside the database."""
    old = data_dir / "demo-report.json"
    if old.exists():
        old.unlink()
        console.print(
            f"removed {old}: earlier versions wrote names and contributions there in plain text"
        )


def _serve(
    data_dir: Path,
    database_url: str | None,
    host: str,
    port: int,
    *,
    workers: int = 1,
    redis_url: str | None = None,
) -> None:
    import uvicorn

    from tracktwo.web.app import create_app
    from tracktwo.web.live_across import RedisLiveHub

    base_url = f"http://{host}:{port}"
    with guarded():
        store = setup.open_data(data_dir, database_url)
        try:
            link: str | None = demo.facilitator_link(store, demo.latest_composed_workshop(store))
        except TrackTwoError:  # no composed workshop, or no facilitator, yet
            link = None
        organiser = run(store, signin.create_organiser_link, OPERATOR).token
        if workers > 1:
            store.dispose()  # each worker opens its own
    typer.echo(
        f"tracktwo is serving on {base_url}/"
        + (f" with {workers} workers relaying through Redis" if workers > 1 else "")
    )
    typer.echo(f"one-time organiser sign-in link (12 hours): {base_url}/signin/{organiser}")
    if link is not None:
        typer.echo(f"one-time facilitator sign-in link: {base_url}/signin/{link}")
    again = f" --data-dir {data_dir}"
    if base_url != DEFAULT_BASE_URL:
        again += f" --base-url {base_url}"
    typer.echo(
        "a fresh link for any facilitator, at any time: "
        f"tracktwo signin facilitator WORKSHOP --facilitator WHO{again}"
    )
    if workers == 1:
        live = RedisLiveHub(redis_url) if redis_url else None
        app_ = create_app(store, live=live)
        uvicorn.run(app_, host=host, port=port, log_level="warning", access_log=False)
        return
    # Uvicorn starts each worker from an import string; each reads its folder from here.
    os.environ[DATA_DIR_ENV] = str(data_dir.resolve())
    os.environ[DATABASE_URL_ENV] = database_url or ""
    os.environ[REDIS_URL_ENV] = redis_url or ""
    uvicorn.run(
        "tracktwo.web.worker:create_worker_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )


@app.command("backup")
def backup_command(
    out: Annotated[Path, typer.Argument(help="A new folder for the backup.")],
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Back up the database (SQLite's online backup, or pg_dump); never the keys folder.

    The backup opens nothing without the keys: back up the keys folder separately, rarely,
    and keep it apart from the database backups (docs/confidentiality.md).
    """
    with folder(data_dir, database_url) as store:
        written = setup.backup(store, out)
    console.print(f"database backed up to {written}; the keys folder is not in it")


@app.command("restore")
def restore_command(
    backup: Annotated[Path, typer.Argument(help="The backup folder (or file).")],
    keys: Annotated[
        Path | None,
        typer.Option(help="Copy this keys folder into the new data folder first (0700/0600)."),
    ] = None,
    data_dir: DataDir = DEFAULT,
    database_url: DatabaseUrl = None,
) -> None:
    """Restore a backup into a new data folder, with the keys folder in place (or --keys);
    then delete the workshops destroyed since (their keys are gone) and apply retention."""
    with guarded():
        if keys is not None:
            setup.install_keys(keys, data_dir)
        restored = setup.restore(backup, data_dir, database_url)
    console.print(
        f"restored into {data_dir}; {len(restored.forgotten)} workshop(s) destroyed since the "
        f"backup left out, {len(restored.destroyed_by_retention)} past retention destroyed"
    )


@app.command("audit")
@in_folder
def audit_command(
    uow: UnitOfWork,
    workshop_id: Annotated[str | None, typer.Argument()] = None,
) -> None:
    """Print the audit trail of identity reads (who, which record, when)."""
    wid = parse_uuid(workshop_id, "workshop") if workshop_id else None
    print_json([entry.to_dict() for entry in audit.trail(uow, OPERATOR, wid)])


def main() -> None:
    """Entry point of the ``tracktwo`` console script."""
    app()
