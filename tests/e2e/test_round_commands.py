"""``tracktwo round``: list, new links that void the old, close, analyse, export and re-analyse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.planted import OPERATOR, plant_round
from tracktwo.cli.app import app
from tracktwo.demo import build_demo
from tracktwo.errors import AccessDenied
from tracktwo.services import feedback
from tracktwo.services.commonground_rounds import carry_actions
from tracktwo.services.setup import initialise
from tracktwo.services.transaction import run

runner = CliRunner()


def invoke(*args: str) -> object:
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_a_round_from_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    store = initialise(folder)
    ids = build_demo(store, seed=7)
    planted = plant_round(store, ids.first_workshop)
    store.dispose()
    data = ("--data-dir", str(folder))
    listed = json.loads(invoke("round", "list", str(ids.first_workshop), "--json", *data).stdout)
    mine = next(r for r in listed if r["id"] == str(planted.round_id))
    assert mine["closed_at"] is None and mine["respondents"] == 200 and mine["opened_at"]

    renewed = invoke("round", "links", str(planted.round_id), *data)
    assert renewed.exit_code == 0 and "no longer let anyone in" in renewed.stdout
    store = initialise(folder)
    with pytest.raises(AccessDenied, match="not valid"):
        run(store, feedback.join_round, planted.links["Ilvan community"])
    new_secret = renewed.stdout.split("Ilvan community: /r/")[1].split()[0]
    assert run(store, feedback.join_round, new_secret).kind.value == "respondent"
    store.dispose()

    analysed = invoke("round", "analyse", str(planted.round_id), "--json", *data)
    assert planted.shared in json.dumps(json.loads(analysed.stdout)["both_support"])
    out = tmp_path / "export"
    exported = invoke("round", "export", str(planted.round_id), str(out), *data)
    assert exported.exit_code == 0, exported.stdout
    for name in ("participants-votes.csv", "comments.csv", "communities.csv", "votes-long.csv"):
        assert (out / name).is_file(), name
    again = runner.invoke(
        app,
        ["commonground", "analyze", str(out), "--json", "--communities",
         str(out / "communities.csv")],
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    lists = json.loads(again.stdout)["common_ground"]
    assert [s["statement"] for s in lists["both_support"]] == [1]
    # The analysis of the export feeds the next workshop as the round's own results do.
    carry = tmp_path / "carry.csv"
    written = runner.invoke(
        app,
        ["commonground", "analyze", str(out), "--communities", str(out / "communities.csv"),
         "--carry", str(carry)],
    )  # fmt: skip
    assert written.exit_code == 0, written.output
    store = initialise(folder)
    expected = run(store, carry_actions, OPERATOR, planted.round_id)
    store.dispose()
    rows = dict(line.split(",") for line in carry.read_text().split()[1:])
    assert rows == {str(idea): action for idea, action in expected.items()}
    carried = invoke(
        "workshop", "carry", str(ids.next_workshop), "--actions-from", str(carry), *data
    )
    assert carried.exit_code == 0 and "carried" in carried.stdout

    assert invoke("round", "close", str(planted.round_id), *data).exit_code == 0
    store = initialise(folder)
    with pytest.raises(AccessDenied, match="closed"):
        run(store, feedback.join_round, new_secret)
    store.dispose()
    listed = json.loads(invoke("round", "list", str(ids.first_workshop), "--json", *data).stdout)
    assert next(r for r in listed if r["id"] == str(planted.round_id))["closed_at"]
