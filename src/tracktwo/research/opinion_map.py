"""The opinion map: voters on Pol.is's two-dimensional projection, coloured by opinion group.

Built on a bare :class:`matplotlib.figure.Figure` (no pyplot, no global backend state), so it
draws the same in a notebook, a web worker or the command line.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from tracktwo.engines.commonground.pipeline import CommonGroundResult
from tracktwo.engines.commonground.polis_pca import CenteredVotes, project_statements

GROUP_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02")
UNCLUSTERED = "#bbbbbb"


def opinion_map(
    result: CommonGroundResult, *, statements: bool = False, title: str | None = None
) -> Figure:
    """Return a figure of the voters (coloured by group, grey if not clustered).

    With ``statements``, each live statement is drawn where agreeing with it alone would
    place a voter (Pol.is's comment projection), labelled by its id.
    """
    figure = Figure(figsize=(7.0, 6.0), layout="constrained")
    axes = figure.add_subplot()
    voters = result.voters
    clustered = voters["group"].to_numpy() >= 0
    axes.scatter(
        voters.loc[~clustered, "x"],
        voters.loc[~clustered, "y"],
        s=6,
        c=UNCLUSTERED,
        label="not clustered",
        alpha=0.6,
    )
    for group in range(result.polis.k):
        members = voters["group"].to_numpy() == group
        colour = GROUP_COLOURS[group % len(GROUP_COLOURS)]
        axes.scatter(
            voters.loc[members, "x"],
            voters.loc[members, "y"],
            s=10,
            c=colour,
            label=f"group {group} ({int(members.sum())})",
            alpha=0.8,
        )
    if statements:
        live = ~result.votes.left_out
        n_columns = result.votes.shape[1]
        data = CenteredVotes(
            values=np.zeros((0, n_columns)),
            seen=np.zeros((0, n_columns)),
            means=result.polis.column_means,
        )
        places = project_statements(data, result.polis.components, n_columns)
        for column in np.flatnonzero(live):
            x, y = places[column, 0], places[column, 1]
            axes.annotate(
                str(result.votes.statement_ids[column]),
                (x, y),
                fontsize=6,
                color="#444444",
                ha="center",
                va="center",
            )
    axes.axhline(0.0, color="#dddddd", linewidth=0.8, zorder=0)
    axes.axvline(0.0, color="#dddddd", linewidth=0.8, zorder=0)
    axes.set_xlabel("first principal component")
    axes.set_ylabel("second principal component")
    axes.set_title(title or f"Opinion map ({result.engine_versions['polis']})")
    axes.legend(loc="best", fontsize=8, frameon=False)
    return figure


def save_opinion_map(
    result: CommonGroundResult, path: str | Path, *, statements: bool = False
) -> Path:
    """Draw the opinion map and write it to ``path`` (format from the extension)."""
    target = Path(path)
    opinion_map(result, statements=statements).savefig(target, dpi=150)
    return target
