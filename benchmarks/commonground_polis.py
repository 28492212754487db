"""Time the whole common-ground analysis of vTaiwan's UberX conversation; score every shared
conversation against Pol.is's own groups.

Baseline, run in the same process: the same analysis without the replay (one Pol.is update
on the final votes, as most ports compute it), so the ratio prices following the
conversation's path. Needs ../shared/data/polis (skipped with a message otherwise).

The participant-metadata statements of each conversation (Pol.is's ``is_meta``, which its
exports do not carry) are named in ``tests/data/polis_metadata.toml`` by one rule for all.

Prints a table, then one line of JSON: the median time of ``REPEATS`` runs of each, their
ratio, the adjusted Rand index of our groups against Pol.is's ``group-id`` on every
conversation (with the metadata flags and the Pol.is math of the export's date, without
either, and without the replay) and their medians, and the peak memory.
"""

from __future__ import annotations

import json
import resource
import statistics
import time
import tomllib
import tracemalloc
from pathlib import Path

import numpy as np

from tracktwo.engines.commonground.agreement import agreement_with_polis
from tracktwo.engines.commonground.pipeline import AnalysisParameters, analyze
from tracktwo.engines.commonground.polis_groups import PolisParameters
from tracktwo.engines.commonground.warm import warm_up
from tracktwo.io.polis import read_export

REPEATS = 7
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polis"
METADATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "polis_metadata.toml"


def metadata_statements() -> dict[str, list[int]]:
    """Return the participant-metadata statement ids of each shared conversation."""
    with METADATA.open("rb") as handle:
        table = tomllib.load(handle)["conversations"]
    return {name: list(entry["meta"]) for name, entry in table.items()}


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
    # compiling (only where the cache is cold) is not part of any analysis's time
    report["compile_s"] = round(warm_up(), 2)
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
    meta = metadata_statements()
    # (metadata flagged, Pol.is math of the export's date, replay)
    variants = {
        "ari": (True, True, True),
        "ari_without_metadata_flags": (False, True, True),
        "ari_todays_math_only": (True, False, True),
        "ari_without_either": (False, False, True),
        "ari_no_replay": (True, True, False),
    }
    scores: dict[str, dict[str, float]] = {key: {} for key in variants}
    for folder in sorted(p for p in SHARED.iterdir() if (p / "participants-votes.csv").is_file()):
        for key, (flagged, dated, follow) in variants.items():
            export = read_export(folder, meta=meta.get(folder.name, []) if flagged else None)
            if export.polis_groups is None or not export.polis_groups.notna().any():
                break
            code = export.polis_code if dated else "current"
            params = AnalysisParameters(polis=PolisParameters(code=code), replay=follow)
            result = analyze(export.votes, params=params)
            ours = dict(zip(result.voters["voter"], result.voters["group"], strict=True))
            scores[key][folder.name] = round(agreement_with_polis(ours, export.polis_groups)[0], 3)
        else:
            name = folder.name
            print(
                f"{name:30s} ARI {scores['ari'][name]:.3f} (Pol.is math of "
                f"{export.polis_code}; without metadata flags "
                f"{scores['ari_without_metadata_flags'][name]:.3f}, with today's math only "
                f"{scores['ari_todays_math_only'][name]:.3f}, without either "
                f"{scores['ari_without_either'][name]:.3f}, no replay "
                f"{scores['ari_no_replay'][name]:.3f})"
            )
    aris = scores["ari"]
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
            **{
                f"{key}_median": round(float(np.median(list(table.values()))), 3)
                for key, table in scores.items()
                if key != "ari"
            },
            **{key: table for key, table in scores.items() if key != "ari"},
            "peak_traced_mb": round(peak / 1e6, 1),
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3, 1),
        }
    )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
