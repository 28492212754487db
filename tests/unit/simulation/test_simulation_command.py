"""``tracktwo simulate``: the command's own Typer app, driven through CliRunner."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import typer
from typer.testing import CliRunner

from tracktwo.cli.simulate import app

runner = CliRunner()
QUICK = ["--members", "300", "--steps", "40"]


def test_simulate_runs_a_scenario_and_writes_frames_and_figures(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["default", "--runs", "2", "--seed", "4", *QUICK, "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    outcome_column = "".join(
        re.split("[│┃]", line)[1].strip() for line in result.output.splitlines() if "│" in line
    )
    assert "participant_group_change" in outcome_column, "the outcome's name folds, whole"
    assert "…" not in result.output
    assert "2/2" in result.output
    assert (tmp_path / "baseline_summary_images.csv").exists()
    assert (tmp_path / "negotiation.png").stat().st_size > 0
    outcomes = pd.read_csv(tmp_path / "runs_outcomes.csv")
    assert outcomes["run"].tolist() == [0, 1]
    summary = pd.read_csv(tmp_path / "summary_images.csv")
    assert {"mean", "ci_low", "ci_high", "band_low", "band_high"} <= set(summary.columns)
    assert (tmp_path / "images.png").stat().st_size > 0


def test_simulate_works_once_registered_under_the_main_command() -> None:
    main = typer.Typer()

    @main.command()
    def other() -> None:
        """Stand in for the other commands."""

    main.add_typer(app, name="simulate")
    result = runner.invoke(main, ["simulate", "ripe-inter-state", "--runs", "2", *QUICK])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(main, ["simulate", "scenarios"])
    assert listed.exit_code == 0 and "identity-conflict" in listed.output


def test_simulate_sweep_runs_a_grid_on_a_local_dask_cluster(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "sweep",
            "default",
            "--param",
            "readiness.clash_share=0.1,0.7",
            "--runs",
            "2",
            *QUICK,
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(tmp_path / "sweep.csv")
    assert sorted(frame["readiness.clash_share"].unique()) == [0.1, 0.7]
    serial = runner.invoke(
        app,
        [
            "sweep",
            "default",
            "-p",
            "readiness.clash_share=0.1,0.7",
            "--runs",
            "2",
            *QUICK,
            "--serial",
            "--out",
            str(tmp_path / "serial"),
        ],
    )
    assert serial.exit_code == 0, serial.output
    pd.testing.assert_frame_equal(frame, pd.read_csv(tmp_path / "serial" / "sweep.csv"))


def test_simulate_compare_sets_programme_designs_side_by_side(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["compare", "default", "--runs", "2", *QUICK, "--members", "2000", "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert "one-off" in result.output
    designs = pd.read_csv(tmp_path / "designs.csv")["design"].unique().tolist()
    assert "one-off meetings" in designs and "continuing + feedback" in designs
    assert (tmp_path / "designs.png").stat().st_size > 0


def test_simulate_says_what_was_wrong_and_exits_with_status_2() -> None:
    unknown = runner.invoke(app, ["atlantis", "--runs", "2"])
    assert unknown.exit_code == 2
    assert "no scenario named" in unknown.output
    bad_grid = runner.invoke(app, ["sweep", "default", "--param", "weather"])
    assert bad_grid.exit_code == 2


def test_simulate_without_arguments_shows_its_help() -> None:
    result = runner.invoke(app, [])
    assert "SCENARIO" in result.output and "sweep" in result.output


def test_the_simulate_command_never_loads_the_store_or_sqlalchemy() -> None:
    code = (
        "import sys, tracktwo.cli.simulate; "
        "print(sorted(m for m in sys.modules if m.startswith(('tracktwo.store', 'sqlalchemy'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
