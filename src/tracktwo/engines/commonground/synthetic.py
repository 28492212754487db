"""Synthetic feedback rounds with planted opinion groups, for tests, benchmarks and notebooks.

Each voter belongs to one of ``n_groups`` planted groups (which are also the communities);
each group has a stance on every statement, drawn at random, and a voter agrees with a
statement its group supports with probability ``fidelity`` (disagrees otherwise, or passes
with probability ``pass_rate``). Two statements can be planted on top: ``bridge`` (index 0)
that every group supports, and ``partisan`` (index 1) that only group 0 supports. Voters
arrive one after another, each casting their votes in a burst, so the round can be replayed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tracktwo.engines.commonground.votes import VoteMatrix

BRIDGE = 0
PARTISAN = 1


@dataclass(frozen=True, eq=False)
class PlantedRound:
    """A synthetic round: its ``votes``, each voter's planted ``groups`` (n_voters,) and the
    ``stances`` (n_groups, n_statements) in {-1, 1} the groups were drawn from."""

    votes: VoteMatrix
    groups: npt.NDArray[np.int64]
    stances: npt.NDArray[np.int8]


def planted_round(
    n_voters: int,
    n_statements: int,
    votes_per_voter: int,
    *,
    n_groups: int = 2,
    fidelity: float = 0.85,
    pass_rate: float = 0.05,
    plant_bridge: bool = True,
    polarised: bool = False,
    popularity: float = 0.0,
    seed: int = 0,
) -> PlantedRound:
    """Draw a round with planted groups; vectorised, so 10^6 voters and 10^7 votes take seconds.

    With ``plant_bridge``, statement 0 is supported by every group and statement 1 by group
    0 only, and every voter votes on both, so their support is well measured. With
    ``polarised``, every other statement is supported by exactly one group (statement j by
    group j mod n_groups), so the bridge is the only statement every group supports.
    ``popularity`` > 0 makes statement j drawn with weight ``(j + 1) ** -popularity`` (a few
    statements seen by many, as in real rounds); 0 draws them uniformly.
    """
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, n_groups, n_voters).astype(np.int64)
    stances = rng.choice(np.array([-1, 1], dtype=np.int8), size=(n_groups, n_statements))
    if polarised:
        owner = np.arange(n_statements) % n_groups
        stances = np.where(owner[None, :] == np.arange(n_groups)[:, None], 1, -1).astype(np.int8)
    if plant_bridge and n_statements >= 2:
        stances[:, BRIDGE] = 1
        stances[:, PARTISAN] = -1
        stances[0, PARTISAN] = 1
    per_voter = min(votes_per_voter, n_statements)
    rows = np.repeat(np.arange(n_voters, dtype=np.int64), per_voter)
    if popularity > 0.0:
        weights = np.arange(1, n_statements + 1, dtype=np.float64) ** -popularity
        cumulative = np.cumsum(weights / weights.sum())
        cols = np.searchsorted(cumulative, rng.random(rows.size) * cumulative[-1])
        cols = np.minimum(cols, n_statements - 1).astype(np.int64)
    else:
        cols = rng.integers(0, n_statements, rows.size).astype(np.int64)
    if plant_bridge and n_statements >= 2 and per_voter >= 2:
        first = np.arange(n_voters) * per_voter
        cols[first] = BRIDGE
        cols[first + 1] = PARTISAN
    keys = np.unique(rows * n_statements + cols)
    rows, cols = keys // n_statements, keys % n_statements
    stance = stances[groups[rows], cols].astype(np.int8)
    draw = rng.random(rows.size)
    values = np.where(draw < fidelity, stance, -stance).astype(np.int8)
    values[draw > 1.0 - pass_rate] = 0
    # voters arrive in order, one per 60 s, their votes a second apart
    within = (np.arange(rows.size) - np.searchsorted(rows, rows)).astype(np.float64)
    times = np.asarray(rows * 60.0 + within, dtype=np.float64)
    return PlantedRound(
        votes=VoteMatrix(
            voter_ids=np.arange(n_voters, dtype=np.int64),
            statement_ids=np.arange(n_statements, dtype=np.int64),
            rows=rows,
            cols=cols,
            values=values,
            times=times,
        ),
        groups=groups,
        stances=stances,
    )
