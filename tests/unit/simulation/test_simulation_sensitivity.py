"""Sensitivity: a Morris screening of the assumptions finds the dependences that are there."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.typing import NDArray
from typer.testing import CliRunner

from tracktwo.cli.simulate import app
from tracktwo.engines.simulation.labels import Basis, paths
from tracktwo.errors import ValidationError
from tracktwo.io.scenarios import load_scenario
from tracktwo.research.sensitivity import (
    PLANNER_OUTCOMES,
    Factor,
    apply_factors,
    assumption_factors,
    morris_indices,
    sensitivity_analysis,
)

SCENARIO = load_scenario("default").with_value("societies.members", 300).with_value("steps", 500)


def test_morris_screening_ranks_a_planted_dependence_first() -> None:
    factors = [Factor(name, 0.5, 0.0, 1.0) for name in ("weak", "strong", "none", "bent")]

    def evaluate(rows: Sequence[NDArray[np.float64]]) -> list[dict[str, float]]:
        return [
            {
                "planted": 0.2 * row[0] + 5.0 * row[1] + 0.0 * row[2],
                "curved": math.sin(6 * row[3]) * row[0],
            }
            for row in rows
        ]

    indices, design = morris_indices(factors, evaluate, trajectories=6, seed=3)
    planted = indices[indices["outcome"] == "planted"].set_index("parameter")
    assert planted["rank"]["strong"] == 1
    assert planted["mu_star"]["strong"] == pytest.approx(5.0)
    assert planted["mu_star"]["none"] == pytest.approx(0.0, abs=1e-12)
    assert bool(planted["influential"]["strong"]) and not bool(planted["influential"]["none"])
    curved = indices[indices["outcome"] == "curved"].set_index("parameter")
    assert curved["sigma"]["bent"] > 0.1, "a non-linear factor shows a spread of effects"
    assert len(design) == 6 * (len(factors) + 1)


def test_the_readiness_threshold_is_what_decides_whether_negotiation_starts() -> None:
    chosen = ["network.place_size", "readiness.threshold", "societies.influence_sigma"]
    factors = assumption_factors(SCENARIO, chosen)
    result = sensitivity_analysis(SCENARIO, trajectories=3, runs=1, seed=2, factors=factors)
    assert result.depends_on("negotiation_share")[0] == "readiness.threshold"
    assert result.depends_on("negotiation_day")[0] == "readiness.threshold"
    assert set(result.indices["outcome"]) == set(PLANNER_OUTCOMES)
    assert len(result.design) == 3 * 4
    assert result.to_dict()["depends_on"]["negotiation_share"][0] == "readiness.threshold"


def test_every_assumption_is_a_factor_whose_range_the_model_accepts() -> None:
    factors = assumption_factors(SCENARIO)
    assert [f.path for f in factors] == paths(Basis.ASSUMPTION)
    for factor in factors:
        assert factor.low <= factor.value <= factor.high or factor.value == 0, factor
        assert factor.high > factor.low, factor
        apply_factors(SCENARIO, {factor.path: factor.low})
        apply_factors(SCENARIO, {factor.path: factor.high})
    everything_high = apply_factors(SCENARIO, {f.path: f.high for f in factors})
    assert everything_high.parameters.network.mean_degree % 2 == 0


def test_perception_weights_vary_as_relative_weights_that_sum_to_one() -> None:
    varied = apply_factors(SCENARIO, {"readiness.ideas_weight": 0.8})
    readiness = varied.parameters.readiness
    total = (
        readiness.ideas_weight
        + readiness.decision_maker_image_weight
        + readiness.public_image_weight
    )
    assert total == pytest.approx(1.0)
    assert readiness.ideas_weight == pytest.approx(0.8 / 1.4)


def test_a_screening_needs_two_trajectories_and_a_factor() -> None:
    with pytest.raises(ValidationError, match="trajectories"):
        morris_indices([Factor("a", 1, 0, 1)], lambda rows: [], trajectories=1)
    with pytest.raises(ValidationError, match="factor"):
        morris_indices([], lambda rows: [], trajectories=2)


def test_simulate_sensitivity_prints_its_table_and_writes_table_and_figure(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(
        app,
        [
            "sensitivity",
            "default",
            "--trajectories",
            "2",
            "--runs",
            "1",
            "--days",
            "30",
            "--members",
            "300",
            "--workers",
            "1",
            "--fix",
            "readiness.threshold",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "which outcomes depend on which assumptions" in result.output
    first_column = "".join(
        re.split("[│┃]", line)[1].strip() for line in result.output.splitlines() if "│" in line
    )
    assert "reentry.pull" in first_column, "each assumption is named whole, folded if need be"
    assert "…" not in result.output, "tables fold, never truncate"
    indices = pd.read_csv(tmp_path / "sensitivity.csv")
    assert {"outcome", "parameter", "mu_star", "mu_star_low", "mu_star_high", "sigma"} <= set(
        indices.columns
    )
    assert set(indices["parameter"]) == set(paths(Basis.ASSUMPTION)) - {"readiness.threshold"}
    summary = json.loads((tmp_path / "sensitivity.json").read_text(encoding="utf-8"))
    assert summary["days"] == 30 and summary["trajectories"] == 2 and summary["factors"] == 63
    assert set(summary["depends_on"]) == set(PLANNER_OUTCOMES)
    assert (tmp_path / "sensitivity.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "sensitivity.svg").read_bytes()[:500]
