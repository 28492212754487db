"""The rules' refusals and warnings as the command line says them, the workshop report for
people and for scripts, and a survey imported again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tracktwo.cli.app import app

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False, terminal_width=200)


def said(result: Any) -> str:
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    folder = str(tmp_path_factory.mktemp("rules") / "data")
    result = invoke("demo", "--json", "--data-dir", folder)
    assert result.exit_code == 0, result.output
    return folder, json.loads(result.stdout)


def test_a_facilitator_below_the_floor_is_added_with_a_warning_the_team_repeats(
    demo: tuple[str, dict[str, Any]],
) -> None:
    folder, report = demo
    workshop = report["workshop"]["id"]
    added = invoke("workshop", "facilitator", workshop, "--name", "Dr. Low",
                   "--impartiality", "0.3", "--communication", "0.9", "--sensitivity", "0.9",
                   *(f"--credibility={party}=0.9" for party in report["members"]),
                   "--data-dir", folder)  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.stdout.split()[-2] == "facilitator", "stdout stays what a script reads"
    assert "warning: impartiality 0.3 is below 0.5" in said(added)
    team = json.loads(invoke("workshop", "team", workshop, "--json", "--data-dir", folder).stdout)
    assert sorted(f["flags"] for f in team) == [[], [], ["impartiality 0.3 is below 0.5"]]
    summary = invoke("workshop", "report", workshop, "--data-dir", folder)
    assert summary.exit_code == 0 and "impartiality 0.3 is below 0.5" in said(summary)


def test_a_walk_in_candidate_is_added_with_a_warning(demo: tuple[str, dict[str, Any]]) -> None:
    folder, report = demo
    party = next(iter(report["members"]))
    added = invoke("candidate", "add", report["workshop"]["id"], "--party", party,
                   "--name", "Walk In", "--role", "journalist", "--influence", "0.5",
                   "--credibility", "0.5", "--openness", "0.5", "--status", "0.5",
                   "--data-dir", folder)  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "warning: walk-in" in said(added)


def test_a_transfer_of_an_idea_one_party_rated_low_needs_a_reason(
    demo: tuple[str, dict[str, Any]],
) -> None:
    folder, report = demo
    workshop = report["workshop"]["id"]
    low = next(i for i in report["board"]["ideas"] if not i["supported_by_both"])
    args = ("transfer", "log", low["id"], "--channel", "negotiation-text", "--recipient",
            "a draft", "--on", "2026-05-01", "--data-dir", folder)  # fmt: skip
    refused = runner.invoke(app, list(args))
    assert refused.exit_code == 2
    assert "not supported by both parties" in said(refused) and "--reason" in said(refused)
    logged = invoke(*args, "--reason", "both delegations asked to see it in the draft")
    assert logged.exit_code == 0 and "warning: rule 'transfer what both" in said(logged)
    listed = json.loads(invoke("transfer", "list", workshop, "--json", "--data-dir", folder).stdout)
    entry = next(t for t in listed if t["idea_id"] == low["id"])
    assert entry["idea"] == low["text"] and entry["supported_by_both"] is False
    assert entry["reason"] == "both delegations asked to see it in the draft"
    table = invoke("transfer", "list", workshop, "--data-dir", folder)
    assert table.exit_code == 0 and "NO" in table.stdout


def test_workshop_report_summarises_for_people_and_gives_all_with_json(
    demo: tuple[str, dict[str, Any]],
) -> None:
    folder, report = demo
    workshop = report["workshop"]["id"]
    summary = invoke("workshop", "report", workshop, "--data-dir", folder)
    assert summary.exit_code == 0, summary.output
    assert "ideas both parties support" in summary.stdout and "--json" in summary.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(summary.stdout)
    full = json.loads(invoke("workshop", "report", workshop, "--json", "--data-dir", folder).stdout)
    assert full["workshop"]["id"] == workshop and "transfers" in full


def test_a_survey_imported_again_says_it_replaced_the_earlier_answers(
    demo: tuple[str, dict[str, Any]], tmp_path: Path
) -> None:
    folder, report = demo
    workshop = report["workshop"]["id"]
    member = next(iter(report["members"].values()))[0]["member_id"]
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "participant,wave,measure,value,taken_on\n"
        f"{member},pre,trust-group,4,2025-01-01\n"
        f"{member},post,trust-group,5,2025-02-01\n",
        encoding="utf-8",
    )
    replaced = invoke("survey", "import", workshop, str(survey), "--data-dir", folder)
    assert replaced.exit_code == 0, replaced.output
    # The demo imported every member's pre and post answers already: both are replaced.
    assert "imported 2 answers (replacing 2 imported before)" in said(replaced)


def test_an_id_prefix_of_eight_characters_names_a_record_on_the_command_line(
    demo: tuple[str, dict[str, Any]],
) -> None:
    folder, report = demo
    workshop = report["workshop"]["id"]
    members = invoke("workshop", "members", workshop[:8], "--json", "--data-dir", folder)
    assert members.exit_code == 0, members.output
    assert {m["member_id"] for m in json.loads(members.stdout)} == {
        m["member_id"] for people in report["members"].values() for m in people
    }
    idea = report["board"]["ideas"][0]["id"]
    board = invoke("phase", "board", workshop[:13].upper(), "--data-dir", folder)
    assert idea in board.stdout
    short = runner.invoke(app, ["workshop", "members", workshop[:7], "--data-dir", folder])
    assert short.exit_code == 2 and "at least 8 characters" in said(short)
    unknown = "0" * 8 if not workshop.startswith("0" * 8) else "f" * 8
    missing = runner.invoke(app, ["workshop", "members", unknown, "--data-dir", folder])
    assert missing.exit_code == 2 and f"no workshop id starts with '{unknown}'" in said(missing)
