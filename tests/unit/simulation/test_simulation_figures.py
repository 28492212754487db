"""Figures: images over time with Monte Carlo bands, and programme designs compared."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracktwo.engines.simulation.ensemble import (
    compare_programmes,
    programme_designs,
    run_ensemble,
)
from tracktwo.errors import ValidationError
from tracktwo.io.scenarios import load_scenario
from tracktwo.research.simulation_figures import plot_designs, plot_images

SCENARIO = (
    load_scenario("identity-conflict").with_value("societies.members", 2000).with_value("steps", 90)
)


def test_an_ensemble_gives_means_with_monte_carlo_intervals_and_run_bands() -> None:
    ensemble = run_ensemble(SCENARIO, runs=3, seed=1)
    summary = ensemble.images_summary()
    row = summary[(summary["role"] == "participant") & (summary["measure"] == "group_mean")].iloc[
        -1
    ]
    assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    assert row["band_low"] <= row["mean"] <= row["band_high"]
    assert row["runs"] == 3
    assert ensemble.outcomes_summary()["measure"].iloc[-1] == "negotiation_share"


def test_images_over_time_are_drawn_with_bands(tmp_path: Path) -> None:
    summary = run_ensemble(SCENARIO, runs=2, seed=1).images_summary()
    path = plot_images(summary, tmp_path / "images.png", role="participant", title="test")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValidationError, match="role"):
        plot_images(summary, tmp_path / "none.png", role="bystander")


def test_programme_designs_are_compared_in_one_figure(tmp_path: Path) -> None:
    designs = programme_designs(SCENARIO.programme)
    summary = compare_programmes(SCENARIO, designs, runs=2, seed=1)
    assert list(dict.fromkeys(summary["design"])) == list(designs)
    path = plot_designs(summary, tmp_path / "designs.png")
    assert path.stat().st_size > 0
