"""The whole common-ground analysis of a feedback round: groups, consensus, bridging, communities.

:func:`analyze` takes a :class:`~tracktwo.engines.commonground.votes.VoteMatrix` and,
optionally, each voter's community, and returns a :class:`CommonGroundResult` whose pandas
frames a researcher reads in a notebook and whose :meth:`CommonGroundResult.to_dict` a
service stores as JSON, tagged with the engine versions that produced it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from tracktwo.engines.commonground.bridging import (
    BAND_DRAWS,
    BridgingParameters,
    bridging,
    bridging_band,
)
from tracktwo.engines.commonground.bridging import (
    ENGINE_VERSION as BRIDGING_VERSION,
)
from tracktwo.engines.commonground.community import (
    CommunityParameters,
    community_support,
    verdict_lists,
)
from tracktwo.engines.commonground.consensus import consensus_table
from tracktwo.engines.commonground.polis_groups import (
    PolisGroups,
    PolisParameters,
    replay,
    snapshot,
)
from tracktwo.engines.commonground.repness import count_group_votes, representative_statements
from tracktwo.engines.commonground.stability import DRAWS, Stability, group_stability
from tracktwo.engines.commonground.stability import METHOD as STABILITY_METHOD
from tracktwo.engines.commonground.votes import VoteMatrix
from tracktwo.engines.frames import jsonable, records
from tracktwo.errors import ValidationError

ENGINE_VERSION = "commonground/1.1"
POLIS_VERSION = "commonground/polis-1.0"
COMMUNITY_VERSION = "commonground/community-2.0"

Communities = Sequence[Any] | npt.NDArray[Any] | Mapping[Any, Any] | pd.Series


@dataclass(frozen=True)
class AnalysisParameters:
    """Parameters of every part of the analysis.

    The groups come from the final votes (one update, no history), so they do not depend
    on the order in which votes arrived. ``replay`` follows the vote times instead, update
    by update, to emulate the path Pol.is took (its groups carry that history); it agrees
    less with Pol.is on conversations it was not tuned on. ``stability_draws`` resamples of
    the voters score how far the groups can be trusted (0: not scored).
    """

    polis: PolisParameters = field(default_factory=PolisParameters)
    bridging: BridgingParameters = field(default_factory=BridgingParameters)
    community: CommunityParameters = field(default_factory=CommunityParameters)
    replay: bool = False
    stability_draws: int = DRAWS
    bridging_draws: int = BAND_DRAWS


@dataclass(frozen=True, eq=False)
class CommonGroundResult:
    """Everything the analysis found, as pandas frames.

    ``voters``: one row per voter (``voter``, ``group`` (-1: not clustered), ``x``, ``y``,
    ``in_conv``, ``n_votes``, ``community``). ``groups``: ``group``, ``size``.
    ``representative``: Pol.is's representative statements per group.
    ``statements``: one row per live statement with its consensus, group-informed consensus,
    bridging score and polarity, and cross-community score when communities are known.
    ``community_support``: support per statement and community (None without communities).
    :meth:`common_ground` applies the rule of :mod:`~tracktwo.engines.commonground.community`.
    """

    votes: VoteMatrix
    polis: PolisGroups
    stability: Stability
    voters: pd.DataFrame
    groups: pd.DataFrame
    representative: pd.DataFrame
    statements: pd.DataFrame
    community_support: pd.DataFrame | None
    bridging_loss: float
    seed: int
    parameters: AnalysisParameters
    engine_versions: dict[str, str]

    @property
    def engine_version(self) -> str:
        """Return the version tag of the whole analysis."""
        return self.engine_versions["analysis"]

    def consensus_ranking(self) -> pd.DataFrame:
        """Return the statements by group-informed consensus, highest first."""
        return self.statements.sort_values(
            "group_informed_consensus", ascending=False, kind="stable"
        ).reset_index(drop=True)

    def consensus_statements(self) -> pd.DataFrame:
        """Return only the statements past Pol.is's consensus test (agreement, or
        disagreement, above one half across everyone and significant at 90%; its top five
        each way), by group-informed consensus: a shortlist, not a ranking of everything."""
        ranked = self.consensus_ranking()
        return ranked[ranked["consensus"] != ""].reset_index(drop=True)

    def bridging_ranking(self) -> pd.DataFrame:
        """Return the statements by bridging score (Community Notes intercept), highest first."""
        return self.statements.sort_values("bridging", ascending=False, kind="stable").reset_index(
            drop=True
        )

    def cross_community_ranking(self) -> pd.DataFrame | None:
        """Return the statements by cross-community score, or None without communities."""
        if "cross_community" not in self.statements.columns:
            return None
        return self.statements.sort_values(
            ["cross_community", "support_gap"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)

    def common_ground(self) -> dict[str, Any] | None:
        """Return the rule and the statements both communities support, those that divide
        them and those with not enough votes yet; None without communities."""
        if self.community_support is None:
            return None
        return verdict_lists(self.statements, self.community_support, self.parameters.community)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data (no numpy types, NaN as None)."""
        summary = {
            "voters": int(self.votes.shape[0]),
            "statements": int((~self.votes.moderated_out).sum()),
            "metadata_statements": int((self.votes.meta & ~self.votes.moderated_out).sum()),
            "votes": int(self.votes.n_votes),
            "clustered": int((self.voters["group"] >= 0).sum()),
            "groups": int(self.polis.k),
            "silhouettes": {str(k): v for k, v in self.polis.silhouettes.items()},
            "updates": int(self.polis.n_updates),
            "grouping": "replay" if self.parameters.replay else "final votes",
        }
        data: dict[str, Any] = {
            "engine_version": self.engine_version,
            "engine_versions": dict(self.engine_versions),
            "seed": self.seed,
            "parameters": dataclasses.asdict(self.parameters),
            "summary": summary,
            "groups": records(self.groups),
            "stability": {
                "score": self.stability.score,
                "verdict": self.stability.verdict,
                "sentence": self.stability.sentence(),
                "draws": self.stability.draws,
                "method": STABILITY_METHOD,
                "groups": records(self.stability.groups),
            },
            "representative": records(self.representative),
            "statements": records(self.statements),
            "voters": records(self.voters),
            "community_support": None
            if self.community_support is None
            else records(self.community_support),
            "common_ground": self.common_ground(),
            "bridging_loss": self.bridging_loss,
        }
        return jsonable(data)  # type: ignore[no-any-return]


def _community_labels(
    votes: VoteMatrix, communities: Communities | None
) -> npt.NDArray[Any] | None:
    """Return one community label per voter of ``votes`` (None for unknown), or None."""
    if communities is None:
        return None
    if isinstance(communities, Mapping | pd.Series):
        lookup = dict(communities.items())
        labels = [lookup.get(v) for v in votes.voter_ids]
    else:
        labels = list(communities)
        if len(labels) != votes.shape[0]:
            raise ValidationError(
                f"communities has {len(labels)} entries for {votes.shape[0]} voters; "
                "give one per voter"
            )
    cleaned = [
        None if label is None or (isinstance(label, float) and math.isnan(label)) else label
        for label in labels
    ]
    return np.asarray(cleaned, dtype=object)


def analyze(
    votes: VoteMatrix,
    communities: Communities | None = None,
    seed: int = 0,
    params: AnalysisParameters | None = None,
) -> CommonGroundResult:
    """Run the whole analysis on a vote matrix; deterministic for a given ``seed``.

    ``communities`` gives each voter's community, either aligned with ``votes.voter_ids`` or
    as a mapping from voter id; voters without one are left out of the community figures.
    """
    params = params or AnalysisParameters()
    if votes.shape[0] == 0 or votes.n_votes == 0:
        raise ValidationError("there are no votes to analyse; record some votes first")
    labels = _community_labels(votes, communities)
    live = ~votes.left_out

    use_replay = params.replay and votes.times is not None
    polis = replay(votes, params.polis, seed) if use_replay else snapshot(votes, params.polis, seed)
    stability = group_stability(votes, polis, params.polis, seed, params.stability_draws)
    values = votes.values_csr()
    seen = votes.seen_csr()
    k = max(polis.k, 1)
    counts = count_group_votes(values, seen, polis.groups, k)
    representative = representative_statements(counts, votes.statement_ids, live)
    statements = consensus_table(values, seen, counts, votes.statement_ids, live)
    model, bridge = bridging(votes, params.bridging, seed)
    statements = statements.merge(
        bridge[["statement", "bridging", "polarity"]], on="statement", how="left"
    ).merge(
        bridging_band(votes, params.bridging, seed, params.bridging_draws),
        on="statement",
        how="left",
    )
    support = None
    if labels is not None:
        support, ranking = community_support(
            values, seen, labels, votes.statement_ids, live, params.community
        )
        statements = statements.merge(ranking, on="statement", how="left")

    voters = pd.DataFrame(
        {
            "voter": votes.voter_ids,
            "group": polis.groups,
            "x": polis.projection[:, 0],
            "y": polis.projection[:, 1],
            "in_conv": polis.in_conv,
            "n_votes": votes.votes_per_voter(),
        }
    )
    if labels is not None:
        voters["community"] = labels
    sizes = np.bincount(polis.groups[polis.groups >= 0], minlength=polis.k)
    groups = pd.DataFrame({"group": np.arange(polis.k), "size": sizes.astype(np.int64)})
    versions = {
        "analysis": ENGINE_VERSION,
        "polis": POLIS_VERSION,
        "bridging": BRIDGING_VERSION,
    }
    if labels is not None:
        versions["community"] = COMMUNITY_VERSION
    return CommonGroundResult(
        votes=votes,
        polis=polis,
        stability=stability,
        voters=voters,
        groups=groups,
        representative=representative,
        statements=statements,
        community_support=support,
        bridging_loss=model.loss,
        seed=seed,
        parameters=params,
        engine_versions=versions,
    )
