"""Recruitment by snowball: one key person per side, then referrals in consultation (seed 3).

The third party first chooses one key person on each side; the rest of the team is found by
referral, consulting that person (Kelman 1996: 506). The referral graph is kept so that the
facilitators can see whom each side's network reached, in how many waves, and who brokered it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import networkx as nx
import pandas as pd

from tracktwo.errors import ValidationError

ENGINE_VERSION = "snowball/1.0"


@dataclass(frozen=True, order=True)
class Referral:
    """One candidate naming another; both are candidate ids."""

    referrer: str
    referred: str


@dataclass(frozen=True, eq=False)
class SnowballGraph:
    """The referral graph: nodes are candidates (attribute ``party``), edges are referrals.

    A candidate's wave is the referral distance from the key person of their own party
    (0 for the key person); a candidate the own key person's network never reached has no wave.
    """

    graph: nx.DiGraph
    key_people: Mapping[str, str]
    engine_version: str = field(default=ENGINE_VERSION)

    @cached_property
    def _waves(self) -> dict[str, int]:
        waves: dict[str, int] = {}
        for party, key in self.key_people.items():
            distances = nx.single_source_shortest_path_length(self.graph, key)
            for candidate, distance in distances.items():
                if self.graph.nodes[candidate]["party"] == party:
                    waves[candidate] = int(distance)
        return waves

    def _require_candidate(self, candidate: str) -> None:
        if candidate not in self.graph:
            raise ValidationError(
                f"candidate {candidate!r} is not in the referral graph; add them to party_of"
            )

    def reach(self, party: str) -> frozenset[str]:
        """Return every candidate reachable by referral from that party's key person."""
        if party not in self.key_people:
            raise ValidationError(
                f"party {party!r} has no key person; known parties: {sorted(self.key_people)}"
            )
        key = self.key_people[party]
        return frozenset(nx.descendants(self.graph, key)) | {key}

    def wave_of(self, candidate: str) -> int | None:
        """Return the referral distance from the own party's key person, or None if unreached."""
        self._require_candidate(candidate)
        return self._waves.get(candidate)

    def unreached(self) -> frozenset[str]:
        """Return the candidates whom their own party's key person's network never reached."""
        return frozenset(c for c in self.graph.nodes if c not in self._waves)

    def cross_party_referrals(self) -> list[Referral]:
        """Return the referrals from a member of one party to a member of another, sorted."""
        parties = nx.get_node_attributes(self.graph, "party")
        return sorted(Referral(a, b) for a, b in self.graph.edges if parties[a] != parties[b])

    def centrality(self) -> pd.DataFrame:
        """Return one row per candidate, most brokering first.

        Columns: candidate, party, wave (nullable integer), referrals_made, betweenness
        (normalised betweenness centrality on the directed referral graph, 0..1),
        reached_from_key.
        """
        betweenness = nx.betweenness_centrality(self.graph, normalized=True)
        rows = [
            {
                "candidate": candidate,
                "party": data["party"],
                "wave": self._waves.get(candidate),
                "referrals_made": int(self.graph.out_degree(candidate)),
                "betweenness": float(betweenness[candidate]),
                "reached_from_key": candidate in self._waves,
            }
            for candidate, data in self.graph.nodes(data=True)
        ]
        columns = ["candidate", "party", "wave", "referrals_made", "betweenness"]
        frame = pd.DataFrame(rows, columns=[*columns, "reached_from_key"])
        frame["wave"] = frame["wave"].astype("Int64")
        frame = frame.sort_values(
            ["betweenness", "candidate"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)
        frame.attrs["engine_version"] = self.engine_version
        return frame

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping of nodes (party, wave, key flag) and edges."""
        keys = set(self.key_people.values())
        return {
            "engine_version": self.engine_version,
            "key_people": dict(self.key_people),
            "nodes": [
                {
                    "id": candidate,
                    "party": data["party"],
                    "wave": self._waves.get(candidate),
                    "key": candidate in keys,
                }
                for candidate, data in sorted(self.graph.nodes(data=True))
            ],
            "edges": [{"referrer": a, "referred": b} for a, b in sorted(self.graph.edges)],
        }


def snowball_graph(
    key_people: Mapping[str, str],
    referrals: Sequence[Referral],
    party_of: Mapping[str, str],
) -> SnowballGraph:
    """Build the referral graph from each party's key person and the referrals made.

    ``key_people`` maps party -> key person's candidate id; ``party_of`` maps every candidate
    id -> party. Every party in ``party_of`` needs exactly one key person of its own party.
    A referral repeated is kept once.
    """
    parties = set(party_of.values())
    missing = sorted(parties - set(key_people))
    if missing:
        raise ValidationError(
            f"no key person for {missing}; the snowball starts from one key person per side"
        )
    seen_keys: dict[str, str] = {}
    for party, key in key_people.items():
        if key not in party_of:
            raise ValidationError(
                f"key person {key!r} of party {party!r} is not a known candidate; "
                "add them to party_of"
            )
        if party_of[key] != party:
            raise ValidationError(
                f"key person {key!r} is listed for party {party!r} but belongs to "
                f"{party_of[key]!r}; choose a key person from the party's own side"
            )
        if key in seen_keys:
            raise ValidationError(
                f"{key!r} is key person of both {seen_keys[key]!r} and {party!r}; "
                "each side needs its own key person"
            )
        seen_keys[key] = party

    graph: nx.DiGraph = nx.DiGraph()
    for candidate, party in party_of.items():
        graph.add_node(candidate, party=party)
    for referral in referrals:
        for who in (referral.referrer, referral.referred):
            if who not in party_of:
                raise ValidationError(
                    f"referral {referral.referrer!r} -> {referral.referred!r} names unknown "
                    f"candidate {who!r}; add them to party_of"
                )
        if referral.referrer == referral.referred:
            raise ValidationError(
                f"{referral.referrer!r} refers themselves; a referral names someone else"
            )
        graph.add_edge(referral.referrer, referral.referred)
    return SnowballGraph(graph, dict(key_people))
