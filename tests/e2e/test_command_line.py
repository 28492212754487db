"""The ``tracktwo`` command: demo report, lifecycle steps, and exit status 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tracktwo.cli.app import app

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("cli") / "data"
    result = invoke("demo", "--json", "--data-dir", str(folder))
    assert result.exit_code == 0, result.output
    return folder, json.loads(result.stdout)


def test_demo_json_holds_each_elements_result(demo_dir: tuple[Path, dict[str, Any]]) -> None:
    _, report = demo_dir
    for key in (
        "ripeness",
        "snowball",
        "members",
        "composition",
        "schedule",
        "board",
        "contact_conditions",
        "survey_effects",
        "transfers",
        "next_workshop",
    ):
        assert report[key], key
    members = [m for people in report["members"].values() for m in people]
    assert all(isinstance(m["name"], str) and m["name"] for m in members)
    assert "status_gap" in report["composition"]
    assert {c["acknowledged"] for c in report["board"]["concerns"]} == {True}
    assert all(set(idea["support"]) == set(report["members"]) for idea in report["board"]["ideas"])


def test_no_demo_name_is_in_the_bytes_of_the_sqlite_file(
    demo_dir: tuple[Path, dict[str, Any]],
) -> None:
    folder, report = demo_dir
    raw = b"".join(p.read_bytes() for p in folder.iterdir() if p.name.startswith("tracktwo.db"))
    names = [m["name"] for people in report["members"].values() for m in people]
    for name in names:
        for part in name.split():
            assert part.encode() not in raw


def test_lifecycle_commands_print_json_for_scripts(demo_dir: tuple[Path, dict[str, Any]]) -> None:
    folder, report = demo_dir
    workshop = report["workshop"]["id"]
    conflict = report["conflict"]["id"]
    ripeness = invoke("conflict", "ripeness", conflict, "--json", "--data-dir", str(folder))
    assert json.loads(ripeness.stdout)["points"][-1]["state"] == "ripe"
    conditions = invoke("workshop", "conditions", workshop, "--json", "--data-dir", str(folder))
    assert len(json.loads(conditions.stdout)["scores"]) == 5
    ics = invoke("schedule", "ics", workshop, "--data-dir", str(folder))
    assert ics.stdout.startswith("BEGIN:VCALENDAR") and ics.stdout.count("BEGIN:VEVENT") == 5
    members = json.loads(
        invoke("workshop", "members", workshop, "--json", "--data-dir", str(folder)).stdout
    )
    assert all("name" not in m for m in members), "names appear only with --reveal"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("workshop", "members", "00000000-0000-0000-0000-000000000000"), "no workshop"),
        (("workshop", "members", "nonsense"), "not a valid workshop id"),
        (("workshop", "create", "CONFLICT", "--title", "T", "--per-party", "7"), "per party"),
        (("workshop", "create", "CONFLICT", "--title", "T", "--per-party", "2"), "per party"),
        (("survey", "import", "WORKSHOP", "BADFILE"), "lacks column"),
        (("workshop", "compose", "WORKSHOP", "--require-role", "youth=4"), "required_roles"),
    ],
)
def test_bad_input_gets_a_clear_message_and_exit_status_2(
    demo_dir: tuple[Path, dict[str, Any]], tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    folder, report = demo_dir
    bad = tmp_path / "survey.csv"
    bad.write_text("participant,wave\nx,pre\n")
    filled = [
        a.replace("CONFLICT", report["conflict"]["id"])
        .replace("WORKSHOP", report["workshop"]["id"])
        .replace("BADFILE", str(bad))
        for a in args
    ]
    result = runner.invoke(app, [*filled, "--data-dir", str(folder)])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_run_prepares_the_data_folder_once(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    first = invoke("run", "--no-serve", "--data-dir", str(folder))
    assert first.exit_code == 0 and (folder / "demo-report.json").exists()
    second = invoke("run", "--no-serve", "--data-dir", str(folder))
    assert second.exit_code == 0 and "already" in second.stdout
