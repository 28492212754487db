"""The island demo runs the whole lifecycle on each backend and reports each element."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.conftest import BACKENDS, open_test_store
from tracktwo.demo import build_demo, demo_report


@pytest.fixture(scope="module", params=BACKENDS)
def report(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """The demo's report, built once per backend for this module."""
    with open_test_store(request.param, tmp_path_factory.mktemp("demo") / "data") as store:
        yield demo_report(store, build_demo(store, seed=7), reveal_names=True)


def test_the_stalemate_starts_with_one_side_and_is_completed_by_the_other(
    report: dict[str, Any],
) -> None:
    states = [point["state"] for point in report["ripeness"]]
    assert states[0] == "not-ripe"
    assert states.index("ripening") < states.index("ripe")
    first_ripening = next(p for p in report["ripeness"] if p["state"] == "ripening")
    assert len(first_ripening["parties_in_stalemate"]) == 1
    assert first_ripening["moved_by"], "the report says what moved the state"


def test_the_workshop_has_equal_parties_of_three_to_six_named_members(
    report: dict[str, Any],
) -> None:
    sizes = {party: len(people) for party, people in report["members"].items()}
    assert len(sizes) == 2
    assert len(set(sizes.values())) == 1
    assert 3 <= next(iter(sizes.values())) <= 6
    for people in report["members"].values():
        for person in people:
            assert person["name"].count(" ") >= 1, "the facilitator sees full names"
    assert report["composition"]["status_gap"] <= 0.05 + 1e-9


def test_the_snowball_reaches_every_candidate_from_one_key_person_per_side(
    report: dict[str, Any],
) -> None:
    graph = report["snowball"]
    keys = [node for node in graph["nodes"] if node.get("key_person") or node.get("key")]
    assert len(keys) == 2
    assert len(graph["nodes"]) >= 44
    assert len(graph["edges"]) == len(graph["nodes"]) - 2


def test_every_concern_is_acknowledged_by_the_other_side_to_its_owners_satisfaction(
    report: dict[str, Any],
) -> None:
    concerns = report["board"]["concerns"]
    assert len(concerns) == 6
    assert all(concern["acknowledged"] for concern in concerns)
    for concern in concerns:
        assert all(ack["by"] != concern["party"] for ack in concern["acknowledgements"])
    redone = [c for c in concerns if len(c["acknowledgements"]) > 1]
    assert redone and all(c["acknowledgements"][0]["owner_satisfied"] is False for c in redone)


def test_ideas_both_parties_support_rise_above_the_one_sided_idea(report: dict[str, Any]) -> None:
    ideas = report["board"]["ideas"]
    flags = [idea["supported_by_both"] for idea in ideas]
    assert flags == sorted(flags, reverse=True), "supported-by-both ideas come first"
    one_sided = [idea for idea in ideas if "diaspora bond" in idea["text"]]
    assert one_sided and not one_sided[0]["supported_by_both"]
    assert all(len(idea["support"]) == 2 for idea in ideas)
    assert all(idea["answers"] for idea in ideas)


def test_constraints_reassurance_and_shared_vision_are_on_the_boards(
    report: dict[str, Any],
) -> None:
    board = report["board"]
    assert {c["kind"] for c in board["constraints"]} == {"political", "psychological"}
    assert all(step["who"] and step["what"] and step["when"] for step in board["reassurance_steps"])
    assert len(board["shared_vision"][0]["endorsed_by"]) == 2
    assert sum(board["interventions"].values()) >= 5


def test_the_five_contact_conditions_are_scored_with_evidence(report: dict[str, Any]) -> None:
    conditions = report["contact_conditions"]
    names = {score["condition"] for score in conditions["scores"]}
    assert names == {
        "equal-status",
        "supportive-climate",
        "intimacy",
        "pleasant-rewarding",
        "common-goals",
    }
    assert all(0.0 <= s["score"] <= 1.0 and s["evidence"] for s in conditions["scores"])


def test_survey_effects_come_with_intervals_and_show_individuals_move_more_than_the_group(
    report: dict[str, Any],
) -> None:
    effects = report["survey_effects"]
    rows = {(r["measure"], r["party"]): r for r in effects["pre_to_post"]}
    overall = rows[("thermometer-individuals", "all")]
    assert overall["n"] == 8
    assert overall["change_low"] < overall["mean_change"] < overall["change_high"]
    assert overall["cohen_d"] is None and "below 10 people" in overall["note"]
    assert overall["summary"].startswith("8 people; ")
    per_party = [r for r in effects["pre_to_post"] if r["party"] != "all"]
    assert per_party and all(r["suppressed"] and r["mean_change"] is None for r in per_party)
    assert overall["mean_change"] > rows[("thermometer-group", "all")]["mean_change"]


def test_the_feedback_round_shows_common_ground_and_what_divides_the_communities(
    report: dict[str, Any],
) -> None:
    analysis = report["feedback_round"]
    assert analysis["respondents"] == 120
    assert analysis["engine_version"].startswith("commonground/")
    assert ["port licences" in item["text"] for item in analysis["divides"]] == [True]
    assert len(analysis["both_support"]) == 3
    assert all("port licences" not in item["text"] for item in analysis["both_support"])
    assert analysis["not_enough_votes"] == []
    assert 2 <= len(analysis["groups"]) <= 5


def test_transfers_and_the_next_workshop_of_the_series_are_reported(
    report: dict[str, Any],
) -> None:
    assert {t["channel"] for t in report["transfers"]} == {
        "decision-maker",
        "negotiation-text",
        "media",
    }
    following = report["next_workshop"]
    assert following["workshop"]["sequence"] == 2
    carried = following["carried_ideas"]
    assert len(carried) == 4 and all(idea["carried_from"] for idea in carried)
    # The feedback round decides: the port licences divide the communities, the rest unite.
    actions = {idea["text"]: idea["carry_action"] for idea in carried}
    licences = next(text for text in actions if "port licences" in text)
    assert actions.pop(licences) == "modify"
    assert set(actions.values()) == {"strengthen"}
    assert sum(len(people) for people in following["members"].values()) == 8
