"""Parameter sweeps on Dask: a grid of scenario variants, each run several times.

Every (grid point, run) is one task; its seed depends only on the run, so a point's numbers
are the same whether it runs serially, on a local cluster or on a remote one. The default
local cluster uses threads in this process (``processes=False``), gentle on a small machine;
give ``address`` to use an existing scheduler instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

from tracktwo.engines.simulation.ensemble import run_scenario
from tracktwo.engines.simulation.model import ENGINE_VERSION
from tracktwo.engines.simulation.outcomes import OUTCOMES
from tracktwo.engines.simulation.scenarios import Scenario
from tracktwo.engines.simulation.timing import negotiation_timing
from tracktwo.errors import ValidationError

Grid = Mapping[str, Sequence[Any]]


def grid_points(scenario: Scenario, grid: Grid) -> list[dict[str, Any]]:
    """Return every combination of the grid's values, checked against ``scenario``."""
    if not grid:
        raise ValidationError("the grid is empty; give at least one parameter and its values")
    for path, values in grid.items():
        if len(values) == 0:
            raise ValidationError(f"parameter {path!r} has no values")
        for value in values:
            scenario.with_value(path, value)
    names = list(grid)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*grid.values())]


def sweep_task(scenario: Scenario, point: Mapping[str, Any], run: int, seed: int) -> dict[str, Any]:
    """Run one run of one grid point and return its outcomes (a Dask task)."""
    variant = scenario
    for path, value in point.items():
        variant = variant.with_value(path, value)
    _, outcomes = run_scenario(variant, run, seed, record=False)
    return {**point, "run": run, **outcomes}


def _frame(rows: list[dict[str, Any]], grid: Grid) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[*grid, "run", *OUTCOMES])
    frame.attrs["engine_version"] = ENGINE_VERSION
    return frame


def sweep(
    scenario: Scenario,
    grid: Grid,
    *,
    runs: int,
    seed: int,
    client: Any | None = None,
    on_task: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Return one row per grid point and run: the point's values, ``run`` and the outcomes.

    Without ``client`` the tasks run here, one after the other; with a
    ``distributed.Client`` they run on its cluster. Rows come back in grid order either way.
    """
    if runs < 1:
        raise ValidationError(f"runs is {runs}; give 1 or more")
    points = grid_points(scenario, grid)
    tasks = [(point, run) for point in points for run in range(runs)]
    rows: list[dict[str, Any]] = []
    if client is None:
        for done, (point, run) in enumerate(tasks):
            rows.append(sweep_task(scenario, point, run, seed))
            if on_task is not None:
                on_task(done)
        return _frame(rows, grid)
    futures = [
        client.submit(sweep_task, scenario, point, run, seed, pure=False) for point, run in tasks
    ]
    for done, future in enumerate(futures):
        rows.append(future.result())
        if on_task is not None:
            on_task(done)
    return _frame(rows, grid)


def sweep_summary(frame: pd.DataFrame, grid: Grid) -> pd.DataFrame:
    """Return one row per grid point: its values, negotiation timing and mean outcomes.

    Timing (:data:`~tracktwo.engines.simulation.timing.TIMING_FIELDS`): the share of runs
    in which negotiation started with Wilson's 95% interval, the median start day of those
    that did with its order-statistic 95% interval, the middle 95% of their days, and the
    run counts; then the mean of every other outcome across runs.
    """
    names = list(grid)
    rows = []
    for key, block in frame.groupby(names, sort=False, dropna=False):
        keys = key if isinstance(key, tuple) else (key,)
        means = block[[o for o in OUTCOMES if o != "negotiation_step"]].mean()
        rows.append(
            {
                **dict(zip(names, keys, strict=True)),
                **negotiation_timing(block["negotiation_step"]),
                **{f"mean_{name}": float(value) for name, value in means.items()},
            }
        )
    summary = pd.DataFrame(rows)
    summary.attrs["engine_version"] = ENGINE_VERSION
    return summary


@contextmanager
def dask_client(address: str | None = None, *, workers: int = 1, threads: int = 2) -> Iterator[Any]:
    """Yield a Dask client: on the scheduler at ``address``, else on a local cluster.

    The local cluster runs ``workers`` workers of ``threads`` threads inside this process
    and is shut down on exit.
    """
    import distributed

    client_class: Any = distributed.Client
    cluster_class: Any = distributed.LocalCluster
    if address is not None:
        with client_class(address) as client:
            yield client
        return
    with (
        cluster_class(
            n_workers=workers,
            threads_per_worker=threads,
            processes=False,
            dashboard_address=None,
        ) as cluster,
        client_class(cluster) as client,
    ):
        yield client
