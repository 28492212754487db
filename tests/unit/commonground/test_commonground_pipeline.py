"""The whole analysis: frames for notebooks, a JSON-ready record, engine versions."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from tracktwo.engines.commonground import AnalysisParameters, VoteMatrix, analyze
from tracktwo.engines.commonground.agreement import adjusted_rand_index
from tracktwo.engines.commonground.synthetic import BRIDGE, PARTISAN, planted_round
from tracktwo.errors import ValidationError
from tracktwo.research.opinion_map import opinion_map, save_opinion_map


@pytest.fixture(scope="module")
def planted():
    return planted_round(500, 24, 16, n_groups=2, polarised=True, fidelity=0.9, seed=11)


@pytest.fixture(scope="module")
def result(planted):
    return analyze(planted.votes, communities=planted.groups, seed=3)


def test_the_planted_groups_come_out_as_the_opinion_groups(planted, result):
    assert adjusted_rand_index(planted.groups, result.voters["group"]) > 0.95
    assert result.groups["size"].sum() == 500


def test_the_bridge_leads_every_consensus_ranking_and_the_partisan_statement_does_not(result):
    for ranking in (
        result.bridging_ranking(),
        result.cross_community_ranking(),
        result.consensus_ranking(),
    ):
        assert ranking is not None
        order = ranking["statement"].tolist()
        assert order[0] == BRIDGE
        assert order.index(PARTISAN) > 0


def test_the_result_is_json_ready_and_tagged_with_engine_versions(result):
    data = result.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert json.loads(text)["engine_version"] == "commonground/1.1"
    assert data["stability"]["verdict"] in {"stable", "moderate", "unstable", "single-group"}
    assert data["engine_versions"]["polis"] == "commonground/polis-1.0"
    assert data["engine_versions"]["bridging"] == "commonground/bridging-1.0"
    assert data["engine_versions"]["community"] == "commonground/community-2.0"
    assert data["common_ground"]["rule"] == "community-verdict/2"
    assert "at least 50%" in data["common_ground"]["statement_of_rule"]
    assert data["summary"]["groups"] == 2
    assert {"statement", "group_informed_consensus", "bridging", "cross_community"} <= set(
        data["statements"][0]
    )


def test_the_same_seed_gives_the_same_record(planted):
    first = analyze(planted.votes, communities=planted.groups, seed=5).to_dict()
    second = analyze(planted.votes, communities=planted.groups, seed=5).to_dict()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_communities_can_be_given_as_a_mapping_from_voter_id(planted):
    mapping = {
        int(v): f"c{g}" for v, g in zip(planted.votes.voter_ids, planted.groups, strict=True)
    }
    result = analyze(planted.votes, communities=mapping)
    assert set(result.voters["community"]) == {"c0", "c1"}


def test_without_communities_there_is_no_cross_community_ranking(planted):
    result = analyze(planted.votes, params=AnalysisParameters(replay=False))
    assert result.cross_community_ranking() is None
    assert result.community_support is None
    assert "community" not in result.engine_versions


def test_communities_of_the_wrong_length_are_refused(planted):
    with pytest.raises(ValidationError, match="one per voter"):
        analyze(planted.votes, communities=["a", "b"])


def test_an_empty_round_is_refused():
    empty = VoteMatrix.from_dense(np.full((3, 2), np.nan))
    with pytest.raises(ValidationError, match="no votes"):
        analyze(empty)


def test_the_opinion_map_draws_voters_and_statements(result, tmp_path):
    figure = opinion_map(result, statements=True)
    assert len(figure.axes) == 1
    path = save_opinion_map(result, tmp_path / "map.png")
    assert path.stat().st_size > 1000


def test_a_moderated_out_statement_appears_in_no_result(planted):
    moderated = planted.votes.moderated_out.copy()
    moderated[BRIDGE] = True
    votes = dataclasses.replace(planted.votes, moderated_out=moderated)
    result = analyze(votes, communities=planted.groups)
    assert BRIDGE not in set(result.statements["statement"])
    assert BRIDGE not in set(result.representative["statement"])
    assert result.community_support is not None
    assert BRIDGE not in set(result.community_support["statement"])


def test_metadata_statements_are_left_out_of_the_groups_and_every_ranking(planted):
    # ten "demographic" statements split the voters across the planted opinion groups; as
    # ordinary statements they pull the map their way, flagged as metadata (Pol.is's
    # is_meta) they are zeroed out and the planted opinion groups come back
    rng = np.random.default_rng(5)
    n_voters, n_statements = planted.votes.shape
    trait = rng.integers(0, 2, n_voters)
    extra = np.where(trait[:, None] == 1, 1, -1) * np.ones((1, 10), dtype=np.int64)
    frame = planted.votes.to_frame()
    demographic = pd.DataFrame(
        {
            "voter": np.repeat(planted.votes.voter_ids, 10),
            "statement": np.tile(np.arange(n_statements, n_statements + 10), n_voters),
            "vote": extra.ravel(),
        }
    )
    opinions = frame.drop(columns="time", errors="ignore")
    votes = VoteMatrix.from_frame(pd.concat([demographic, opinions]))
    unflagged = analyze(votes, communities=planted.groups)
    flagged_votes = votes.with_meta(list(range(n_statements, n_statements + 10)))
    flagged = analyze(flagged_votes, communities=planted.groups)
    assert adjusted_rand_index(planted.groups, flagged.voters["group"]) > 0.95
    assert adjusted_rand_index(planted.groups, unflagged.voters["group"]) < 0.5
    for table in (flagged.statements, flagged.representative, flagged.community_support):
        assert table is not None
        assert not set(table["statement"]) & set(range(n_statements, n_statements + 10))
    assert flagged.to_dict()["summary"]["metadata_statements"] == 10


def test_naming_an_unknown_metadata_statement_is_refused(planted):
    with pytest.raises(ValidationError, match="metadata statement"):
        planted.votes.with_meta(["no such statement"])
