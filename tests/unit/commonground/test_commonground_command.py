"""``tracktwo commonground analyze``: tables, one JSON document, the map, the export, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tracktwo.cli.commonground import app
from tracktwo.engines.commonground.polis_export import write_export
from tracktwo.engines.commonground.synthetic import planted_round

runner = CliRunner()


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    planted = planted_round(240, 16, 12, n_groups=2, polarised=True, seed=21)
    statements = pd.DataFrame(
        {
            "statement": planted.votes.statement_ids,
            "author": 0,
            "moderated": 1,
            "text": [f"statement number {i}" for i in range(16)],
        }
    )
    folder = tmp_path_factory.mktemp("round") / "export"
    groups = {int(v): int(g) for v, g in zip(planted.votes.voter_ids, planted.groups, strict=True)}
    return write_export(folder, planted.votes, groups=groups, statements=statements)


def test_analyze_prints_groups_representative_statements_and_rankings(export_dir):
    result = runner.invoke(app, ["analyze", str(export_dir)])
    assert result.exit_code == 0, result.output
    for heading in ("Opinion groups", "representative statements", "Consensus", "Bridging"):
        assert heading in result.output
    assert "agreement with Pol.is's own groups" in result.output


def test_json_prints_one_document_with_engine_versions_and_texts(export_dir):
    result = runner.invoke(app, ["analyze", str(export_dir), "--json", "--seed", "4"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["engine_version"] == "commonground/1.0"
    assert document["seed"] == 4
    assert document["statements"][0]["text"].startswith("statement number")


def test_map_and_export_write_their_files(export_dir, tmp_path):
    picture, folder = tmp_path / "map.png", tmp_path / "again"
    result = runner.invoke(
        app, ["analyze", str(export_dir), "--map", str(picture), "--export", str(folder)]
    )
    assert result.exit_code == 0, result.output
    assert picture.stat().st_size > 1000
    written = pd.read_csv(folder / "participants-votes.csv")
    assert written["group-id"].notna().mean() > 0.8
    assert "group-informed-consensus" in pd.read_csv(folder / "comments.csv").columns


def test_a_missing_folder_exits_with_status_2_and_says_why(tmp_path):
    result = runner.invoke(app, ["analyze", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "not a folder" in result.output


def test_a_bad_header_exits_with_status_2_naming_the_column(export_dir, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "comments.csv").write_text((export_dir / "comments.csv").read_text())
    (broken / "votes.csv").write_text("when,comment,who,vote\n")
    result = runner.invoke(app, ["analyze", str(broken)])
    assert result.exit_code == 2
    assert "comment-id" in result.output


def test_meta_names_metadata_statements_by_ids_and_ranges(export_dir):
    result = runner.invoke(app, ["analyze", str(export_dir), "--json", "--meta", "0,2-3"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["summary"]["metadata_statements"] == 3
    assert not {0, 2, 3} & {row["statement"] for row in document["statements"]}


def test_a_bad_meta_option_is_named_and_exits_2(export_dir):
    for bad, message in (("1,x", "'x'"), ("5-2", "runs backwards"), ("99", "[99]")):
        result = runner.invoke(app, ["analyze", str(export_dir), "--meta", bad])
        assert result.exit_code == 2, result.output
        assert message in result.output
