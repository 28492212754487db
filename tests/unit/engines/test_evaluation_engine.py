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
    result = paired_change(survey(effect=10.0, per_party=200))
    everyone = row(result, "all")
    assert everyone["n"] == 400
    assert everyone["mean_change"] == pytest.approx(10.0, abs=1.5)
    assert everyone["cohen_d"] == pytest.approx(1.0, abs=0.15)
    assert everyone["change_low"] < everyone["mean_change"] < everyone["change_high"]
    assert everyone["change_low"] > 5
    assert result.attrs["effect_size"] == "d_z"
    assert result.attrs["engine_version"] == ENGINE_VERSION
    assert "betting" in result.attrs["interval_method"]


def test_no_change_gives_an_interval_around_zero() -> None:
    everyone = row(paired_change(survey(effect=0.0, per_party=100)), "all")
    assert everyone["change_low"] < 0 < everyone["change_high"]


def test_cohen_d_is_the_mean_change_over_the_sd_of_change_from_ten_people() -> None:
    changes = np.array([2, 5, 1, 4, 3, 0, 6, 2, 3, 4])
    responses = pd.DataFrame(
        [(f"r{i}", "A", THERMO, wave, value)
         for i, change in enumerate(changes)
         for wave, value in ((PRE, 10), (POST, 10 + change))],
        columns=["respondent", "party", "measure", "wave", "value"],
    )  # fmt: skip
    a = row(paired_change(responses), "A")
    assert a["mean_change"] == pytest.approx(changes.mean())
    assert a["cohen_d"] == pytest.approx(changes.mean() / changes.std(ddof=1))
    nine = row(paired_change(responses[~responses["respondent"].eq("r9")]), "A")
    assert math.isnan(nine["cohen_d"]) and "below 10 people" in nine["note"]


def test_no_effect_size_when_everyone_changed_alike_and_the_note_says_so() -> None:
    responses = pd.DataFrame(
        [(f"r{i}", "A", THERMO, wave, value)
         for i in range(12) for wave, value in ((PRE, 10), (POST, 13))],
        columns=["respondent", "party", "measure", "wave", "value"],
    )  # fmt: skip
    a = row(paired_change(responses), "A")
    assert math.isnan(a["cohen_d"]) and "same amount" in a["note"]
    assert a["mean_change"] == 3 and a["change_low"] <= 3 <= a["change_high"]
    assert "all 12 rose" in a["summary"]


def test_three_people_get_a_sentence_and_no_interval() -> None:
    responses = pd.DataFrame(
        [(f"r{i}", "A", THERMO, wave, value)
         for i, (pre, post) in enumerate([(10, 12), (10, 15), (20, 21)])
         for wave, value in ((PRE, pre), (POST, post))],
        columns=["respondent", "party", "measure", "wave", "value"],
    )  # fmt: skip
    a = row(paired_change(responses, min_group=3), "A")
    assert a["mean_change"] == pytest.approx(8 / 3)
    assert math.isnan(a["change_low"]) and math.isnan(a["cohen_d"])
    assert a["summary"].startswith("3 people; too few to estimate an effect; all 3 rose")
    assert "too few for an interval" in a["note"]


def test_a_party_below_the_default_of_five_is_withheld() -> None:
    responses = survey(per_party=4, parties=("A",))
    responses = pd.concat([responses, survey(per_party=5, parties=("B",))])
    result = paired_change(responses)
    small = row(result, "A")
    assert small["suppressed"] and small["n"] == 4
    assert all(
        math.isnan(small[c]) for c in ("mean_before", "mean_change", "cohen_d", "change_low")
    )
    assert small["summary"].startswith("withheld") and "4" not in small["summary"]
    assert not row(result, "B")["suppressed"]


@pytest.mark.parametrize("min_group", [0, 1, 2])
def test_min_group_below_three_is_refused(min_group: int) -> None:
    with pytest.raises(ValidationError, match="give 3 or more"):
        paired_change(survey(per_party=5), min_group=min_group)


def test_only_respondents_present_in_both_waves_count() -> None:
    responses = survey(per_party=4, parties=("A",))
    dropped = responses[~((responses["respondent"] == "A-0") & (responses["wave"] == POST))]
    assert row(paired_change(dropped, min_group=3), "A")["n"] == 3


def test_the_interval_depends_on_the_answers_not_on_their_order() -> None:
    responses = survey(per_party=10)
    shuffled = responses.sample(frac=1.0, random_state=3)
    shuffled["respondent"] = shuffled["respondent"].map(lambda who: f"x{who}")
    pd.testing.assert_frame_equal(paired_change(responses), paired_change(shuffled))


def test_a_groups_interval_does_not_depend_on_the_other_parties() -> None:
    both = paired_change(survey(per_party=10))
    only_a = paired_change(survey(per_party=10).query("party == 'A'"))
    assert row(both, "A")["change_low"] == row(only_a, "A")["change_low"]


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
    assert row(paired_change(responses, min_group=3), "A")["n"] == 3


def test_individuals_can_change_while_the_group_image_stays() -> None:
    result = individual_group_gap(survey(effect=12.0, group_effect=0.0, per_party=60))
    everyone = row(result, "all", THERMO)
    assert everyone["gap"] == pytest.approx(12.0, abs=3.0)
    assert everyone["change_group"] == pytest.approx(0.0, abs=3.0)
    assert everyone["group_image_lags"]
    assert result.attrs["engine_version"] == ENGINE_VERSION


def test_no_gap_when_the_group_image_moves_with_the_individuals() -> None:
    result = individual_group_gap(survey(effect=12.0, group_effect=12.0, per_party=60))
    everyone = row(result, "all", THERMO)
    assert everyone["gap_low"] < 0 < everyone["gap_high"]
    assert not everyone["group_image_lags"]


def test_a_pair_without_answers_is_reported_empty_and_suppressed() -> None:
    result = individual_group_gap(survey(per_party=5))
    trust = result[result["individuals"] == Measure.TRUST_INDIVIDUALS.value]
    assert list(trust["n"]) == [0, 0, 0]
    assert trust["suppressed"].all()


def test_the_individual_group_gap_suppresses_small_parties() -> None:
    responses = pd.concat(
        [survey(per_party=2, parties=("A",)), survey(per_party=6, parties=("B",))]
    )
    result = individual_group_gap(responses)
    assert row(result, "A", THERMO)["suppressed"]
    assert math.isnan(row(result, "A", THERMO)["gap"])
    assert not row(result, "B", THERMO)["suppressed"]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 8), st.integers(3, 6))
def test_every_group_below_min_group_is_suppressed(size: int, min_group: int) -> None:
    responses = survey(per_party=size, parties=("A",)) if size else survey(per_party=1).iloc[:0]
    result = paired_change(responses, min_group=min_group)
    for _, r in result.iterrows():
        assert bool(r["suppressed"]) == (r["n"] < min_group)
        assert r["suppressed"] == math.isnan(r["mean_change"])
