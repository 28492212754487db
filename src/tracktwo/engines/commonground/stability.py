"""How far to trust the opinion groups: their stability under resampling of the voters.

Opinion groups from a few hundred voters can be an artefact of who happened to vote. Each
group gets Hennig's clusterwise stability ("Cluster-wise assessment of cluster stability",
Computational Statistics & Data Analysis 52, 2007): the voters are resampled with
replacement (seeded), the groups are found again from the final votes of the resample, and
for each original group the Jaccard similarity with its best match among the new groups is
averaged over the resamples. Hennig's reading, used here as the thresholds: a group whose
mean Jaccard is below 0.6 should not be trusted (a grouping with such a group is called
unstable), from 0.75 it is stable. The grouping's score is its least stable group's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracktwo.engines.commonground.polis_groups import PolisGroups, PolisParameters, snapshot
from tracktwo.engines.commonground.votes import VoteMatrix

STABLE_FROM = 0.75
UNSTABLE_BELOW = 0.6
DRAWS = 20
METHOD = (
    "Hennig's clusterwise stability: mean Jaccard similarity of each group with its best "
    "match over bootstrap resamples of the voters (final votes, seeded)"
)


@dataclass(frozen=True)
class Stability:
    """Each group's stability (``groups``: group, stability) and the grouping's verdict."""

    groups: pd.DataFrame
    score: float
    verdict: str
    draws: int

    def sentence(self) -> str:
        """Say in one sentence how far the grouping can be trusted."""
        if np.isnan(self.score):
            return "There is only one opinion group: nothing to test for stability."
        figure = f"{self.score:.2f}"
        if self.verdict == "unstable":
            return (
                f"The opinion groups are unstable (stability {figure}, below "
                f"{UNSTABLE_BELOW}): other voters of the same kind would likely be grouped "
                "otherwise; do not read much into them."
            )
        if self.verdict == "stable":
            return f"The opinion groups are stable (stability {figure}, from {STABLE_FROM})."
        return (
            f"The opinion groups are only moderately stable (stability {figure}): read them "
            "as a rough pattern."
        )


def _verdict(score: float) -> str:
    if np.isnan(score):
        return "single-group"
    if score < UNSTABLE_BELOW:
        return "unstable"
    return "stable" if score >= STABLE_FROM else "moderate"


def group_stability(
    votes: VoteMatrix,
    found: PolisGroups,
    params: PolisParameters,
    seed: int = 0,
    draws: int = DRAWS,
) -> Stability:
    """Return each group of ``found`` with its clusterwise stability over ``draws`` resamples."""
    groups = found.groups
    k = int(found.k)
    rng = np.random.default_rng([seed, 7919])
    n = len(groups)
    totals = np.zeros(k)
    counted = np.zeros(k)
    for _ in range(draws if k >= 2 else 0):
        picked = np.sort(rng.integers(0, n, n))
        again = snapshot(votes.take_voters(picked), params, int(rng.integers(2**31))).groups
        # One label per original voter present: that of its first copy in the resample.
        present, first = np.unique(picked, return_index=True)
        theirs = again[first]
        ours = groups[present]
        for group in range(k):
            mine = ours == group
            if not mine.any():
                continue
            best = 0.0
            for other in np.unique(theirs[theirs >= 0]):
                match = theirs == other
                union = np.count_nonzero(mine | match)
                best = max(best, np.count_nonzero(mine & match) / union)
            totals[group] += best
            counted[group] += 1
    stability = np.divide(totals, counted, out=np.full(k, np.nan), where=counted > 0)
    score = float(np.nanmin(stability)) if k >= 2 and np.isfinite(stability).any() else np.nan
    frame = pd.DataFrame({"group": np.arange(k), "stability": stability})
    return Stability(groups=frame, score=score, verdict=_verdict(score), draws=draws)
