"""Time the whole common-ground analysis of vTaiwan's UberX conversation; score every shared
conversation against Pol.is's own groups.

Baseline, run in the same process: the same analysis without the replay (one Pol.is update
on the final votes, as most ports compute it), so the ratio prices following the
conversation's path. Needs ../shared/data/polis (skipped with a message otherwise).

Prints a table, then one line of JSON: the median time of ``REPEATS`` runs of each, their
ratio, the adjusted Rand index of our groups against Pol.is's ``group-id`` on every
conversation (with and without the replay) and their median, and the peak memory.
"""

from __future__ import annotations

import json
import resource
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np

from tracktwo.engines.commonground.agreement import agreement_with_polis
from tracktwo.engines.commonground.pipeline import AnalysisParameters, analyze
from tracktwo.engines.commonground.polis_export import read_export

REPEATS = 7
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polis"


def median_time(votes: object, params: AnalysisParameters) -> float:
    """Return the median wall time of ``REPEATS`` full analyses."""
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        analyze(votes, params=params)  # type: ignore[arg-type]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    """Time vTaiwan, score every conversation, print the table and one JSON line."""
    report: dict[str, object] = {"benchmark": "commonground_polis", "baseline": "no-replay"}
    if not (SHARED / "vtaiwan.uberx").is_dir():
        print(f"skipped: the Pol.is conversations are not at {SHARED}")
        report["skipped"] = str(SHARED)
        print(json.dumps(report))
        return
    votes = read_export(SHARED / "vtaiwan.uberx").votes
    replayed = median_time(votes, AnalysisParameters())
    snapshot = median_time(votes, AnalysisParameters(replay=False))
    tracemalloc.start()
    analyze(votes)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"vtaiwan.uberx ({votes.n_votes} votes): analysis {replayed:.3f} s with replay, "
        f"{snapshot:.3f} s without ({replayed / snapshot:.1f}x)"
    )
    aris: dict[str, float] = {}
    snapshot_aris: dict[str, float] = {}
    for folder in sorted(p for p in SHARED.iterdir() if (p / "participants-votes.csv").is_file()):
        export = read_export(folder)
        if export.polis_groups is None or not export.polis_groups.notna().any():
            continue
        for params, scores in (
            (AnalysisParameters(), aris),
            (AnalysisParameters(replay=False), snapshot_aris),
        ):
            result = analyze(export.votes, params=params)
            ours = dict(zip(result.voters["voter"], result.voters["group"], strict=True))
            scores[folder.name] = round(agreement_with_polis(ours, export.polis_groups)[0], 3)
        name = folder.name
        print(f"{name:32s} ARI {aris[name]:.3f} (no replay {snapshot_aris[name]:.3f})")
    values = np.array(list(aris.values()))
    report.update(
        {
            "vtaiwan_votes": votes.n_votes,
            "vtaiwan_median_s": round(replayed, 4),
            "vtaiwan_no_replay_median_s": round(snapshot, 4),
            "replay_over_no_replay": round(replayed / snapshot, 2),
            "ari": aris,
            "ari_median": round(float(np.median(values)), 3),
            "ari_min": round(float(values.min()), 3),
            "ari_no_replay": snapshot_aris,
            "ari_no_replay_median": round(float(np.median(list(snapshot_aris.values()))), 3),
            "peak_traced_mb": round(peak / 1e6, 1),
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3, 1),
        }
    )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
