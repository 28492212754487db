"""Time the exact composition against a greedy top-k baseline and a smaller exact pool.

Baselines, run in the same process on the same seeded pool:

- ``greedy``: per party, the ``per_party`` highest weighted scores among committed
  candidates, ignoring every other rule (what a facilitator would do by sorting a sheet);
- ``milp_50``: the same exact composition on the first 50 candidates of each party.

Prints a table, then one line of JSON with the medians, the ratios, the objective of the
exact composition relative to greedy's, the peak memory traced by Python during one
``compose`` (HiGHS's own C allocations are not traced) and the process's maximum resident set.
Each ``compose`` includes one re-solve per constraint in force, to price it.
"""

from __future__ import annotations

import json
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence

import numpy as np

from tracktwo.domain.vocabulary import Role
from tracktwo.engines.composition import (
    CompositionCandidate,
    CompositionRules,
    compose,
)

PARTIES = ("A", "B")
POOL_PER_PARTY = 200
SMALL_POOL_PER_PARTY = 50
REPEATS = 5
SEED = 20240601


def seeded_pool(per_party: int, seed: int = SEED) -> list[CompositionCandidate]:
    """Build a reproducible pool: roles uniform, scores uniform on 0..1, 90% committed."""
    rng = np.random.default_rng(seed)
    roles = list(Role)
    pool = []
    for party in PARTIES:
        for i in range(per_party):
            influence, credibility, openness, status = rng.random(4)
            pool.append(
                CompositionCandidate(
                    id=f"{party}{i:03d}",
                    party=party,
                    role=roles[int(rng.integers(len(roles)))],
                    influence=float(influence),
                    credibility=float(credibility),
                    openness=float(openness),
                    status=float(status),
                    committed=bool(rng.random() < 0.9),
                )
            )
    return pool


def greedy(
    candidates: Sequence[CompositionCandidate], rules: CompositionRules
) -> dict[str, list[CompositionCandidate]]:
    """Return the top ``per_party`` committed candidates of each party by weighted score."""
    chosen = {}
    for party in PARTIES:
        committed = [c for c in candidates if c.party == party and c.committed]
        committed.sort(key=lambda c: -c.score(rules.weights))
        chosen[party] = committed[: rules.per_party]
    return chosen


def median_seconds(run: Callable[[], object]) -> float:
    """Return the median wall time of ``REPEATS`` runs, after one warm-up run."""
    run()
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _print_table(rows: list[tuple[str, float, float]]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # rich is a dependency, but a plain table is enough without it
        for name, seconds, objective in rows:
            print(f"{name:<28} {seconds * 1000:>10.2f} ms  objective {objective:.3f}")
        return
    table = Table(title="composition: exact MILP against baselines")
    table.add_column("run")
    table.add_column("median ms", justify="right")
    table.add_column("objective", justify="right")
    for name, seconds, objective in rows:
        table.add_row(name, f"{seconds * 1000:.2f}", f"{objective:.3f}")
    Console().print(table)


def main() -> None:
    """Run the benchmark and print the table and the JSON line."""
    rules = CompositionRules()
    pool = seeded_pool(POOL_PER_PARTY)
    small = [c for c in pool if int(c.id[1:]) < SMALL_POOL_PER_PARTY]

    tracemalloc.start()
    exact = compose(pool, PARTIES, rules)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    greedy_choice = greedy(pool, rules)
    greedy_objective = sum(c.score(rules.weights) for cs in greedy_choice.values() for c in cs)
    small_objective = compose(small, PARTIES, rules).objective

    compose_s = median_seconds(lambda: compose(pool, PARTIES, rules))
    greedy_s = median_seconds(lambda: greedy(pool, rules))
    small_s = median_seconds(lambda: compose(small, PARTIES, rules))

    _print_table(
        [
            (f"compose, {POOL_PER_PARTY} per party", compose_s, exact.objective),
            (f"greedy top-k, {POOL_PER_PARTY} per party", greedy_s, greedy_objective),
            (f"compose, {SMALL_POOL_PER_PARTY} per party", small_s, small_objective),
        ]
    )
    print(
        json.dumps(
            {
                "benchmark": "composition",
                "pool_per_party": POOL_PER_PARTY,
                "per_party": rules.per_party,
                "compose_median_s": round(compose_s, 6),
                "greedy_median_s": round(greedy_s, 6),
                "compose_50_median_s": round(small_s, 6),
                "ratio_to_greedy": round(compose_s / greedy_s, 2),
                "ratio_to_compose_50": round(compose_s / small_s, 2),
                "objective_ratio_to_greedy": round(exact.objective / greedy_objective, 4),
                "greedy_status_gap": round(
                    abs(
                        statistics.mean(c.status for c in greedy_choice["A"])
                        - statistics.mean(c.status for c in greedy_choice["B"])
                    ),
                    4,
                ),
                "compose_status_gap": round(exact.status_gap, 4),
                "peak_memory_mib": round(peak / 2**20, 2),
                "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "solves_per_compose": 1 + len(exact.constraints),
            }
        )
    )


if __name__ == "__main__":
    main()
