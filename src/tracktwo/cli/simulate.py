"""``tracktwo simulate``: run a scenario many times, compare designs, sweep a grid on Dask.

    tracktwo simulate SCENARIO --runs N --seed S [--out DIR]
    tracktwo simulate compare SCENARIO --runs N --seed S [--out DIR]
    tracktwo simulate sweep SCENARIO --param PATH=V1,V2 ... [--scheduler ADDRESS]
    tracktwo simulate scenarios

SCENARIO is a packaged scenario's name or a path to a TOML file. Pure computation: no data
folder, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from typer.core import TyperGroup

from tracktwo.engines.simulation.ensemble import (
    compare_programmes,
    programme_designs,
    run_ensemble,
)
from tracktwo.engines.simulation.scenarios import Scenario
from tracktwo.errors import TrackTwoError, ValidationError
from tracktwo.io.scenarios import load_scenario, packaged_scenarios, parse_value
from tracktwo.research.simulation_figures import plot_designs, plot_images
from tracktwo.research.sweep import dask_client, sweep

console = Console()
errors = Console(stderr=True)


class ScenarioOrCommand(TyperGroup):
    """A group whose first argument is a scenario unless it names a subcommand."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Give a subcommand an empty scenario; let options follow a scenario."""
        if args and args[0] in self.commands:
            return super().parse_args(ctx, ["", *args])
        ctx.allow_interspersed_args = True
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=ScenarioOrCommand,
    invoke_without_command=True,
    no_args_is_help=True,
    help="Simulate a programme of workshops in two societies (calibrated agent-based model).",
    pretty_exceptions_enable=False,
)

Runs = Annotated[int, typer.Option("--runs", "-n", min=1, help="Monte Carlo runs.")]
Seed = Annotated[
    int,
    typer.Option("--seed", "-s", min=0, help="Seed; run r draws from the seed sequence (seed, r)."),
]
Out = Annotated[
    Path | None, typer.Option("--out", "-o", help="Folder for frames (CSV) and figures (PNG).")
]
Steps = Annotated[
    int | None, typer.Option("--steps", min=1, help="Days to run (default: scenario's).")
]
Members = Annotated[
    int | None, typer.Option("--members", min=20, help="Members per society (default: scenario's).")
]
Format = Annotated[str, typer.Option("--format", help="Frame format: csv or parquet.")]


@contextmanager
def guarded() -> Iterator[None]:
    """Turn tracktwo's errors into a message on standard error and exit status 2."""
    try:
        yield
    except TrackTwoError as error:
        errors.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None


def _scenario(name: str, steps: int | None, members: int | None) -> Scenario:
    scenario = load_scenario(name)
    if steps is not None:
        scenario = replace(scenario, steps=steps)
    if members is not None:
        scenario = scenario.with_value("societies.members", members)
    return scenario


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


def _write(frame: pd.DataFrame, folder: Path, stem: str, form: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if form == "parquet":
        path = folder / f"{stem}.parquet"
        try:
            frame.to_parquet(path, index=False)
        except ImportError:
            raise ValidationError(
                "writing parquet needs pyarrow, which is not installed; use --format csv"
            ) from None
        return path
    if form != "csv":
        raise ValidationError(f"format {form!r} is unknown; use csv or parquet")
    path = folder / f"{stem}.csv"
    frame.to_csv(path, index=False)
    return path


def _outcomes_table(title: str, summary: pd.DataFrame) -> Table:
    table = Table(title=title)
    table.add_column("outcome", no_wrap=True)
    table.add_column("mean", justify="right", no_wrap=True)
    table.add_column("95% CI", justify="right", no_wrap=True)
    table.add_column("95% of runs", justify="right", no_wrap=True)
    for _, row in summary.iterrows():
        if row["measure"] == "negotiation_share":
            table.add_row("negotiation started (share)", f"{row['mean']:.2f}")
        elif pd.isna(row["mean"]):
            table.add_row(str(row["measure"]), "none")
        else:
            table.add_row(
                str(row["measure"]),
                f"{row['mean']:.3f}",
                f"{row['ci_low']:.3f} .. {row['ci_high']:.3f}",
                f"{row['band_low']:.3f} .. {row['band_high']:.3f}",
            )
    return table


def _designs_table(title: str, summary: pd.DataFrame) -> Table:
    table = Table(title=title, caption="mean ± half the 95% Monte Carlo interval")
    table.add_column("outcome", no_wrap=True)
    designs = list(dict.fromkeys(summary["design"]))
    for design in designs:
        table.add_column(str(design), justify="right")
    for measure, block in summary.groupby("measure", sort=False):
        cells = []
        for design in designs:
            row = block[block["design"] == design].iloc[0]
            if pd.isna(row["mean"]):
                cells.append("none")
            else:
                cells.append(f"{row['mean']:.3f} ± {(row['ci_high'] - row['ci_low']) / 2:.3f}")
        table.add_row(str(measure), *cells)
    return table


@app.callback()
def simulate(
    ctx: typer.Context,
    scenario: Annotated[
        str | None, typer.Argument(help="A packaged scenario's name or a TOML file.")
    ] = None,
    runs: Runs = 20,
    seed: Seed = 0,
    out: Out = None,
    steps: Steps = None,
    members: Members = None,
    form: Format = "csv",
) -> None:
    """Run SCENARIO --runs times and report its outcomes with Monte Carlo intervals."""
    if ctx.invoked_subcommand is not None:
        return
    if not scenario:
        console.print(ctx.get_help())
        raise typer.Exit(0)
    with guarded():
        chosen = _scenario(scenario, steps, members)
        with _progress() as progress:
            task = progress.add_task(f"{chosen.name}: runs", total=runs)
            ensemble = run_ensemble(chosen, runs, seed, on_run=lambda _: progress.advance(task))
        outcomes = ensemble.outcomes_summary()
        console.print(_outcomes_table(f"{chosen.name}: {runs} runs, seed {seed}", outcomes))
        if out is not None:
            images = ensemble.images_summary()
            written = [
                _write(ensemble.images, out, "runs_images", form),
                _write(ensemble.societies, out, "runs_societies", form),
                _write(ensemble.outcomes, out, "runs_outcomes", form),
                _write(images, out, "summary_images", form),
                _write(ensemble.societies_summary(), out, "summary_societies", form),
                _write(outcomes, out, "summary_outcomes", form),
                plot_images(images, out / "images.png", title=chosen.name),
                plot_images(
                    images, out / "images_participants.png", role="participant", title=chosen.name
                ),
            ]
            for path in written:
                console.print(f"wrote {path}")


@app.command()
def compare(
    scenario: Annotated[str, typer.Argument(help="A packaged scenario's name or a TOML file.")],
    runs: Runs = 10,
    seed: Seed = 0,
    out: Out = None,
    steps: Steps = None,
    members: Members = None,
) -> None:
    """Compare programme designs (continuing, feedback, one-off, random invitees) on SCENARIO."""
    with guarded():
        chosen = _scenario(scenario, steps, members)
        designs = programme_designs(chosen.programme)
        with _progress() as progress:
            task = progress.add_task(f"{chosen.name}: designs x runs", total=runs * len(designs))
            summary = compare_programmes(
                chosen, designs, runs=runs, seed=seed, on_run=lambda _: progress.advance(task)
            )
        console.print(_designs_table(f"{chosen.name}: programme designs", summary))
        if out is not None:
            for path in (
                _write(summary, out, "designs", "csv"),
                plot_designs(summary, out / "designs.png", title=chosen.name),
            ):
                console.print(f"wrote {path}")


def parse_grid(params: list[str]) -> dict[str, list[Any]]:
    """Read ``PATH=V1,V2`` pairs into a grid; values are read as TOML values."""
    grid: dict[str, list[Any]] = {}
    for text in params:
        path, sep, values = text.partition("=")
        if not sep or not path or not values:
            raise ValidationError(f"--param {text!r}: write PATH=VALUE1,VALUE2")
        grid[path.strip()] = [parse_value(v.strip()) for v in values.split(",")]
    return grid


@app.command("sweep")
def sweep_command(
    scenario: Annotated[str, typer.Argument(help="A packaged scenario's name or a TOML file.")],
    param: Annotated[
        list[str],
        typer.Option(
            "--param", "-p", help="PATH=V1,V2 (repeat), e.g. readiness.clash_share=0.2,0.7"
        ),
    ],
    runs: Runs = 5,
    seed: Seed = 0,
    out: Out = None,
    steps: Steps = None,
    members: Members = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Address of a running Dask scheduler.")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Local cluster workers.")] = 1,
    threads: Annotated[int, typer.Option("--threads", min=1, help="Threads per worker.")] = 2,
    serial: Annotated[bool, typer.Option("--serial", help="Run here, without Dask.")] = False,
) -> None:
    """Run a grid of parameter values on Dask (a local cluster unless --scheduler is given)."""
    with guarded():
        chosen = _scenario(scenario, steps, members)
        grid = parse_grid(param)
        points = 1
        for values in grid.values():
            points *= len(values)
        with _progress() as progress:
            task = progress.add_task(f"{chosen.name}: sweep", total=points * runs)
            advance: Callable[[int], None] = lambda _: progress.advance(task)  # noqa: E731
            if serial:
                frame = sweep(chosen, grid, runs=runs, seed=seed, on_task=advance)
            else:
                with dask_client(scheduler, workers=workers, threads=threads) as client:
                    frame = sweep(
                        chosen, grid, runs=runs, seed=seed, client=client, on_task=advance
                    )
        means = frame.groupby(list(grid), sort=False).mean(numeric_only=True).drop(columns="run")
        table = Table(title=f"{chosen.name}: sweep means over {runs} runs")
        for name in [*grid, *means.columns]:
            table.add_column(name, justify="right")
        for key, row in means.iterrows():
            keys = key if isinstance(key, tuple) else (key,)
            table.add_row(*[str(k) for k in keys], *[f"{v:.3f}" for v in row])
        console.print(table)
        if out is not None:
            console.print(f"wrote {_write(frame, out, 'sweep', 'csv')}")


@app.command()
def scenarios() -> None:
    """List the packaged scenarios and what each describes."""
    with guarded():
        table = Table(title="packaged scenarios")
        table.add_column("name")
        table.add_column("steps", justify="right")
        table.add_column("description")
        for name in packaged_scenarios():
            scenario = load_scenario(name)
            table.add_row(name, str(scenario.steps), " ".join(scenario.description.split()))
        console.print(table)
