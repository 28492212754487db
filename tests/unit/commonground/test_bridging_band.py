"""Bridging scores come with a band over resampled raters; thinly rated statements are marked."""

from __future__ import annotations

import numpy as np

from tracktwo.engines.commonground.bridging import MIN_RATERS, bridging_band
from tracktwo.engines.commonground.pipeline import analyze
from tracktwo.engines.commonground.synthetic import planted_round
from tracktwo.engines.commonground.votes import VoteMatrix

BRIDGE, PARTISAN = 0, 1  # planted_round: 0 supported by every group, 1 by group 0 only


def test_the_bridge_is_banded_above_the_partisan_statement() -> None:
    planted = planted_round(300, 30, 20, n_groups=2, seed=4)
    statements = analyze(planted.votes).statements.set_index("statement")
    bridge, partisan = statements.loc[BRIDGE], statements.loc[PARTISAN]
    assert bridge["bridging_low"] <= bridge["bridging"] <= bridge["bridging_high"]
    assert bridge["bridging_low"] > partisan["bridging_high"]
    assert not bridge["too_few_raters"]


def test_a_statement_few_people_rated_is_marked_and_its_band_is_wide() -> None:
    rng = np.random.default_rng(3)
    dense = rng.choice(np.array([-1.0, 1.0]), size=(120, 6))
    dense[3:, 5] = np.nan  # statement 5: three raters only
    band = bridging_band(VoteMatrix.from_dense(dense), seed=1).set_index("statement")
    assert band.loc[5, "n_raters"] == 3 < MIN_RATERS and band.loc[5, "too_few_raters"]
    assert not band.loc[0, "too_few_raters"]
    width = band["bridging_high"] - band["bridging_low"]
    assert width.loc[5] > width.drop(index=5).max()


def test_the_band_is_the_same_for_the_same_seed() -> None:
    planted = planted_round(100, 10, 8, seed=2)
    first = bridging_band(planted.votes, seed=5)
    again = bridging_band(planted.votes, seed=5)
    assert first.equals(again)
