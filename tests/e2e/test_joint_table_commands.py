"""The joint table from the command line: phases opened and closed in order, contributions
hidden or merged with a reason, shared visions endorsed and amended."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tracktwo.cli.app import app
from tracktwo.demo import build_demo
from tracktwo.domain.actors import Actor
from tracktwo.services import phases, recruitment
from tracktwo.services.setup import initialise
from tracktwo.services.transaction import run

runner = CliRunner()
OPERATOR = Actor.operator()


def _invoke(folder: Path, *args: str) -> Any:
    return runner.invoke(app, [*args, "--data-dir", str(folder)], terminal_width=200)


def test_the_third_party_runs_the_joint_table_from_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = initialise(folder)
    try:
        ids = build_demo(store, seed=7)
        workshop, fresh = str(ids.first_workshop), str(ids.next_workshop)
        board = run(store, phases.board, OPERATOR, ids.first_workshop)
        members = run(store, recruitment.members, OPERATOR, ids.first_workshop)
    finally:
        store.dispose()
    north = next(m.member_id for m in members if m.party == board.concerns[0].party)
    south = next(m.member_id for m in members if m.party != board.concerns[0].party)

    status = _invoke(folder, "phase", "status", workshop, "--json")
    assert status.exit_code == 0, status.output
    assert json.loads(status.stdout)["open"] == []
    skipped = _invoke(folder, "phase", "open", fresh[:8], "constraints")
    assert skipped.exit_code == 2 and "phases in order" in skipped.output
    assert _invoke(folder, "phase", "open", workshop, "analysis").exit_code == 0
    out_of_phase = _invoke(folder, "phase", "vision", workshop, "--member", north, "--text", "x")
    assert out_of_phase.exit_code == 2 and "not open" in out_of_phase.output
    first, second = [c.id for c in board.concerns if c.party == board.concerns[0].party][:2]
    merged = _invoke(folder, "phase", "merge", "concern", second[:8], "--into", first,
                     "--reason", "the same fear")  # fmt: skip
    assert merged.exit_code == 0, merged.output
    hidden = _invoke(folder, "phase", "hide", "idea", board.ideas[-1].id, "--reason", "a name")
    assert hidden.exit_code == 0, hidden.output
    listed = json.loads(_invoke(folder, "phase", "moderations", workshop, "--json").stdout)
    assert [(m["action"], m["reason"]) for m in listed] == [
        ("merge", "the same fear"),
        ("hide", "a name"),
    ]
    assert _invoke(folder, "phase", "close", workshop).stdout.strip() == "analysis: closed"
    _invoke(folder, "phase", "open", workshop, "reassurance")
    written = _invoke(folder, "phase", "vision", workshop, "--member", north, "--text", "one sea")
    vision = written.stdout.split()[-1]
    amended = _invoke(folder, "phase", "amend", vision, "--member", south, "--text", "one open sea")
    assert amended.exit_code == 0, amended.output
    amendment = amended.stdout.split()[1]
    assert _invoke(folder, "phase", "endorse", amendment, "--member", north).exit_code == 0
    shown = json.loads(_invoke(folder, "phase", "board", workshop).stdout)["shared_vision"]
    last = next(v for v in shown if v["id"] == amendment)
    assert last["amends"] == vision and len(last["endorsed_by"]) == 2
    help_text = _invoke(folder, "phase", "hide", "--help").stdout
    for value in ("concern", "idea", "constraint", "reassurance-step", "shared-vision"):
        assert value in help_text
