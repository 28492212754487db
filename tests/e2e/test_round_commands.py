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


def test_a_panel_round_from_the_command_line_release_invite_flag_accept(tmp_path: Path) -> None:
    from tracktwo.domain.actors import Actor
    from tracktwo.services import ballots, phases

    folder = tmp_path / "data"
    store = initialise(folder)
    ids = build_demo(store, seed=7)
    ideas = [i.id for i in run(store, phases.board, Actor.operator(), ids.first_workshop).ideas]
    store.dispose()
    data = ("--data-dir", str(folder))
    released = invoke(
        "round", "release", str(ids.first_workshop), *ideas[:2], "--title", "Panel",
        "--mode", "invitation", *data,
    )  # fmt: skip
    assert released.exit_code == 0 and "round invite" in released.stdout
    round_id = released.stdout.split("round ")[1].split()[0]
    bad = runner.invoke(app, ["round", "release", str(ids.first_workshop), ideas[0],
                              "--title", "T", "--mode", "panel", *data])  # fmt: skip
    assert bad.exit_code == 2 and "not one of: open, invitation" in bad.output
    out = tmp_path / "panel.csv"
    made = invoke("round", "invite", round_id, "Sorai community", "--count", "2",
                  "--out", str(out), "--base-url", "https://t2.example", *data)  # fmt: skip
    assert made.exit_code == 0, made.output
    assert out.stat().st_mode & 0o777 == 0o600
    links = [line.split(",")[1] for line in out.read_text().splitlines()[1:]]
    assert len(links) == 2 and all(li.startswith("https://t2.example/i/") for li in links)
    again = runner.invoke(app, ["round", "invite", round_id, "Sorai community",
                                "--out", str(out), *data])  # fmt: skip
    assert again.exit_code == 2 and "cannot write" in again.output  # never overwrites

    store = initialise(folder)
    browser = ballots.new_ballot_token()
    for link in links:
        run(store, ballots.join_by_invitation, link.rsplit("/", 1)[1], browser)
    store.dispose()
    flags = json.loads(invoke("round", "flags", round_id, "--json", *data).stdout)
    assert len(flags) == 1 and flags[0]["communities"] == ["Sorai community"] * 2
    accepted = invoke("round", "accept", round_id, flags[0]["id"], *data)
    assert accepted.exit_code == 0 and "2 ballots" in accepted.stdout
    assert json.loads(invoke("round", "flags", round_id, "--json", *data).stdout)[0]["accepted"]
    unknown = runner.invoke(app, ["round", "accept", round_id, "ffffffffffff", *data])
    assert unknown.exit_code == 2 and "no flagged ballot" in unknown.output
