"""Evaluation: paired pre/post change, small-group suppression, and the individual-group gap."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracktwo.domain.vocabulary import Measure, SurveyWave
from tracktwo.engines.evaluation import (
    ENGINE_VERSION,
    individual_group_gap,
    paired_change,
)
from tracktwo.errors import ValidationError

THERMO = Measure.THERMOMETER_INDIVIDUALS.value
THERMO_GROUP = Measure.THERMOMETER_GROUP.value
PRE, POST = SurveyWave.PRE.value, SurveyWave.POST.value


def survey(
    effect: float = 10.0,
    group_effect: float = 0.0,
    per_party: int = 40,
    parties: tuple[str, ...] = ("A", "B"),
    seed: int = 1,
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for party in parties:
        for i in range(per_party):
            who = f"{party}-{i}"
            for measure, shift in ((THERMO, effect), (THERMO_GROUP, group_effect)):
                start = rng.normal(40, 10)
                rows.append((who, party, measure, PRE, start))
                rows.append((who, party, measure, POST, start + shift + rng.normal(0, 10)))
    return pd.DataFrame(rows, columns=["respondent", "party", "measure", "wave", "value"])


def row(frame: pd.DataFrame, party: str, measure: str = THERMO) -> pd.Series:
    key = "measure" if "measure" in frame.columns else "individuals"
    match = frame[(frame["party"] == party) & (frame[key] == measure)]
    assert len(match) == 1
    return match.iloc[0]


def test_a_planted_effect_is_recovered_with_its_interval() -> None:
    result = paired_change(survey(effect=10.0, per_party=200), n_boot=500)
    everyone = row(result, "all")
    assert everyone["n"] == 400
    assert everyone["mean_change"] == pytest.approx(10.0, abs=1.5)
    assert everyone["cohen_d"] == pytest.approx(1.0, abs=0.15)
    assert everyone["ci_low"] < everyone["cohen_d"] < everyone["ci_high"]
    assert everyone["ci_low"] > 0.7
    assert result.attrs["effect_size"] == "d_z"
    assert result.attrs["engine_version"] == ENGINE_VERSION


def test_no_change_gives_an_interval_around_zero() -> None:
    everyone = row(paired_change(survey(effect=0.0, per_party=100), n_boot=500), "all")
    assert everyone["ci_low"] < 0 < everyone["ci_high"]


def test_cohen_d_is_the_mean_change_over_the_sd_of_change() -> None:
    responses = pd.DataFrame(
        [(f"r{i}", "A", THERMO, wave, value)
         for i, (pre, post) in enumerate([(10, 12), (10, 15), (20, 21), (5, 9)])
         for wave, value in ((PRE, pre), (POST, post))],
        columns=["respondent", "party", "measure", "wave", "value"],
    )  # fmt: skip
    a = row(paired_change(responses, n_boot=100), "A")
    changes = np.array([2, 5, 1, 4])
    assert a["mean_change"] == pytest.approx(3.0)
    assert a["cohen_d"] == pytest.approx(changes.mean() / changes.std(ddof=1))


def test_a_party_of_fewer_than_three_is_suppressed() -> None:
    responses = survey(per_party=2, parties=("A",))
    responses = pd.concat([responses, survey(per_party=5, parties=("B",))])
    result = paired_change(responses, n_boot=100)
    small = row(result, "A")
    assert small["suppressed"] and small["n"] == 2
    assert all(math.isnan(small[c]) for c in ("mean_before", "mean_change", "cohen_d", "ci_low"))
    assert not row(result, "B")["suppressed"]


def test_the_whole_group_is_suppressed_when_it_would_reveal_a_small_party_by_subtraction() -> None:
    responses = pd.concat(
        [survey(per_party=2, parties=("A",)), survey(per_party=5, parties=("B",))]
    )
    assert row(paired_change(responses, n_boot=100), "all")["suppressed"]


def test_only_respondents_present_in_both_waves_count() -> None:
    responses = survey(per_party=4, parties=("A",))
    dropped = responses[~((responses["respondent"] == "A-0") & (responses["wave"] == POST))]
    assert row(paired_change(dropped, n_boot=100), "A")["n"] == 3


def test_the_same_seed_gives_the_same_interval_and_another_seed_does_not() -> None:
    responses = survey(per_party=10)
    first = paired_change(responses, n_boot=300, seed=7)
    again = paired_change(responses, n_boot=300, seed=7)
    other = paired_change(responses, n_boot=300, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["ci_low"], other["ci_low"])


def test_a_groups_interval_does_not_depend_on_the_other_parties() -> None:
    both = paired_change(survey(per_party=10), n_boot=300)
    only_a = paired_change(survey(per_party=10).query("party == 'A'"), n_boot=300)
    assert row(both, "A")["ci_low"] == row(only_a, "A")["ci_low"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["wave"]), "lack columns \\['wave'\\]"),
        (lambda f: f.assign(wave="during"), "unknown wave values \\['during'\\]"),
        (lambda f: f.assign(measure="happiness"), "unknown measure values"),
        (lambda f: f.assign(value=["high"] * len(f)), "'high' in row 0 is not a number"),
        (lambda f: pd.concat([f, f.iloc[[0]]]), "answered thermometer-individuals twice"),
        (lambda f: f.assign(party="all"), "reserved"),
    ],
)
def test_a_malformed_frame_is_refused_naming_the_problem(change: object, message: str) -> None:
    assert callable(change)
    with pytest.raises(ValidationError, match=message):
        paired_change(change(survey(per_party=3)))


def test_a_respondent_under_two_parties_is_refused() -> None:
    responses = survey(per_party=3)
    responses.loc[0, "party"] = "B"
    with pytest.raises(ValidationError, match="more than one party"):
        paired_change(responses)


def test_comparing_a_wave_with_itself_is_refused() -> None:
    with pytest.raises(ValidationError, match="two waves"):
        paired_change(survey(per_party=3), before=SurveyWave.POST)


def test_missing_answers_are_dropped_not_refused() -> None:
    responses = survey(per_party=4, parties=("A",))
    responses.loc[0, "value"] = np.nan
    assert row(paired_change(responses, n_boot=50), "A")["n"] == 3


def test_individuals_can_change_while_the_group_image_stays() -> None:
    result = individual_group_gap(survey(effect=12.0, group_effect=0.0, per_party=60), n_boot=500)
    everyone = row(result, "all", THERMO)
    assert everyone["gap"] == pytest.approx(12.0, abs=3.0)
    assert everyone["change_group"] == pytest.approx(0.0, abs=3.0)
    assert everyone["group_image_lags"]
    assert result.attrs["engine_version"] == ENGINE_VERSION


def test_no_gap_when_the_group_image_moves_with_the_individuals() -> None:
    result = individual_group_gap(survey(effect=12.0, group_effect=12.0, per_party=60), n_boot=500)
    everyone = row(result, "all", THERMO)
    assert everyone["ci_low"] < 0 < everyone["ci_high"]
    assert not everyone["group_image_lags"]


def test_a_pair_without_answers_is_reported_empty_and_suppressed() -> None:
    result = individual_group_gap(survey(per_party=5), n_boot=50)
    trust = result[result["individuals"] == Measure.TRUST_INDIVIDUALS.value]
    assert list(trust["n"]) == [0, 0, 0]
    assert trust["suppressed"].all()


def test_the_individual_group_gap_suppresses_small_parties() -> None:
    responses = pd.concat(
        [survey(per_party=2, parties=("A",)), survey(per_party=6, parties=("B",))]
    )
    result = individual_group_gap(responses, n_boot=50)
    assert row(result, "A", THERMO)["suppressed"]
    assert math.isnan(row(result, "A", THERMO)["gap"])
    assert not row(result, "B", THERMO)["suppressed"]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 8), st.integers(1, 5))
def test_every_group_below_min_group_is_suppressed(size: int, min_group: int) -> None:
    responses = survey(per_party=size, parties=("A",)) if size else survey(per_party=1).iloc[:0]
    result = paired_change(responses, min_group=min_group, n_boot=20)
    for _, r in result.iterrows():
        assert bool(r["suppressed"]) == (r["n"] < min_group)
        assert r["suppressed"] == math.isnan(r["mean_change"])
