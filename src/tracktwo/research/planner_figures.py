"""Figures a programme planner reads: readiness and negotiation, sweeps, sensitivity.

- :func:`plot_negotiation`: readiness to negotiate per society over time and the share of
  runs in which negotiation has started by each day, with bands, the no-programme baseline
  dashed;
- :func:`plot_sweep`: a sweep's negotiation timing and share started against one
  parameter, or as heat maps over two;
- :func:`plot_sensitivity`: which assumptions each outcome depends on (Morris ``mu*``).

Drawn with matplotlib's object interface on the Agg canvas: no pyplot state, no display.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tracktwo.errors import ValidationError

SENSITIVITY_SHOWN = 12
"""Assumptions drawn per outcome in the sensitivity figure (the table lists them all)."""


def plot_negotiation(
    societies: pd.DataFrame,
    started: pd.DataFrame,
    path: Path,
    *,
    baseline_societies: pd.DataFrame | None = None,
    baseline_started: pd.DataFrame | None = None,
    threshold: float | None = None,
    title: str = "",
) -> Path:
    """Draw readiness over time and the share of runs that have started negotiating.

    ``societies`` is a societies summary (``step``, ``society``, ``measure``, ``mean``,
    ``band_low``, ``band_high``): readiness per society with the middle 95% of runs as a
    band. ``started`` is :func:`~tracktwo.engines.simulation.timing.started_by_day`: the
    share with its Wilson 95% band. The ``baseline_*`` frames (no programme, same seeds)
    are drawn dashed. Writes ``path`` and returns it.
    """
    readiness = societies[societies["measure"] == "readiness"]
    if readiness.empty or started.empty:
        raise ValidationError("the summaries have no readiness or negotiation rows")
    figure = Figure(figsize=(11, 4.2), layout="constrained")
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)
    for society, block in readiness.groupby("society", sort=False):
        block = block.sort_values("step")
        line = left.plot(block["step"], block["mean"], label=f"{society}, programme")[0]
        left.fill_between(
            block["step"], block["band_low"], block["band_high"], color=line.get_color(), alpha=0.15
        )
        if baseline_societies is not None:
            base = baseline_societies[
                (baseline_societies["measure"] == "readiness")
                & (baseline_societies["society"] == society)
            ].sort_values("step")
            left.plot(
                base["step"],
                base["mean"],
                linestyle="--",
                color=line.get_color(),
                label=f"{society}, no programme",
            )
    if threshold is not None:
        left.axhline(threshold, color="grey", linewidth=0.8, linestyle=":", label="threshold")
    left.set_title("readiness to negotiate (band: middle 95% of runs)")
    left.set_xlabel("day")
    left.set_ylabel("readiness (0..1)")
    left.legend(fontsize=8)
    line = right.step(started["step"], started["share"], where="post", label="programme")[0]
    right.fill_between(
        started["step"],
        started["low"],
        started["high"],
        step="post",
        color=line.get_color(),
        alpha=0.2,
    )
    if baseline_started is not None:
        right.step(
            baseline_started["step"],
            baseline_started["share"],
            where="post",
            linestyle="--",
            color="black",
            label="no programme",
        )
    right.set_ylim(-0.02, 1.02)
    right.set_title("runs in which negotiation has started (band: Wilson 95%)")
    right.set_xlabel("day")
    right.set_ylabel("share of runs")
    right.legend(fontsize=8)
    if title:
        figure.suptitle(title)
    figure.savefig(path, dpi=110)
    return path


def plot_sweep(
    summary: pd.DataFrame, parameters: Sequence[str], path: Path, *, title: str = ""
) -> Path:
    """Draw a sweep's share of runs started and median start day over its grid.

    ``summary`` has one row per grid point with the ``parameters`` columns and
    ``negotiation_share`` (with ``_low``/``_high``) and ``negotiation_median_day`` (with
    ``negotiation_median_low``/``_high``). One parameter: both against its values, with
    intervals. Two: a heat map of each, the value written in every cell. More than two is
    refused (choose two, or fix the rest).
    """
    names = list(parameters)
    if len(names) not in (1, 2):
        raise ValidationError(
            f"a sweep figure draws one or two parameters, not {len(names)}; sweep fewer"
        )
    figure = Figure(figsize=(11, 4.4), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, 2)
    panels = (
        (
            "negotiation_share",
            "negotiation_share_low",
            "negotiation_share_high",
            "share of runs started",
            "{:.2f}",
        ),
        (
            "negotiation_median_day",
            "negotiation_median_low",
            "negotiation_median_high",
            "median day started (runs that did)",
            "{:.0f}",
        ),
    )
    if len(names) == 1:
        name = names[0]
        labels = [str(v) for v in summary[name]]
        positions = np.arange(len(labels))
        for axis, (measure, low, high, label, _) in zip(axes, panels, strict=True):
            means = summary[measure].to_numpy(dtype=np.float64)
            below = np.nan_to_num(means - summary[low].to_numpy(dtype=np.float64)).clip(0)
            above = np.nan_to_num(summary[high].to_numpy(dtype=np.float64) - means).clip(0)
            axis.errorbar(positions, means, yerr=[below, above], fmt="o-", capsize=3)
            axis.set_xticks(list(positions), labels)
            axis.set_xlabel(name)
            axis.set_title(label)
        axes[0].set_ylim(-0.02, 1.02)
    else:
        rows, columns = names
        for axis, (measure, _, _, label, form) in zip(axes, panels, strict=True):
            table = summary.pivot_table(
                index=rows, columns=columns, values=measure, aggfunc="first", dropna=False
            )
            values = table.to_numpy(dtype=np.float64)
            image = axis.imshow(
                np.ma.masked_invalid(values),
                origin="lower",
                aspect="auto",
                cmap="viridis",
                vmin=0.0 if measure == "negotiation_share" else None,
                vmax=1.0 if measure == "negotiation_share" else None,
            )
            for (i, j), value in np.ndenumerate(values):
                text = "none" if np.isnan(value) else form.format(value)
                axis.text(j, i, text, ha="center", va="center", color="white", fontsize=8)
            axis.set_xticks(range(len(table.columns)), [str(c) for c in table.columns])
            axis.set_yticks(range(len(table.index)), [str(r) for r in table.index])
            axis.set_xlabel(columns)
            axis.set_ylabel(rows)
            axis.set_title(label)
            figure.colorbar(image, ax=axis)
    if title:
        figure.suptitle(title)
    figure.savefig(path, dpi=110)
    return path


def plot_sensitivity(
    indices: pd.DataFrame,
    path: Path,
    *,
    labels: dict[str, str] | None = None,
    title: str = "",
) -> list[Path]:
    """Draw, per outcome, the assumptions with the largest Morris ``mu*``.

    Bars are ``mu*`` with their bootstrap 95% interval, dots ``sigma``; in each panel the
    :data:`SENSITIVITY_SHOWN` largest, scaled to the largest ``mu*`` of that outcome.
    Writes ``path`` as PNG and beside it an SVG; returns both paths.
    """
    if indices.empty:
        raise ValidationError("the sensitivity analysis has no indices to draw")
    outcomes = list(dict.fromkeys(indices["outcome"]))
    figure = Figure(figsize=(7 * min(len(outcomes), 2), 4.8 * ((len(outcomes) + 1) // 2)))
    figure.set_layout_engine("constrained")
    FigureCanvasAgg(figure)
    grid = figure.subplots((len(outcomes) + 1) // 2, min(len(outcomes), 2), squeeze=False)
    for axis, outcome in zip(grid.flat, outcomes, strict=False):
        block = indices[indices["outcome"] == outcome].sort_values("mu_star", ascending=False)
        block = block.head(SENSITIVITY_SHOWN).iloc[::-1]
        largest = float(block["mu_star"].max()) or 1.0
        positions = np.arange(len(block))
        mu_star = block["mu_star"].to_numpy(dtype=np.float64) / largest
        low = block["mu_star_low"].to_numpy(dtype=np.float64) / largest
        high = block["mu_star_high"].to_numpy(dtype=np.float64) / largest
        colours = ["tab:blue" if flag else "tab:grey" for flag in block["influential"]]
        axis.barh(
            positions, mu_star, color=colours, xerr=[mu_star - low, high - mu_star], capsize=2
        )
        axis.plot(
            block["sigma"].to_numpy(dtype=np.float64) / largest,
            positions,
            "k.",
            label="sigma (interactions)",
        )
        axis.set_yticks(list(positions), block["parameter"].tolist(), fontsize=7)
        name = (labels or {}).get(outcome, outcome)
        axis.set_title(f"{name}\n(largest mu* = {largest:.3g})", fontsize=9)
        axis.set_xlabel("mu* / largest mu* (blue: the outcome depends on it)")
        axis.legend(fontsize=7, loc="lower right")
    for axis in list(grid.flat)[len(outcomes) :]:
        axis.set_visible(False)
    if title:
        figure.suptitle(title)
    figure.savefig(path, dpi=110)
    vector = path.with_suffix(".svg")
    figure.savefig(vector)
    return [path, vector]
