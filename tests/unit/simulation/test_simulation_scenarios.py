"""Scenarios: the packaged TOML files, scenario files of one's own, and dotted overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracktwo.engines.simulation.programme import SelectionRule
from tracktwo.engines.simulation.scenarios import Scenario
from tracktwo.errors import ValidationError
from tracktwo.io.scenarios import load_scenario, packaged_scenarios, parse_value


def test_tracktwo_ships_a_default_and_three_contrasting_scenarios() -> None:
    assert packaged_scenarios() == (
        "clash-of-interests",
        "default",
        "identity-conflict",
        "ripe-inter-state",
    )
    for name in packaged_scenarios():
        scenario = load_scenario(name)
        assert scenario.name == name
        assert scenario.description


def test_the_default_scenario_file_writes_out_the_models_defaults() -> None:
    scenario = load_scenario("default")
    assert scenario.parameters.societies[0].identity_mean == 0.5
    assert scenario.programme.selection is SelectionRule.INFLUENTIAL_OPEN
    assert scenario.programme.conditions.index == pytest.approx(0.6)


def test_the_contrasting_scenarios_differ_where_the_seed_says_they_do() -> None:
    identity = load_scenario("identity-conflict").parameters
    clash = load_scenario("clash-of-interests").parameters
    ripe = load_scenario("ripe-inter-state").parameters
    assert min(s.identity_mean for s in identity.societies) >= 0.8
    assert clash.readiness.clash_share >= 0.7
    assert ripe.societies[0].initial_costs > 0 and ripe.readiness.clash_share <= 0.2


def test_a_scenario_file_of_ones_own_names_only_what_differs(tmp_path: Path) -> None:
    path = tmp_path / "island.toml"
    path.write_text(
        'name = "island"\nsteps = 100\n[programme]\nworkshops = 2\nselection = "random"\n'
        "[programme.conditions]\nintimacy = 0.9\n"
        '[[societies]]\nname = "North"\nmembers = 300\n[[societies]]\nname = "South"\n'
        "[readiness]\nclash_share = 0.5\n",
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert (scenario.name, scenario.steps) == ("island", 100)
    assert scenario.programme.selection is SelectionRule.RANDOM
    assert scenario.programme.conditions.intimacy == 0.9
    assert scenario.parameters.societies[0].members == 300
    assert scenario.parameters.readiness.clash_share == 0.5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[contact]\nflor = 0.5\n", "unknown key"),
        ("[programme]\nworkshops = 2.5\n", "whole number"),
        ('[programme]\nselection = "loudest"\n', "one of"),
        ('[[societies]]\nname = "A"\n', "exactly two"),
        ("[programme.conditions]\nfriendliness = 1.0\n", "unknown condition"),
        ("volume = 11\n", "unknown top-level"),
        ("[contact\n", "not valid TOML"),
    ],
)
def test_a_faulty_scenario_file_is_refused_with_what_to_fix(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "faulty.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        load_scenario(path)


def test_an_unknown_scenario_name_lists_the_packaged_ones() -> None:
    with pytest.raises(ValidationError, match="identity-conflict"):
        load_scenario("atlantis")


def test_dotted_paths_change_one_parameter_of_a_scenario() -> None:
    scenario: Scenario = load_scenario("default")
    assert scenario.with_value("steps", 50).steps == 50
    assert scenario.with_value("programme.workshops", 2).programme.workshops == 2
    assert (
        scenario.with_value(
            "programme.conditions.equal-status", 0.1
        ).programme.conditions.equal_status
        == 0.1
    )
    both = scenario.with_value("societies.identity_mean", 0.9).parameters.societies
    assert [s.identity_mean for s in both] == [0.9, 0.9]
    one = scenario.with_value("societies.1.identity_mean", 0.9).parameters.societies
    assert [s.identity_mean for s in one] == [0.5, 0.9]
    assert not scenario.with_value("mechanisms.reentry", False).parameters.mechanisms.reentry
    with pytest.raises(ValidationError, match="names nothing"):
        scenario.with_value("weather.rain", 1)


def test_values_on_the_command_line_are_read_as_toml_values() -> None:
    assert parse_value("0.5") == 0.5
    assert parse_value("3") == 3
    assert parse_value("true") is True
    assert parse_value("random") == "random"
