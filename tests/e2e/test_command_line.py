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
    result = invoke("demo", "--json", "--reveal", "--data-dir", str(folder))
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
        (("workshop", "compose", "WORKSHOP", "--require-role", "general=1"), "roles of the"),
        (("conflict", "roles", "CONFLICT", "--role", "youth"), "a held role stays"),
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


def demo_names() -> list[str]:
    """Every person's name the demo invents: candidates and facilitators."""
    from tracktwo.demo.island import FAMILY_NAMES, FIRST_NAMES

    names = ["Maren Holloway", "Tobias Wren"]
    for party, firsts in FIRST_NAMES.items():
        families = FAMILY_NAMES[party]
        names += [f"{first} {families[i % len(families)]}" for i, first in enumerate(firsts)]
    return names


def files_holding(folder: Path, names: list[str]) -> dict[str, list[str]]:
    """Return, per file anywhere in ``folder``, the names (or family names) it holds."""
    found: dict[str, list[str]] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            hits = [n for n in names if n.encode() in raw or n.split()[-1].encode() in raw]
            if hits:
                found[str(path.relative_to(folder))] = hits
    return found


def test_run_prepares_the_data_folder_once_and_writes_no_name_beside_the_database(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "demo-report.json").write_text('{"members": "left by an earlier version"}')
    first = invoke("run", "--no-serve", "--data-dir", str(folder))
    assert first.exit_code == 0, first.output
    assert not (folder / "demo-report.json").exists(), "the old plain-text report is removed"
    assert "(sealed)" in first.stdout
    names = demo_names()
    assert len(names) >= 10
    printed = " ".join(first.stdout.split())
    assert not any(name.split()[-1] in printed for name in names), "names only with --reveal"
    assert files_holding(folder, names) == {}
    second = invoke("run", "--no-serve", "--data-dir", str(folder))
    assert second.exit_code == 0
    assert "holds work: it is served as it is" in " ".join(second.stdout.split())
    assert files_holding(folder, names) == {}


def test_workshop_report_shows_names_only_with_reveal_and_audits_each(
    demo_dir: tuple[Path, dict[str, Any]],
) -> None:
    folder, report = demo_dir
    workshop = report["workshop"]["id"]
    names = demo_names()
    hidden = invoke("workshop", "report", workshop, "--json", "--data-dir", str(folder))
    assert hidden.exit_code == 0, hidden.output
    assert not any(name in hidden.stdout for name in names)
    assert all("name" not in f for f in json.loads(hidden.stdout)["third_party"])
    before = len(json.loads(invoke("audit", workshop, "--data-dir", str(folder)).stdout))
    shown = invoke("workshop", "report", workshop, "--reveal", "--json", "--data-dir", str(folder))
    members = [m for people in json.loads(shown.stdout)["members"].values() for m in people]
    assert all(m["name"] in names for m in members)
    trail = json.loads(invoke("audit", workshop, "--data-dir", str(folder)).stdout)
    reads = [e for e in trail[before:] if e["action"] == "read-identity"]
    assert len(reads) == len(members) + len(json.loads(shown.stdout)["third_party"])


def test_an_unknown_workshop_in_the_audit_command_exits_2(
    demo_dir: tuple[Path, dict[str, Any]],
) -> None:
    folder, _ = demo_dir
    unknown = runner.invoke(
        app, ["audit", "00000000-0000-4000-8000-000000000009", "--data-dir", str(folder)]
    )
    assert unknown.exit_code == 2 and "no workshop" in unknown.output


def _party_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for row in rows if row["party"] != "all"]


def test_no_output_that_leaves_the_room_gives_a_figure_for_a_party_below_five(
    demo_dir: tuple[Path, dict[str, Any]],
) -> None:
    """The demo's parties have 4 members each: below the default k of 5, so every output
    that leaves the facilitator's screen pools or withholds their figures."""
    folder, demo = demo_dir
    workshop = demo["workshop"]["id"]
    report = json.loads(
        invoke("workshop", "report", workshop, "--json", "--data-dir", str(folder)).stdout
    )
    assert all(len(people) == 4 for people in report["members"].values())
    for output in (demo, report):
        effects = output["survey_effects"]
        for key in ("pre_to_post", "pre_to_follow_up", "individual_group_gap"):
            rows = _party_rows(effects[key])
            assert rows and all(r["suppressed"] for r in rows), key
            assert all(r.get("mean_change") is None and r.get("gap") is None for r in rows)
        for idea in output["board"]["ideas"]:
            for support in idea["support"].values():
                assert support["mean"] is None and support["ratings"] < 5
        assert "risk_register" not in output
        # Pooled across parties, never per party or per person.
        assert set(output["reentry"]) <= {"followed_up", "high", "elevated", "low", "withheld"}
    board = json.loads(invoke("phase", "board", workshop, "--data-dir", str(folder)).stdout)
    assert all(s["mean"] is None for i in board["ideas"] for s in i["support"].values())
    effects = json.loads(
        invoke("survey", "effects", workshop, "--json", "--data-dir", str(folder)).stdout
    )
    assert all(r["suppressed"] for r in _party_rows(effects["change"]))
    pooled = json.loads(
        invoke("survey", "risks", workshop, "--json", "--data-dir", str(folder)).stdout
    )
    assert set(pooled) <= {"followed_up", "high", "elevated", "low", "withheld"}
    assert pooled["followed_up"] >= 5 or pooled["high"] is None
    refused = runner.invoke(
        app, ["survey", "effects", workshop, "--min-group", "2", "--data-dir", str(folder)]
    )
    assert refused.exit_code != 0 and "give 3 or more" in " ".join(refused.output.split())


def test_a_conflict_opens_with_its_own_roles_and_the_operator_edits_them(tmp_path: Path) -> None:
    folder = str(tmp_path / "data")
    assert invoke("init", "--data-dir", folder).exit_code == 0
    created = invoke("conflict", "create", "Valley", "--party", "Up", "--party", "Down",
                     "--stage", "pre-negotiation", "--kind", "internal-identity",
                     "--misperception", "0.4", "--role", "mayor", "--role", "elder",
                     "--data-dir", folder)  # fmt: skip
    assert created.exit_code == 0, created.output
    conflict = created.stdout.split()[-1]
    shown = invoke("conflict", "roles", conflict, "--json", "--data-dir", folder)
    assert json.loads(shown.stdout) == ["mayor", "elder"]
    assert (
        "roles: mayor, elder" in invoke("conflict", "show", conflict, "--data-dir", folder).stdout
    )
    workshop = invoke(
        "workshop", "create", conflict, "--title", "W", "--per-party", "3", "--data-dir", folder
    ).stdout.split()[-1]
    scores = ["--credibility", "0.5", "--openness", "0.5", "--status", "0.5"]
    person = ["candidate", "add", workshop, "--party", "Up", "--influence", "0.5", *scores,
              "--key-person"]  # fmt: skip
    refused = runner.invoke(
        app, [*person, "--name", "A", "--role", "scholar", "--data-dir", folder]
    )
    assert refused.exit_code == 2 and "roles of the conflict" in refused.output
    assert invoke(*person, "--name", "B", "--role", "elder", "--data-dir", folder).exit_code == 0
    edited = invoke("conflict", "roles", conflict, "--role", "elder", "--role", "teacher",
                    "--data-dir", folder)  # fmt: skip
    assert edited.exit_code == 0 and edited.stdout.split() == ["elder", "teacher"]
    kept = runner.invoke(app, ["conflict", "roles", conflict, "--role", "teacher",
                               "--data-dir", folder])  # fmt: skip
    assert kept.exit_code == 2 and "a held role stays" in kept.output


def test_a_lifecycle_can_be_driven_step_by_step_from_the_command_line(tmp_path: Path) -> None:
    folder = str(tmp_path / "data")
    assert invoke("init", "--data-dir", folder).exit_code == 0
    created = invoke(
        "conflict",
        "create",
        "Test",
        "--party",
        "North",
        "--party",
        "South",
        "--stage",
        "active-negotiation",
        "--kind",
        "inter-state",
        "--misperception",
        "0.4",
        "--data-dir",
        folder,
    )
    conflict = created.stdout.split()[-1]
    invoke(
        "conflict",
        "ripeness",
        conflict,
        "--party",
        "North",
        "--on",
        "2025-01-01",
        "--cannot-win-alone",
        "--pain",
        "0.8",
        "--data-dir",
        folder,
    )
    ripeness = invoke("conflict", "ripeness", conflict, "--json", "--data-dir", folder)
    assert json.loads(ripeness.stdout)["points"][0]["state"] == "ripening"
    workshop = invoke(
        "workshop", "create", conflict, "--title", "W", "--per-party", "3", "--data-dir", folder
    ).stdout.split()[-1]
    added = invoke(
        "workshop",
        "facilitator",
        workshop,
        "--name",
        "Dr. Test",
        "--impartiality",
        "0.9",
        "--communication",
        "0.9",
        "--sensitivity",
        "0.9",
        "--credibility",
        "North=0.8",
        "--credibility",
        "South=0.7",
        "--lead",
        "--data-dir",
        folder,
    )
    assert added.exit_code == 0, added.output
    ids: dict[str, list[str]] = {"North": [], "South": []}
    for party in ("North", "South"):
        for index in range(4):
            args = [
                "candidate",
                "add",
                workshop,
                "--party",
                party,
                "--name",
                f"{party} Person{index}",
                "--role",
                ["scholar", "journalist"][index % 2],
                "--influence",
                "0.5",
                "--credibility",
                "0.6",
                "--openness",
                "0.7",
                "--status",
                "0.5",
                "--data-dir",
                folder,
            ]
            if index == 0:
                args.append("--key-person")
            result = invoke(*args)
            assert result.exit_code == 0, result.output
            ids[party].append(result.stdout.split()[-1])
            if index:
                invoke(
                    "candidate",
                    "refer",
                    workshop,
                    "--referrer",
                    ids[party][0],
                    "--referred",
                    ids[party][-1],
                    "--data-dir",
                    folder,
                )
            invoke(
                "candidate",
                "brief",
                ids[party][-1],
                "--on",
                "2025-02-01",
                "--commitment",
                "given",
                "--rule",
                "privacy",
                "--rule",
                "no-fault",
                "--rule",
                "equality",
                "--data-dir",
                folder,
            )
    snowball = json.loads(
        invoke("candidate", "snowball", workshop, "--json", "--data-dir", folder).stdout
    )
    assert len(snowball["edges"]) == 6
    composed = invoke(
        "workshop", "compose", workshop, "--per-party", "3", "--json", "--data-dir", folder
    )
    assert composed.exit_code == 0, composed.output
    members = json.loads(
        invoke("workshop", "members", workshop, "--json", "--data-dir", folder).stdout
    )
    north = next(m for m in members if m["party"] == "North")["member_id"]
    south = next(m for m in members if m["party"] == "South")["member_id"]
    assert invoke("phase", "open", workshop, "analysis", "--data-dir", folder).exit_code == 0
    concern = invoke(
        "phase",
        "concern",
        workshop,
        "--member",
        north,
        "--kind",
        "fear",
        "--text",
        "losing the harbour",
        "--data-dir",
        folder,
    ).stdout.split()[-1]
    ack = invoke(
        "phase",
        "acknowledge",
        concern,
        "--member",
        south,
        "--restatement",
        "you fear losing the harbour",
        "--data-dir",
        folder,
    ).stdout.split()[-1]
    invoke("phase", "confirm", ack, "--member", north, "--data-dir", folder)
    assert invoke("phase", "close", workshop, "--data-dir", folder).exit_code == 0
    invoke("phase", "open", workshop, "problem-solving", "--data-dir", folder)
    idea = invoke(
        "phase",
        "idea",
        workshop,
        "--member",
        south,
        "--text",
        "a shared harbour",
        "--answers",
        concern,
        "--data-dir",
        folder,
    ).stdout.split()[-1]
    for member in (north, south):
        invoke("phase", "rate", idea, "--member", member, "--value", "5", "--data-dir", folder)
    board = json.loads(invoke("phase", "board", workshop, "--data-dir", folder).stdout)
    assert board["concerns"][0]["acknowledged"]
    assert board["ideas"][0]["supported_by_both"]
    assert (
        invoke(
            "survey",
            "reentry",
            north,
            "--on",
            "2025-09-01",
            "--pressure",
            "0.9",
            "--marginalisation",
            "0.7",
            "--data-dir",
            folder,
        ).exit_code
        == 0
    )
    on_screen = invoke("survey", "risks", workshop, "--data-dir", folder).stdout
    assert "high" in on_screen and member_id_prefix(north) in on_screen
    pooled = json.loads(invoke("survey", "risks", workshop, "--json", "--data-dir", folder).stdout)
    assert pooled == {
        "followed_up": 1, "high": None, "elevated": None, "low": None,
        "withheld": "fewer than 5 members followed up",
    }  # fmt: skip
    assert (
        invoke(
            "transfer",
            "log",
            idea,
            "--channel",
            "media",
            "--recipient",
            "a daily",
            "--on",
            "2025-10-01",
            "--data-dir",
            folder,
        ).exit_code
        == 0
    )
    refused = runner.invoke(
        app,
        [
            "phase",
            "idea",
            workshop,
            "--member",
            "nobody",
            "--text",
            "x",
            "--answers",
            concern,
            "--data-dir",
            folder,
        ],
    )
    assert refused.exit_code == 2


def member_id_prefix(member_id: str) -> str:
    """The first characters of an id, as a narrow table may cut it."""
    return member_id[:5]


def test_the_demo_report_is_the_one_recorded_before_the_service_layer_refactoring(
    tmp_path: Path,
) -> None:
    from tests.demo_snapshot import masked

    result = invoke("demo", "--json", "--data-dir", str(tmp_path / "data"))
    assert result.exit_code == 0, result.output
    recorded = json.loads(
        (Path(__file__).parents[1] / "data" / "demo-report.masked.json").read_text()
    )
    now = masked(result.stdout)
    differing = [key for key in recorded if recorded[key] != now.get(key)]
    assert not differing and set(now) == set(recorded), differing
