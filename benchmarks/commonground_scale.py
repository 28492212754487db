"""Time the common-ground analysis of synthetic rounds with planted groups at 10^5 and 10^6 voters.

10,000 statements, 12 votes drawn per voter (statement popularity skewed as in real rounds,
repeats dropped), so the top size holds about 10^7 votes. Two planted groups, each
supporting half the statements, plus a bridge every group supports. Above
``replay_max_cells`` the Pol.is part computes one update on the final votes, sparse.

Baseline, run in the same process: the 10^5 round, so the ratio shows how the time grows
with ten times the voters and votes. A Rich progress bar follows the stages. Prints one line
of JSON with the times, the process's maximum resident set after each size (the rounds
themselves included), the ARI of the planted groups and the purity of our groups (share of
voters in a group whose planted majority is their own: 1.0 when our groups only split the
planted ones).
"""

from __future__ import annotations

import json
import resource
import time

import numpy as np
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from tracktwo.engines.commonground.agreement import adjusted_rand_index
from tracktwo.engines.commonground.pipeline import analyze
from tracktwo.engines.commonground.synthetic import BRIDGE, planted_round
from tracktwo.engines.commonground.warm import warm_up

SIZES = (100_000, 1_000_000)
STATEMENTS = 10_000
VOTES_PER_VOTER = 12


def purity(planted: np.ndarray, found: np.ndarray) -> float:
    """Return the share of voters whose found group's most common planted group is theirs."""
    table = np.zeros((found.max() + 1, planted.max() + 1))
    np.add.at(table, (found, planted), 1)
    return float(table.max(axis=1).sum() / len(found))


def main() -> None:
    """Generate and analyse each size, print one JSON line."""
    report: dict[str, object] = {"benchmark": "commonground_scale", "baseline": "1e5 voters"}
    # compiling (only where the cache is cold) is not part of any analysis's time
    report["compile_s"] = round(warm_up(), 2)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=True
    ) as progress:
        task = progress.add_task("common ground at scale", total=2 * len(SIZES))
        for size in SIZES:
            progress.update(task, description=f"{size:,} voters: drawing the round")
            planted = planted_round(
                size,
                STATEMENTS,
                VOTES_PER_VOTER,
                n_groups=2,
                polarised=True,
                popularity=0.8,
                seed=size,
            )
            progress.advance(task)
            progress.update(task, description=f"{size:,} voters: analysing")
            started = time.perf_counter()
            result = analyze(planted.votes, communities=planted.groups)
            seconds = time.perf_counter() - started
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
            progress.advance(task)
            clustered = result.polis.groups >= 0
            report[f"{size:.0e}"] = {
                "voters": size,
                "statements": STATEMENTS,
                "votes": planted.votes.n_votes,
                "seconds": round(seconds, 2),
                "max_rss_gb_so_far": round(rss, 3),
                "groups": result.polis.k,
                "ari_planted": round(
                    adjusted_rand_index(planted.groups[clustered], result.polis.groups[clustered]),
                    3,
                ),
                "purity": round(
                    purity(planted.groups[clustered], result.polis.groups[clustered]), 3
                ),
                "bridge_rank_bridging": int(
                    result.bridging_ranking()["statement"].tolist().index(BRIDGE)
                ),
            }
            print(f"{size:,} voters, {planted.votes.n_votes:,} votes: {seconds:.1f} s, "
                  f"max resident {rss:.2f} GB so far")  # fmt: skip
            del planted, result
    small, large = report[f"{SIZES[0]:.0e}"], report[f"{SIZES[-1]:.0e}"]
    assert isinstance(small, dict) and isinstance(large, dict)
    report["time_ratio_1e6_over_1e5"] = round(large["seconds"] / small["seconds"], 2)
    report["max_rss_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 3)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
