"""Compile every loop of the common-ground engine once, so no analysis waits for the compiler.

numba compiles on first use and caches the result beside the sources; on a new machine the
first analysis would otherwise spend about 15 seconds compiling. ``make`` runs this module
after installing (``python -m tracktwo.engines.commonground.warm``, which first deletes
the old cache: see :func:`clear_cache`). It analyses small synthetic rounds along every
path: the replay under today's and the 2017 math, one update on the final votes, wide
rounds without a Gram matrix, and a clustering large enough for the gridded search.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from tracktwo.engines.commonground.clusters import kmeans
from tracktwo.engines.commonground.pipeline import AnalysisParameters, analyze
from tracktwo.engines.commonground.polis_groups import CODE_2017, PolisParameters
from tracktwo.engines.commonground.replay_votes import ReplayVotes
from tracktwo.engines.commonground.synthetic import planted_round


def warm_up() -> float:
    """Run every compiled path once; return the seconds it took."""
    started = time.perf_counter()
    planted = planted_round(300, 30, 12, seed=1)
    for params in (
        AnalysisParameters(),
        AnalysisParameters(polis=PolisParameters(code=CODE_2017)),
        AnalysisParameters(replay=False),
    ):
        analyze(planted.votes, communities=planted.groups, params=params)
    # a replay of a round too wide for a Gram matrix multiplies over its cells instead
    votes = planted.votes
    store = ReplayVotes(votes.rows, votes.cols, *votes.shape, moments=False)
    store.apply(votes.rows, votes.cols, votes.values.astype(np.float64))
    store.view(*votes.shape)[0].gram(np.ones(votes.shape[1]))
    store.zero_filled(*votes.shape)
    points = np.random.default_rng(3).normal(size=(20_000, 2))
    kmeans(points, 100, max_iters=2)
    kmeans(np.random.default_rng(4).normal(size=(50, 3)), 3)
    return time.perf_counter() - started


def clear_cache() -> int:
    """Delete the engine's cached compiled code; return how many files went.

    numba invalidates a cached function only when its own source file changes, not when
    :mod:`.compiled`'s options do, so a fresh build starts from nothing.
    """
    folder = Path(__file__).resolve().parent / "__pycache__"
    stale = [*folder.glob("*.nbi"), *folder.glob("*.nbc")]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


if __name__ == "__main__":
    cleared = clear_cache()
    print(f"common-ground engine compiled in {warm_up():.1f} s ({cleared} old cache files gone)")
