"""Figures: images over time with Monte Carlo bands, and programme designs compared.

Every figure of a programme carries the no-programme baseline (the same scenario with no
workshops, on the same seeds): dashed lines in the images over time, a design of its own in
the comparison. Drawn with matplotlib's object interface on the Agg canvas: no pyplot
state, no display.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tracktwo.errors import ValidationError

IMAGE_MEASURES = {
    "individual_mean": "image of the individuals met",
    "group_mean": "image of the other group",
}
DESIGN_MEASURES = {
    "participant_group_change": "participants'\ngroup image, change",
    "public_group_change": "the public's\ngroup image, change",
    "participant_standing": "participants'\nstanding at home",
    "ideas_transferred": "ideas held by\ndecision-makers",
    "readiness": "readiness\nto negotiate",
    "negotiation_share": "share of runs in which\nnegotiation started",
    "negotiation_median_day": "day negotiation started\n(median of runs that did)",
}
BASELINE_ROLE = {"participant": "elite"}
"""With no programme there are no participants: their baseline is the pool they come from."""


def plot_images(
    summary: pd.DataFrame,
    path: Path,
    *,
    role: str = "all",
    title: str = "",
    baseline: pd.DataFrame | None = None,
) -> Path:
    """Draw both images over time per society for ``role`` from an images summary.

    Lines are means across runs; the dark band is the 95% Monte Carlo interval of the mean,
    the light band the middle 95% of runs. ``baseline``, the images summary of the same
    scenario with no programme, is drawn dashed in the same colour (for participants, the
    elites they would have been chosen from). Writes ``path`` (PNG) and returns it.
    """
    rows = summary[(summary["role"] == role) & summary["measure"].isin(list(IMAGE_MEASURES))]
    if rows.empty:
        raise ValidationError(f"the summary has no image rows for role {role!r}")
    base_role = BASELINE_ROLE.get(role, role)
    base_rows = (
        baseline[(baseline["role"] == base_role) & baseline["measure"].isin(list(IMAGE_MEASURES))]
        if baseline is not None
        else None
    )
    figure = Figure(figsize=(10, 4.2), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, 2, sharey=True)
    for axis, (measure, label) in zip(axes, IMAGE_MEASURES.items(), strict=True):
        for society, block in rows[rows["measure"] == measure].groupby("society", sort=False):
            block = block.sort_values("step")
            line = axis.plot(block["step"], block["mean"], label=str(society))[0]
            colour = line.get_color()
            axis.fill_between(
                block["step"], block["band_low"], block["band_high"], color=colour, alpha=0.12
            )
            axis.fill_between(
                block["step"], block["ci_low"], block["ci_high"], color=colour, alpha=0.35
            )
            if base_rows is not None:
                base = base_rows[
                    (base_rows["measure"] == measure) & (base_rows["society"] == society)
                ].sort_values("step")
                axis.plot(
                    base["step"],
                    base["mean"],
                    linestyle="--",
                    color=colour,
                    label=f"{society}, no programme"
                    + (f" ({base_role}s)" if base_role != role else ""),
                )
        axis.set_title(label)
        axis.set_xlabel("day")
    axes[0].set_ylabel(f"{role}: mean image (-1 hostile, +1 warm)")
    axes[0].legend(title="society", fontsize=8)
    if title:
        figure.suptitle(title)
    figure.savefig(path, dpi=110)
    return path


def plot_designs(summary: pd.DataFrame, path: Path, *, title: str = "") -> Path:
    """Draw each design's outcomes as dots with 95% intervals, one panel each.

    The design named ``no programme`` (see :func:`~tracktwo.engines.simulation.ensemble.
    programme_designs`) is the baseline; negotiation's panels show the share of runs that
    started (Wilson interval) and the median day of those that did (order-statistic
    interval).
    """
    rows = summary[summary["measure"].isin(list(DESIGN_MEASURES))]
    if rows.empty or "design" not in rows:
        raise ValidationError("the summary has no design rows; use compare_programmes")
    designs = list(dict.fromkeys(rows["design"]))
    figure = Figure(figsize=(16, 1.8 + 0.6 * len(designs)), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(1, len(DESIGN_MEASURES), sharey=True)
    for axis, (measure, label) in zip(axes, DESIGN_MEASURES.items(), strict=True):
        block = rows[rows["measure"] == measure].set_index("design").reindex(designs)
        block = block.astype({"mean": float, "ci_low": float, "ci_high": float})
        positions = range(len(designs))
        axis.errorbar(
            block["mean"],
            list(positions),
            xerr=[
                (block["mean"] - block["ci_low"]).fillna(0.0).clip(lower=0.0),
                (block["ci_high"] - block["mean"]).fillna(0.0).clip(lower=0.0),
            ],
            fmt="o",
            capsize=3,
        )
        axis.set_title(label, fontsize=9)
        axis.set_yticks(list(positions), designs)
    axes[0].invert_yaxis()
    if title:
        figure.suptitle(title)
    figure.savefig(path, dpi=110)
    return path
