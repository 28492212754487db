"""Sweeps: a grid on a local Dask cluster returns exactly the serial run's numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from tracktwo.errors import ValidationError
from tracktwo.io.scenarios import load_scenario
from tracktwo.research.sweep import dask_client, grid_points, sweep

SCENARIO = load_scenario("default").with_value("societies.members", 300).with_value("steps", 60)
GRID = {"readiness.clash_share": [0.1, 0.6], "programme.continuing": [True, False]}


def test_a_sweep_on_a_local_dask_cluster_equals_the_serial_sweep_exactly() -> None:
    serial = sweep(SCENARIO, GRID, runs=2, seed=9)
    with dask_client(workers=1, threads=2) as client:
        distributed = sweep(SCENARIO, GRID, runs=2, seed=9, client=client)
        assert client.status == "running"
    assert client.status == "closed"
    assert len(serial) == 4 * 2
    pd.testing.assert_frame_equal(serial, distributed, check_exact=True)


def test_each_grid_point_is_a_variant_of_the_scenario() -> None:
    frame = sweep(SCENARIO, {"programme.workshops": [0, 2]}, runs=2, seed=1)
    without = frame[frame["programme.workshops"] == 0]
    assert without["participant_group_change"].isna().all()
    assert frame[frame["programme.workshops"] == 2]["participant_group_change"].notna().all()


def test_a_grid_that_names_nothing_is_refused_before_any_run() -> None:
    with pytest.raises(ValidationError, match="names nothing"):
        grid_points(SCENARIO, {"weather.rain": [1, 2]})
    with pytest.raises(ValidationError, match="no values"):
        grid_points(SCENARIO, {"steps": []})
