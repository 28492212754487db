"""Common ground in a feedback round: Pol.is opinion groups, consensus, bridging, communities.

Start from :func:`analyze` with a :class:`VoteMatrix` (or
:func:`tracktwo.io.polis.read_export` for a Pol.is export folder); every result records the
engine version that produced it. See ``docs/commonground.md``.
"""

from __future__ import annotations

from tracktwo.engines.commonground.bridging import BridgingParameters, fit_bridging
from tracktwo.engines.commonground.community import CommunityParameters, wilson_interval
from tracktwo.engines.commonground.pipeline import (
    ENGINE_VERSION,
    AnalysisParameters,
    CommonGroundResult,
    analyze,
)
from tracktwo.engines.commonground.polis_export import PolisExport
from tracktwo.engines.commonground.polis_groups import PolisGroups, PolisParameters
from tracktwo.engines.commonground.votes import VoteMatrix

__all__ = [
    "ENGINE_VERSION",
    "AnalysisParameters",
    "BridgingParameters",
    "CommonGroundResult",
    "CommunityParameters",
    "PolisExport",
    "PolisGroups",
    "PolisParameters",
    "VoteMatrix",
    "analyze",
    "fit_bridging",
    "wilson_interval",
]
