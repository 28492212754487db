"""``tracktwo retention enforce`` and ``tracktwo workshop destroy`` on the demo's series, and
``workshop create --retain-until``, from the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tracktwo.cli.app import app

runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def said(result: Any) -> str:
    """The command's output on one line (the console wraps long lines)."""
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("retention") / "data"
    result = invoke("demo", "--json", "--data-dir", str(folder))
    assert result.exit_code == 0, result.output
    return folder, json.loads(result.stdout)


@pytest.fixture
def folder(demo: tuple[Path, dict[str, Any]], tmp_path: Path) -> Path:
    """A copy of the demo's data folder (database and keys) for one test to destroy."""
    copy = tmp_path / "data"
    shutil.copytree(demo[0], copy)
    return copy


def family_names() -> list[str]:
    from tracktwo.demo.island import FAMILY_NAMES

    return [name for names in FAMILY_NAMES.values() for name in names] + ["Holloway"]


def key(folder: Path, workshop: str) -> Path:
    return folder / "keys" / "workshops" / f"{workshop}.key"


def test_a_workshop_is_created_with_a_retention_date_and_the_report_shows_it(
    demo: tuple[Path, dict[str, Any]], folder: Path
) -> None:
    _, report = demo
    assert report["workshop"]["retention_until"] == "2031-12-31"
    assert report["next_workshop"]["workshop"]["retention_until"] == "2032-12-31"
    conflict = report["conflict"]["id"]
    args = ("workshop", "create", conflict, "--title", "T", "--per-party", "3")
    past = runner.invoke(app, [*args, "--retain-until", "2020-01-01", "--data-dir", str(folder)])
    assert past.exit_code == 2 and "2020-01-01 is in the past" in said(past)
    made = invoke(*args, "--retain-until", "2040-06-30", "--data-dir", str(folder))
    assert made.exit_code == 0, made.output
    shown = invoke(
        "workshop", "report", made.stdout.split()[-1], "--json", "--data-dir", str(folder)
    )
    assert json.loads(shown.stdout)["workshop"]["retention_until"] == "2040-06-30"


def test_retention_enforce_destroys_what_is_past_its_date_once(
    demo: tuple[Path, dict[str, Any]], folder: Path
) -> None:
    _, report = demo
    first, later = report["workshop"]["id"], report["next_workshop"]["workshop"]["id"]
    enforce = ("retention", "enforce", "--today", "2032-01-01", "--data-dir", str(folder))
    dry = invoke(*enforce, "--dry-run", "--json")
    assert dry.exit_code == 0 and not json.loads(dry.stdout)["destruction"]["done"]
    assert key(folder, first).exists()
    done = invoke(*enforce)
    assert done.exit_code == 0, done.output
    text = said(done)
    assert f"destroyed workshop {first} 'Karsa problem-solving workshop I'" in text
    assert f"workshop {later}" in text and "4 carried idea(s)" in text
    assert not key(folder, first).exists() and key(folder, later).exists()
    assert not any(name in text for name in family_names()), "ids and titles, no names"
    again = invoke(*enforce, "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["destruction"]["destroyed"] == []
    quiet = invoke(*enforce)
    assert quiet.exit_code == 0 and "no workshop is past its retention date" in said(quiet)
    gone = runner.invoke(app, ["workshop", "report", first, "--data-dir", str(folder)])
    assert gone.exit_code == 2 and "no workshop" in said(gone)


def test_workshop_destroy_lists_what_the_next_workshop_keeps_before_destroying(
    demo: tuple[Path, dict[str, Any]], folder: Path
) -> None:
    _, report = demo
    first, later = report["workshop"]["id"], report["next_workshop"]["workshop"]["id"]
    carried = len(report["next_workshop"]["carried_ideas"])
    returning = sum(len(people) for people in report["members"].values())
    unconfirmed = runner.invoke(app, ["workshop", "destroy", first, "--data-dir", str(folder)])
    assert unconfirmed.exit_code == 2
    text = said(unconfirmed)
    assert "add --yes" in text and key(folder, first).exists()
    assert "NOT destroyed by destroying this workshop alone" in text
    assert (
        f"workshop {later} 'Karsa problem-solving workshop II' (no. 2, kept until 2032-12-31): "
        f"{carried} carried idea(s), {returning} returning participant(s)' identities"
    ) in text
    assert f"tracktwo workshop destroy {first} --series --yes" in text
    done = invoke("workshop", "destroy", first, "--yes", "--data-dir", str(folder))
    assert done.exit_code == 0, done.output
    assert f"destroyed workshop {first}" in said(done) and "NOT destroyed" in said(done)
    assert not key(folder, first).exists() and key(folder, later).exists()
    assert not any(name in said(done) for name in family_names())


def test_workshop_destroy_series_destroys_both_workshops_and_both_keys(
    demo: tuple[Path, dict[str, Any]], folder: Path
) -> None:
    _, report = demo
    first, later = report["workshop"]["id"], report["next_workshop"]["workshop"]["id"]
    done = invoke("workshop", "destroy", first, "--series", "--yes", "--data-dir", str(folder))
    assert done.exit_code == 0, done.output
    text = said(done)
    assert f"destroyed workshop {first}" in text and f"destroyed workshop {later}" in text
    assert "NOT destroyed" not in text
    assert not key(folder, first).exists() and not key(folder, later).exists()
    for workshop in (first, later):
        gone = runner.invoke(app, ["workshop", "report", workshop, "--data-dir", str(folder)])
        assert gone.exit_code == 2
