"""Outputs for a planner: the baseline beside every programme, negotiation's timing and share."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from tracktwo.cli.simulate import _sweep_table, app
from tracktwo.engines.simulation.ensemble import (
    NO_PROGRAMME,
    compare_programmes,
    no_programme,
    programme_designs,
    run_ensemble,
)
from tracktwo.engines.simulation.timing import (
    median_interval,
    negotiation_timing,
    started_by_day,
    wilson_interval,
)
from tracktwo.errors import ValidationError
from tracktwo.io.scenarios import load_scenario
from tracktwo.research.planner_figures import plot_negotiation, plot_sweep
from tracktwo.research.sweep import sweep, sweep_summary

runner = CliRunner()
SIZE = ["--members", "2000", "--steps", "150"]
QUICK = ["--members", "300", "--steps", "120"]


def column(text: str, index: int) -> str:
    """Return what a printed table's column ``index`` reads, its folded lines rejoined."""
    cells = [
        re.split("[│┃]", line)[index + 1]
        for line in text.splitlines()
        if "│" in line or "┃" in line
    ]
    return "".join(cell.strip() for cell in cells)


RIPE = (
    load_scenario("ripe-inter-state").with_value("societies.members", 400).with_value("steps", 200)
)


def test_the_baseline_runs_the_same_scenario_with_no_workshops_on_the_same_seeds() -> None:
    programme = run_ensemble(RIPE, runs=3, seed=5)
    baseline = run_ensemble(no_programme(RIPE), runs=3, seed=5)
    assert baseline.outcomes["participant_group_change"].isna().all()
    public = programme.images_summary().query("role == 'all' and measure == 'group_mean'")
    public_base = baseline.images_summary().query("role == 'all' and measure == 'group_mean'")
    assert len(public) == len(public_base)
    assert not np.allclose(public["mean"].to_numpy(), public_base["mean"].to_numpy())
    costs = programme.societies.query("step == 10")["costs"].to_numpy()
    assert np.array_equal(costs, baseline.societies.query("step == 10")["costs"].to_numpy())


def test_the_share_started_never_falls_and_stays_within_0_and_1(tmp_path: Path) -> None:
    ensemble = run_ensemble(RIPE, runs=4, seed=2)
    started = started_by_day(ensemble.societies)
    share = started["share"].to_numpy()
    assert np.all(np.diff(share) >= 0)
    assert share.min() >= 0.0 and share.max() <= 1.0
    assert share[-1] > 0, "the ripe scenario starts negotiating within 200 days"
    assert np.all(started["low"] <= started["share"]) and np.all(
        started["share"] <= started["high"]
    )
    first = ensemble.outcomes["negotiation_step"].min()
    assert share[started["step"] < first].max(initial=0.0) == 0.0
    baseline = run_ensemble(no_programme(RIPE), runs=4, seed=2)
    path = plot_negotiation(
        ensemble.societies_summary(),
        started,
        tmp_path / "negotiation.png",
        baseline_societies=baseline.societies_summary(),
        baseline_started=started_by_day(baseline.societies),
        threshold=0.5,
    )
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_timing_gives_the_share_started_and_the_median_day_with_intervals() -> None:
    timing = negotiation_timing([100.0, 120.0, np.nan, 140.0])
    assert timing["negotiation_share"] == 0.75
    assert timing["negotiation_median_day"] == 120.0
    assert timing["negotiation_share_low"] < 0.75 < timing["negotiation_share_high"]
    assert timing["runs_started"] == 3
    none = negotiation_timing([np.nan, np.nan])
    assert none["negotiation_share"] == 0.0 and np.isnan(none["negotiation_median_day"])
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and 0.2 < high < 0.35
    days = np.arange(1.0, 101.0)
    low, high = median_interval(days)
    assert 40 <= low < 50.5 < high <= 61


def test_compare_includes_the_baseline_and_its_json_has_timing_and_share(tmp_path: Path) -> None:
    designs = programme_designs(RIPE.programme)
    assert designs[NO_PROGRAMME].workshops == 0
    enough_elites = RIPE.with_value("societies.members", 2000).with_value("steps", 150)
    summary = compare_programmes(enough_elites, designs, runs=2, seed=1)
    measures = set(summary["measure"])
    assert {"negotiation_share", "negotiation_median_day"} <= measures
    result = runner.invoke(
        app,
        ["compare", "ripe-inter-state", "--runs", "2", *SIZE, "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert "negotiation:shareofrunsstarted" in "".join(column(result.output, 0).split())
    assert "no programme" in result.output.replace("\n", " ") or "noprogramme" in "".join(
        column(result.output, 5).split()
    )
    data = json.loads((tmp_path / "designs.json").read_text(encoding="utf-8"))
    assert NO_PROGRAMME in data["designs"]
    for design in data["designs"].values():
        negotiation = design["negotiation"]
        assert {"share_started", "share_started_ci", "median_day", "median_day_ci"} <= set(
            negotiation
        )
        assert 0.0 <= negotiation["share_started"] <= 1.0
    assert (tmp_path / "designs.png").stat().st_size > 0


def test_a_sweep_of_two_parameters_reports_timing_and_draws_a_heat_map(tmp_path: Path) -> None:
    grid = {"readiness.threshold": [0.3, 0.9], "programme.workshops": [0, 3]}
    frame = sweep(RIPE, grid, runs=2, seed=4)
    summary = sweep_summary(frame, grid)
    assert len(summary) == 4
    assert {"negotiation_share", "negotiation_median_day", "negotiation_share_low"} <= set(
        summary.columns
    )
    easy = summary[summary["readiness.threshold"] == 0.3]["negotiation_share"]
    hard = summary[summary["readiness.threshold"] == 0.9]["negotiation_share"]
    assert easy.min() >= hard.max()
    path = plot_sweep(summary, list(grid), tmp_path / "sweep.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValidationError, match="one or two"):
        plot_sweep(summary.assign(extra=1), [*grid, "extra"], tmp_path / "no.png")
    console = Console(width=60, record=True)
    console.print(_sweep_table("a sweep", summary, grid))
    text = console.export_text()
    assert "…" not in text, "tables fold, never truncate"
    assert column(text, 0).startswith("readiness.threshold")
    assert column(text, 2).startswith("negotiation started (share)".replace(" ", ""))


def test_simulate_writes_the_baseline_and_the_negotiation_figure(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["ripe-inter-state", "--runs", "2", *QUICK, "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert "no programme" in result.output
    programme = pd.read_csv(tmp_path / "summary_images.csv")
    baseline = pd.read_csv(tmp_path / "baseline_summary_images.csv")
    assert len(programme) == len(baseline)
    started = pd.read_csv(tmp_path / "started_by_day.csv")
    assert set(started["design"]) == {"programme", "none"}
    for name in ("images.png", "images_participants.png", "negotiation.png"):
        assert (tmp_path / name).stat().st_size > 0
