"""Our opinion groups against Pol.is's own, on every public conversation in ../shared/data/polis.

One set of parameters, Pol.is's own (``PolisParameters()``), for every conversation. The
adjusted Rand index is taken over the voters both sides clustered; each conversation's
figure is printed (``pytest -s`` shows them). Each conversation's participant-metadata
statements (Pol.is's ``is_meta``, absent from its exports) are named in
``tests/data/polis_metadata.toml`` by one rule for all; Pol.is zeroes them out of its map,
and so do we. See docs/commonground.md for the figures and what limits them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from tracktwo.engines.commonground.agreement import agreement_with_polis
from tracktwo.engines.commonground.pipeline import analyze
from tracktwo.engines.commonground.polis_export import PolisExport
from tracktwo.engines.commonground.polis_groups import PolisGroups, replay, snapshot
from tracktwo.io.polis import read_export

# The goal: a median of 0.9 and nothing below 0.7 (reached 2026-11-25: median 0.901, min
# 0.867). Without the metadata flags and Pol.is's 2017 math: median 0.884, min 0.105.
MEDIAN_AT_LEAST = 0.90
EACH_AT_LEAST = 0.70
METADATA = Path(__file__).resolve().parents[1] / "data" / "polis_metadata.toml"


def metadata_statements() -> dict[str, list[int]]:
    with METADATA.open("rb") as handle:
        table = tomllib.load(handle)["conversations"]
    return {name: list(entry["meta"]) for name, entry in table.items()}


def conversations(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if (p / "participants-votes.csv").is_file())


@pytest.fixture(scope="module")
def replays(polis_data_dir: Path) -> dict[str, tuple[PolisExport, PolisGroups]]:
    """Replay every conversation Pol.is clustered, once for the whole module."""
    found = {}
    meta = metadata_statements()
    for folder in conversations(polis_data_dir):
        export = read_export(folder, meta=meta.get(folder.name, []))
        if export.polis_groups is not None and export.polis_groups.notna().any():
            found[folder.name] = (export, replay(export.votes, export.polis_parameters()))
    return found


@pytest.fixture(scope="module")
def agreements(replays) -> dict[str, tuple[float, int]]:
    scores = {}
    for name, (export, groups) in replays.items():
        assert export.polis_groups is not None
        ours = dict(zip(export.votes.voter_ids, groups.groups, strict=True))
        scores[name] = agreement_with_polis(ours, export.polis_groups)
    return scores


def test_our_groups_agree_with_pol_is_on_every_clustered_conversation(agreements):
    for name, (ari, n) in sorted(agreements.items()):
        print(f"ARI {name}: {ari:.3f} over {n} voters")
    values = np.array([ari for ari, _ in agreements.values()])
    print(f"ARI median {np.median(values):.3f}, min {values.min():.3f}")
    assert len(values) >= 1
    assert np.median(values) >= MEDIAN_AT_LEAST
    assert values.min() >= EACH_AT_LEAST


def test_everyone_pol_is_clusters_under_todays_rule_is_clustered_by_us(replays):
    for name, (export, result) in replays.items():
        assert export.polis_groups is not None
        votes = export.votes
        counts = dict(zip(votes.voter_ids, votes.votes_per_voter(), strict=True))
        threshold = min(7, int((np.bincount(votes.cols, minlength=votes.shape[1]) > 0).sum()))
        groups = dict(zip(votes.voter_ids, result.groups, strict=True))
        theirs = export.polis_groups.dropna().index
        due = [p for p in theirs if counts.get(p, 0) >= threshold]
        missed = [p for p in due if groups.get(p, -1) < 0]
        assert due, f"{name}: nobody to check"
        assert not missed, f"{name}: Pol.is clustered {missed[:5]} and we did not"


def test_every_shared_conversation_has_its_metadata_statements_named(polis_data_dir):
    meta = metadata_statements()
    names = {folder.name for folder in conversations(polis_data_dir)}
    assert names <= set(meta), f"name the metadata statements of {sorted(names - set(meta))}"


def test_the_2017_conversations_are_followed_with_pol_is_2017_math(replays, agreements):
    # freshwater and brexit ended in summer 2017, before Pol.is filled missing votes with
    # column means and counted votes on the raw matrix: its 2017 math clustered voters with
    # fewer than 7 votes, and so do we when we follow it (today's math cannot); freshwater
    # falls to 0.71 with today's math
    for name in ("brexit-consensus", "scoop-hivemind.freshwater"):
        if name in replays:
            export, result = replays[name]
            assert export.polis_code == "2017"
            assert export.polis_groups is not None
            ours = dict(zip(export.votes.voter_ids, result.groups, strict=True))
            theirs = export.polis_groups.dropna().index
            assert all(ours.get(p, -1) >= 0 for p in theirs), f"{name}: missed some"
    if "scoop-hivemind.freshwater" in replays:
        export, _ = replays["scoop-hivemind.freshwater"]
        today = replay(export.votes)
        ours = dict(zip(export.votes.voter_ids, today.groups, strict=True))
        assert export.polis_groups is not None
        today_ari = agreement_with_polis(ours, export.polis_groups)[0]
        assert agreements["scoop-hivemind.freshwater"][0] >= today_ari + 0.2
    for name, (export, _) in replays.items():
        if name not in ("brexit-consensus", "scoop-hivemind.freshwater"):
            assert export.polis_code == "current"


def test_the_metadata_flags_are_what_brings_london_and_freshwater_within_reach(
    polis_data_dir, agreements
):
    # without the flags these two stay far below (0.105 and 0.133): their demographic
    # statements dominate a map that Pol.is drew without them
    for name in ("london.youth.policing", "scoop-hivemind.freshwater"):
        if (polis_data_dir / name).is_dir():
            export = read_export(polis_data_dir / name)
            plain = replay(export.votes, export.polis_parameters())
            ours = dict(zip(export.votes.voter_ids, plain.groups, strict=True))
            assert export.polis_groups is not None
            without = agreement_with_polis(ours, export.polis_groups)[0]
            assert agreements[name][0] >= without + 0.5


def test_the_whole_analysis_runs_on_a_real_conversation(polis_data_dir):
    export = read_export(polis_data_dir / "brexit-consensus")
    result = analyze(export.votes)
    data = result.to_dict()
    assert data["summary"]["groups"] == result.polis.k >= 2
    assert len(result.representative) >= result.polis.k
    top = result.consensus_ranking()["statement"].iloc[0]
    assert not export.votes.moderated_out[list(export.votes.statement_ids).index(top)]


@pytest.fixture(scope="module")
def final_state(polis_data_dir: Path) -> dict[str, float]:
    """The default for rounds and imports: groups from the final votes, no replay."""
    found = {}
    meta = metadata_statements()
    for folder in conversations(polis_data_dir):
        export = read_export(folder, meta=meta.get(folder.name, []))
        if export.polis_groups is None or not export.polis_groups.notna().any():
            continue
        groups = snapshot(export.votes, export.polis_parameters())
        ours = dict(zip(export.votes.voter_ids, groups.groups, strict=True))
        found[folder.name] = agreement_with_polis(ours, export.polis_groups)[0]
    return found


def test_the_final_state_default_agrees_with_pol_is(final_state, agreements) -> None:
    """Printed with the replay's figures and leave-one-out medians of both (pytest -s)."""
    for name in sorted(final_state):
        print(f"final votes {name}: {final_state[name]:.3f}  replay {agreements[name][0]:.3f}")
    values = np.array(list(final_state.values()))
    print(f"final votes: median {np.median(values):.3f}, min {values.min():.3f}")
    for left_out in sorted(final_state):
        rest = [final_state[n] for n in final_state if n != left_out]
        replayed = [agreements[n][0] for n in agreements if n != left_out]
        print(f"without {left_out}: final {np.median(rest):.3f}, replay {np.median(replayed):.3f}")
    assert np.median(values) >= MEDIAN_AT_LEAST
