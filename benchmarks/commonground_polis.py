"""Time the whole common-ground analysis of vTaiwan's UberX conversation; score every shared
conversation against Pol.is's own groups.

Baseline, run in the same process: the bare analysis on the final votes (one Pol.is update,
no stability score, no bridging band). Ratios against it price the default (final votes,
with the groups' stability over 20 resamples and the bridging band over 30), the stability
score alone, the band alone, and the replay of the conversation's path (the option).
Needs ../shared/data/polis (skipped with a message otherwise).

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
    report: dict[str, object] = {
        "benchmark": "commonground_polis",
        "baseline": "final votes, no stability, no band",
    }
    if not (SHARED / "vtaiwan.uberx").is_dir():
        print(f"skipped: the Pol.is conversations are not at {SHARED}")
        report["skipped"] = str(SHARED)
        print(json.dumps(report))
        return
    # compiling (only where the cache is cold) is not part of any analysis's time
    report["compile_s"] = round(warm_up(), 2)
    votes = read_export(SHARED / "vtaiwan.uberx").votes
    bare = median_time(votes, AnalysisParameters(stability_draws=0, bridging_draws=0))
    default = median_time(votes, AnalysisParameters())
    stability_only = median_time(votes, AnalysisParameters(bridging_draws=0))
    band_only = median_time(votes, AnalysisParameters(stability_draws=0))
    replayed = median_time(votes, AnalysisParameters(replay=True))
    tracemalloc.start()
    analyze(votes)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"vtaiwan.uberx ({votes.n_votes} votes): bare {bare:.3f} s; default {default:.3f} s "
        f"({default / bare:.1f}x: stability {stability_only - bare:+.3f} s, band "
        f"{band_only - bare:+.3f} s); with the replay {replayed:.3f} s ({replayed / bare:.1f}x)"
    )
    meta = metadata_statements()
    # (metadata flagged, Pol.is math of the export's date, replay); "ari" is the default
    variants = {
        "ari": (True, True, False),
        "ari_without_metadata_flags": (False, True, False),
        "ari_todays_math_only": (True, False, False),
        "ari_without_either": (False, False, False),
        "ari_replay": (True, True, True),
    }
    scores: dict[str, dict[str, float]] = {key: {} for key in variants}
    for folder in sorted(p for p in SHARED.iterdir() if (p / "participants-votes.csv").is_file()):
        for key, (flagged, dated, follow) in variants.items():
            export = read_export(folder, meta=meta.get(folder.name, []) if flagged else None)
            if export.polis_groups is None or not export.polis_groups.notna().any():
                break
            code = export.polis_code if dated else "current"
            params = AnalysisParameters(
                polis=PolisParameters(code=code),
                replay=follow,
                stability_draws=0,
                bridging_draws=0,
            )
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
                f"{scores['ari_without_either'][name]:.3f}, replay "
                f"{scores['ari_replay'][name]:.3f})"
            )
    aris = scores["ari"]
    values = np.array(list(aris.values()))
    report.update(
        {
            "vtaiwan_votes": votes.n_votes,
            "vtaiwan_bare_median_s": round(bare, 4),
            "vtaiwan_default_median_s": round(default, 4),
            "vtaiwan_replay_median_s": round(replayed, 4),
            "default_over_bare": round(default / bare, 2),
            "stability_cost_s": round(stability_only - bare, 4),
            "stability_over_bare": round(stability_only / bare, 2),
            "band_cost_s": round(band_only - bare, 4),
            "band_over_bare": round(band_only / bare, 2),
            "replay_over_bare": round(replayed / bare, 2),
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
