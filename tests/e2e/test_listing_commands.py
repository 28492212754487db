"""Listing commands: conflicts, a conflict's profile, the schedule, survey measures; ids whole."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tracktwo.cli.app import app
from tracktwo.demo import build_demo
from tracktwo.services.setup import initialise

runner = CliRunner()


def test_conflicts_schedule_and_measures_are_listed_with_whole_ids(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = initialise(folder)
    ids = build_demo(store, seed=7)
    store.dispose()
    data = ("--data-dir", str(folder))
    listed = json.loads(runner.invoke(app, ["conflict", "list", "--json", *data]).stdout)
    assert [c["id"] for c in listed] == [str(ids.conflict)]
    narrow = runner.invoke(app, ["conflict", "list", *data], terminal_width=80)
    assert str(ids.conflict)[:8] in narrow.stdout and "…" not in narrow.stdout
    shown = runner.invoke(app, ["conflict", "show", str(ids.conflict), *data]).stdout
    assert "buffer line" in shown and "Ilvan community" in shown
    sessions = json.loads(
        runner.invoke(app, ["schedule", "list", str(ids.first_workshop), "--json", *data]).stdout
    )
    assert len(sessions) == 5
    removed = runner.invoke(app, ["schedule", "remove", sessions[0]["id"], *data])
    assert removed.exit_code == 0
    after = json.loads(
        runner.invoke(app, ["schedule", "list", str(ids.first_workshop), "--json", *data]).stdout
    )
    assert [s["id"] for s in after] == [s["id"] for s in sessions[1:]]
    measures = runner.invoke(app, ["survey", "measures"]).stdout
    assert "thermometer-group: 0 to 100" in measures and "trust-group: 1 to 7" in measures
