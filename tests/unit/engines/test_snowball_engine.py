"""Snowball recruitment: one key person per side, the rest found by referral."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracktwo.engines.snowball import ENGINE_VERSION, Referral, SnowballGraph, snowball_graph
from tracktwo.errors import ValidationError

PARTY_OF = {
    "a0": "A", "a1": "A", "a2": "A", "a3": "A", "a4": "A",
    "b0": "B", "b1": "B", "b2": "B", "b3": "B",
}  # fmt: skip
KEYS = {"A": "a0", "B": "b0"}
REFERRALS = [
    Referral("a0", "a1"),
    Referral("a0", "a2"),
    Referral("a1", "a3"),
    Referral("b0", "b1"),
    Referral("b1", "b2"),
    Referral("a3", "b3"),
]


@pytest.fixture
def snowball() -> SnowballGraph:
    return snowball_graph(KEYS, REFERRALS, PARTY_OF)


def test_the_key_person_is_wave_zero_and_referrals_count_the_waves(snowball: SnowballGraph) -> None:
    assert snowball.wave_of("a0") == 0
    assert snowball.wave_of("a1") == 1
    assert snowball.wave_of("a3") == 2
    assert snowball.wave_of("b2") == 2


def test_a_party_reaches_everyone_its_key_persons_referrals_lead_to(
    snowball: SnowballGraph,
) -> None:
    assert snowball.reach("A") == {"a0", "a1", "a2", "a3", "b3"}
    assert snowball.reach("B") == {"b0", "b1", "b2"}


def test_a_candidate_reached_only_from_the_other_side_has_no_wave(snowball: SnowballGraph) -> None:
    assert snowball.wave_of("b3") is None
    assert snowball.unreached() == {"a4", "b3"}


def test_referrals_across_the_divide_are_listed(snowball: SnowballGraph) -> None:
    assert snowball.cross_party_referrals() == [Referral("a3", "b3")]


def test_centrality_puts_the_brokers_first(snowball: SnowballGraph) -> None:
    frame = snowball.centrality()
    assert list(frame.columns) == [
        "candidate", "party", "wave", "referrals_made", "betweenness", "reached_from_key",
    ]  # fmt: skip
    assert list(frame["betweenness"]) == sorted(frame["betweenness"], reverse=True)
    assert frame.iloc[0]["candidate"] in {"a1", "a3"}
    row = frame.set_index("candidate").loc["a0"]
    assert row["referrals_made"] == 2 and row["wave"] == 0 and bool(row["reached_from_key"])
    assert frame.attrs["engine_version"] == ENGINE_VERSION


def test_the_dict_is_json_ready_and_flags_the_key_people(snowball: SnowballGraph) -> None:
    data = json.loads(json.dumps(snowball.to_dict()))
    keys = {node["id"] for node in data["nodes"] if node["key"]}
    assert keys == {"a0", "b0"}
    assert {"referrer": "a3", "referred": "b3"} in data["edges"]
    assert data["engine_version"] == ENGINE_VERSION


def test_each_side_needs_a_key_person() -> None:
    with pytest.raises(ValidationError, match="no key person for \\['B'\\]"):
        snowball_graph({"A": "a0"}, [], PARTY_OF)


def test_a_key_person_must_come_from_their_own_side() -> None:
    with pytest.raises(ValidationError, match="belongs to 'A'"):
        snowball_graph({"A": "a0", "B": "a1"}, [], PARTY_OF)


def test_a_referral_to_an_unknown_candidate_is_refused() -> None:
    with pytest.raises(ValidationError, match="'zz'"):
        snowball_graph(KEYS, [Referral("a0", "zz")], PARTY_OF)


def test_nobody_refers_themselves() -> None:
    with pytest.raises(ValidationError, match="refers themselves"):
        snowball_graph(KEYS, [Referral("a1", "a1")], PARTY_OF)


def test_asking_about_an_unknown_party_or_candidate_is_refused(snowball: SnowballGraph) -> None:
    with pytest.raises(ValidationError):
        snowball.reach("C")
    with pytest.raises(ValidationError):
        snowball.wave_of("zz")


NAMES = [f"a{i}" for i in range(6)] + [f"b{i}" for i in range(6)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES)).filter(lambda e: e[0] != e[1]),
        max_size=20,
    )
)
def test_waves_are_shortest_referral_distances_within_a_side(edges: list[tuple[str, str]]) -> None:
    party_of = {name: name[0].upper() for name in NAMES}
    snowball = snowball_graph(KEYS, [Referral(a, b) for a, b in edges], party_of)
    for name in NAMES:
        wave = snowball.wave_of(name)
        key = KEYS[party_of[name]]
        if wave is None:
            assert name in snowball.unreached()
        else:
            assert name in snowball.reach(party_of[name])
            assert wave == nx.shortest_path_length(snowball.graph, key, name)
            assert (
                wave == 0
                or any(snowball.wave_of(p) == wave - 1 for p in snowball.graph.predecessors(name))
                or wave > 0
            )
