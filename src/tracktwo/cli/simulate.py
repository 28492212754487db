"""``tracktwo simulate``: run a scenario many times, compare designs, sweep a grid on Dask.

    tracktwo simulate SCENARIO --runs N --seed S [--out DIR]
    tracktwo simulate compare SCENARIO --runs N --seed S [--out DIR]
    tracktwo simulate sweep SCENARIO --param PATH=V1,V2 ... [--scheduler ADDRESS]
    tracktwo simulate sensitivity SCENARIO [--trajectories T] [--runs R] [--out DIR]
    tracktwo simulate scenarios

SCENARIO is a packaged scenario's name or a path to a TOML file. Pure computation: no data
folder, no database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
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

from tracktwo.cli.output import JsonFlag, print_json
from tracktwo.engines.simulation.ensemble import (
    compare_programmes,
    no_programme,
    programme_designs,
    run_ensemble,
)
from tracktwo.engines.simulation.labels import Basis, paths
from tracktwo.engines.simulation.scenarios import Scenario
from tracktwo.engines.simulation.timing import started_by_day
from tracktwo.errors import TrackTwoError, ValidationError
from tracktwo.io.scenarios import load_scenario, packaged_scenarios, parse_value
from tracktwo.research.planner_figures import plot_negotiation, plot_sensitivity, plot_sweep
from tracktwo.research.sensitivity import (
    PLANNER_OUTCOMES,
    SensitivityResult,
    assumption_factors,
    design_points,
    sensitivity_analysis,
)
from tracktwo.research.simulation_figures import plot_designs, plot_images
from tracktwo.research.sweep import dask_client, sweep, sweep_summary

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


def _number(value: Any, form: str = "{:.3f}") -> str:
    return "none" if value is None or pd.isna(value) else form.format(value)


def _interval(low: Any, high: Any, form: str = "{:.3f}") -> str:
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"{form.format(low)} .. {form.format(high)}"


def _cell(row: Mapping[Any, Any] | pd.Series) -> str:
    """Return one summary row as 'mean (95% CI)', in days or as a share for negotiation."""
    measure = row["measure"]
    form = "{:.0f}" if measure == "negotiation_median_day" else "{:.3f}"
    if measure == "negotiation_share":
        form = "{:.2f}"
    interval = _interval(row["ci_low"], row["ci_high"], form)
    text = _number(row["mean"], form)
    return f"{text} ({interval})" if interval else text


OUTCOME_NAMES = {
    "negotiation_median_day": "negotiation: median start day (runs that started), 95% CI",
    "negotiation_share": "negotiation: share of runs started, 95% CI",
}


def _outcomes_table(title: str, summary: pd.DataFrame, baseline: pd.DataFrame) -> Table:
    table = Table(
        title=title,
        caption="mean (95% Monte Carlo interval); runs: the middle 95% of runs; the baseline "
        "is the same scenario with no workshops on the same seeds",
    )
    table.add_column("outcome", overflow="fold")
    table.add_column("programme", justify="right", overflow="fold")
    table.add_column("95% of runs", justify="right", overflow="fold")
    table.add_column("no programme", justify="right", overflow="fold")
    base = {str(record["measure"]): record for record in baseline.to_dict(orient="records")}
    for _, row in summary.iterrows():
        measure = str(row["measure"])
        if measure == "negotiation_step":
            continue  # a mean over the runs that started: the median row below says it better
        form = "{:.0f}" if measure == "negotiation_median_day" else "{:.3f}"
        runs = (
            ""
            if measure == "negotiation_share"
            else _interval(row["band_low"], row["band_high"], form)
        )
        other = _cell(base[measure]) if measure in base else ""
        table.add_row(OUTCOME_NAMES.get(measure, measure), _cell(row), runs, other)
    return table


def _designs_table(title: str, summary: pd.DataFrame) -> Table:
    table = Table(title=title, caption="mean (95% interval); 'no programme' is the baseline")
    table.add_column("outcome", overflow="fold")
    designs = list(dict.fromkeys(summary["design"]))
    for design in designs:
        table.add_column(str(design), justify="right", overflow="fold")
    for measure, block in summary.groupby("measure", sort=False):
        if measure == "negotiation_step":
            continue  # a mean over the runs that started: the median row says it better
        cells = [_cell(block[block["design"] == design].iloc[0]) for design in designs]
        table.add_row(OUTCOME_NAMES.get(str(measure), str(measure)), *cells)
    return table


def _designs_json(summary: pd.DataFrame) -> dict[str, Any]:
    """Return each design's outcomes and negotiation timing as JSON-ready values."""

    def clean(value: Any) -> float | None:
        return None if value is None or pd.isna(value) else float(value)

    designs: dict[str, Any] = {}
    for design, block in summary.groupby("design", sort=False):
        rows: dict[str, dict[Any, Any]] = {
            str(record["measure"]): record for record in block.to_dict(orient="records")
        }
        day, share = rows["negotiation_median_day"], rows["negotiation_share"]
        designs[str(design)] = {
            "negotiation": {
                "share_started": clean(share["mean"]),
                "share_started_ci": [clean(share["ci_low"]), clean(share["ci_high"])],
                "median_day": clean(day["mean"]),
                "median_day_ci": [clean(day["ci_low"]), clean(day["ci_high"])],
                "days_middle_95": [clean(day["band_low"]), clean(day["band_high"])],
                "runs_started": int(day["runs"]),
                "runs": int(share["runs"]),
            },
            "outcomes": {
                measure: {
                    "mean": clean(row["mean"]),
                    "ci": [clean(row["ci_low"]), clean(row["ci_high"])],
                }
                for measure, row in rows.items()
                if not measure.startswith("negotiation_")
            },
        }
    return {"designs": designs}


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
            again = progress.add_task(f"{chosen.name}: no programme", total=runs)
            baseline = run_ensemble(
                no_programme(chosen), runs, seed, on_run=lambda _: progress.advance(again)
            )
        outcomes = ensemble.outcomes_summary()
        base_outcomes = baseline.outcomes_summary()
        console.print(
            _outcomes_table(f"{chosen.name}: {runs} runs, seed {seed}", outcomes, base_outcomes)
        )
        if out is not None:
            images = ensemble.images_summary()
            base_images = baseline.images_summary()
            started = started_by_day(ensemble.societies)
            base_started = started_by_day(baseline.societies)
            written = [
                _write(ensemble.images, out, "runs_images", form),
                _write(ensemble.societies, out, "runs_societies", form),
                _write(ensemble.outcomes, out, "runs_outcomes", form),
                _write(images, out, "summary_images", form),
                _write(ensemble.societies_summary(), out, "summary_societies", form),
                _write(outcomes, out, "summary_outcomes", form),
                _write(base_images, out, "baseline_summary_images", form),
                _write(baseline.societies_summary(), out, "baseline_summary_societies", form),
                _write(base_outcomes, out, "baseline_summary_outcomes", form),
                _write(
                    pd.concat(
                        [started.assign(design="programme"), base_started.assign(design="none")]
                    ),
                    out,
                    "started_by_day",
                    form,
                ),
                plot_images(images, out / "images.png", title=chosen.name, baseline=base_images),
                plot_images(
                    images,
                    out / "images_participants.png",
                    role="participant",
                    title=chosen.name,
                    baseline=base_images,
                ),
                plot_negotiation(
                    ensemble.societies_summary(),
                    started,
                    out / "negotiation.png",
                    baseline_societies=baseline.societies_summary(),
                    baseline_started=base_started,
                    threshold=chosen.parameters.readiness.threshold,
                    title=chosen.name,
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
    """Compare programme designs (continuing, feedback, one-off, random invitees) on SCENARIO,
    against no programme, with negotiation's timing and the share of runs that start it."""
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
            out.mkdir(parents=True, exist_ok=True)
            json_path = out / "designs.json"
            json_path.write_text(
                json.dumps(
                    {"scenario": chosen.name, "runs": runs, "seed": seed, **_designs_json(summary)},
                    indent=2,
                ),
                encoding="utf-8",
            )
            for path in (
                _write(summary, out, "designs", "csv"),
                json_path,
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
        summary = sweep_summary(frame, grid)
        console.print(
            _sweep_table(f"{chosen.name}: sweep over {runs} runs per point", summary, grid)
        )
        if out is not None:
            written = [
                _write(frame, out, "sweep", "csv"),
                _write(summary, out, "sweep_summary", "csv"),
            ]
            json_path = out / "sweep_summary.json"
            json_path.write_text(summary.to_json(orient="records", indent=2), encoding="utf-8")
            written.append(json_path)
            if len(grid) <= 2:
                written.append(
                    plot_sweep(summary, list(grid), out / "sweep.png", title=chosen.name)
                )
            else:
                console.print("no sweep figure: it draws one or two parameters")
            for path in written:
                console.print(f"wrote {path}")


SWEEP_MEANS = ("public_group_image", "participant_standing", "readiness")
"""Outcomes the sweep's table shows besides negotiation (its CSV holds them all)."""


def _sweep_table(title: str, summary: pd.DataFrame, grid: dict[str, list[Any]]) -> Table:
    table = Table(
        title=title,
        caption="share: Wilson 95% interval; day: median of the runs that started, with its "
        "95% interval; other outcomes: means over runs",
    )
    names = list(grid)
    for name in names:
        table.add_column(name, justify="right", overflow="fold")
    table.add_column("negotiation started (share)", justify="right", overflow="fold")
    table.add_column("median start day", justify="right", overflow="fold")
    means = [f"mean_{name}" for name in SWEEP_MEANS if f"mean_{name}" in summary.columns]
    for column in means:
        table.add_column(column.removeprefix("mean_"), justify="right", overflow="fold")
    for row in summary.to_dict(orient="records"):
        share = (
            f"{row['negotiation_share']:.2f} "
            f"({_interval(row['negotiation_share_low'], row['negotiation_share_high'], '{:.2f}')})"
        )
        day = _number(row["negotiation_median_day"], "{:.0f}")
        bounds = _interval(row["negotiation_median_low"], row["negotiation_median_high"], "{:.0f}")
        table.add_row(
            *[str(row[name]) for name in names],
            share,
            f"{day} ({bounds})" if bounds else day,
            *[_number(row[column]) for column in means],
        )
    return table


@app.command("sensitivity")
def sensitivity_command(
    scenario: Annotated[str, typer.Argument(help="A packaged scenario's name or a TOML file.")],
    trajectories: Annotated[
        int,
        typer.Option(
            "--trajectories", "-t", min=2, help="Morris trajectories (sample size per factor)."
        ),
    ] = 3,
    runs: Annotated[
        int, typer.Option("--runs", "-n", min=1, help="Runs per design point (common seeds).")
    ] = 2,
    seed: Seed = 0,
    out: Out = None,
    days: Annotated[
        int | None, typer.Option("--days", "--steps", min=1, help="Days (default: scenario's).")
    ] = None,
    members: Annotated[
        int, typer.Option("--members", min=20, help="Members per society (small keeps it quick).")
    ] = 500,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Processes to spread the design over.")
    ] = 2,
    fix: Annotated[
        list[str] | None,
        typer.Option(
            "--fix", help="An assumption (dotted path) to hold at the scenario's value (repeat)."
        ),
    ] = None,
) -> None:
    """Screen every assumption for its effect on the planner's outcomes (Morris, SALib)."""
    with guarded():
        chosen = _scenario(scenario, days, members)
        held = set(fix or [])
        unknown = held - set(paths(Basis.ASSUMPTION))
        if unknown:
            raise ValidationError(f"--fix {sorted(unknown)}: not an assumption's dotted path")
        factors = assumption_factors(chosen, [p for p in paths(Basis.ASSUMPTION) if p not in held])
        points = design_points(len(factors), trajectories)
        console.print(
            f"{chosen.name}: {len(factors)} assumptions, {trajectories} trajectories, "
            f"{points} design points x {runs} runs, {chosen.steps} days, {members} members"
        )
        with _progress() as progress:
            task = progress.add_task(f"{chosen.name}: sensitivity", total=points)
            result = sensitivity_analysis(
                chosen,
                trajectories=trajectories,
                runs=runs,
                seed=seed,
                workers=workers,
                factors=factors,
                on_point=lambda _: progress.advance(task),
            )
        console.print(_depends_table(chosen.name, result))
        console.print(_indices_table(chosen.name, result))
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            json_path = out / "sensitivity.json"
            json_path.write_text(json.dumps(result.to_dict(), indent=2), encoding="utf-8")
            written = [
                _write(result.indices, out, "sensitivity", "csv"),
                _write(result.design, out, "sensitivity_design", "csv"),
                json_path,
                *plot_sensitivity(
                    result.indices,
                    out / "sensitivity.png",
                    labels=PLANNER_OUTCOMES,
                    title=f"{chosen.name}: Morris screening of the assumptions",
                ),
            ]
            for path in written:
                console.print(f"wrote {path}")


def _depends_table(name: str, result: SensitivityResult) -> Table:
    table = Table(
        title=f"{name}: which outcomes depend on which assumptions",
        caption="Morris mu* (mean absolute elementary effect across the factor's range) with its "
        "95% bootstrap interval; listed: mu* at least a tenth of the outcome's largest, interval "
        "above 0",
    )
    table.add_column("outcome", overflow="fold")
    table.add_column("depends on (largest first)", overflow="fold")
    indices = {
        (str(record["outcome"]), str(record["parameter"])): record
        for record in result.indices.to_dict(orient="records")
    }
    for outcome, label in PLANNER_OUTCOMES.items():
        parts = []
        for parameter in result.depends_on(outcome):
            row = indices[(outcome, parameter)]
            parts.append(
                f"{parameter} {row['mu_star']:.3g} ± {row['mu_star_high'] - row['mu_star']:.2g}"
            )
        table.add_row(f"{outcome}: {label}", "; ".join(parts) or "none beyond noise")
    return table


def _indices_table(name: str, result: SensitivityResult) -> Table:
    table = Table(
        title=f"{name}: Morris mu* (sigma) per assumption and outcome",
        caption="sorted by the largest share of an outcome's top mu*; * marks a dependence; "
        f"{result.settings['points']} points x {result.settings['runs_per_point']} runs, "
        f"seed {result.settings['seed']}",
    )
    table.add_column("assumption", overflow="fold")
    table.add_column("range", overflow="fold", justify="right")
    outcomes = list(PLANNER_OUTCOMES)
    for outcome in outcomes:
        table.add_column(outcome, justify="right", overflow="fold")
    indices = result.indices.copy()
    indices["share"] = indices["mu_star"] / indices.groupby("outcome")["mu_star"].transform(
        "max"
    ).replace(0, 1)
    order = indices.groupby("parameter")["share"].max().sort_values(ascending=False).index
    wide = indices.set_index(["parameter", "outcome"])
    for parameter in order:
        cells = []
        for outcome in outcomes:
            row = wide.loc[(parameter, outcome)]
            mark = "*" if row["influential"] else ""
            cells.append(f"{row['mu_star']:.3g}{mark} ({row['sigma']:.2g})")
        first = wide.loc[(parameter, outcomes[0])]
        table.add_row(parameter, f"{first['low']:.3g} .. {first['high']:.3g}", *cells)
    return table


@app.command()
def scenarios(as_json: JsonFlag = False) -> None:
    """List the packaged scenarios and what each describes."""
    with guarded():
        if as_json:
            print_json(
                [
                    {
                        "name": name,
                        "steps": load_scenario(name).steps,
                        "description": " ".join(load_scenario(name).description.split()),
                    }
                    for name in packaged_scenarios()
                ]
            )
            return
        table = Table(title="packaged scenarios")
        table.add_column("name", overflow="fold")
        table.add_column("steps", justify="right")
        table.add_column("description", overflow="fold")
        for name in packaged_scenarios():
            scenario = load_scenario(name)
            table.add_row(name, str(scenario.steps), " ".join(scenario.description.split()))
        console.print(table)
