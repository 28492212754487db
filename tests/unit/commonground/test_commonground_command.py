"""``tracktwo commonground analyze``: tables, one JSON document, the map, the export, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tracktwo.cli.commonground import app
from tracktwo.engines.commonground.pipeline import ENGINE_VERSION
from tracktwo.engines.commonground.synthetic import planted_round
from tracktwo.io.polis import write_export

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
    assert document["engine_version"] == ENGINE_VERSION
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


@pytest.fixture(scope="module")
def two_communities(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An export where statement 0 stands at 17% / 80%, 1 at 80% / 82%, 2 has 3 votes;
    and the communities file beside it (a byte-order mark and a header, as spreadsheets
    write)."""
    from tracktwo.engines.commonground.votes import VoteMatrix

    rows = []
    for community, shares in (("north", (17, 80)), ("south", (80, 82))):
        for index in range(100):
            voter = index if community == "north" else 100 + index
            for statement, agree in enumerate(shares):
                rows.append((voter, statement, 1 if index < agree else -1))
    rows += [(0, 2, 1), (1, 2, 1), (100, 2, 1)]
    votes = VoteMatrix.from_frame(
        pd.DataFrame(rows, columns=["voter", "statement", "vote"]), time=None
    )
    statements = pd.DataFrame(
        {
            "statement": [0, 1, 2],
            "author": 0,
            "moderated": 1,
            "text": ["port licences", "a water board", "a rarely seen idea"],
        }
    )
    folder = tmp_path_factory.mktemp("communities")
    export = write_export(folder / "export", votes, groups={}, statements=statements)
    table = folder / "communities.csv"
    lines = ["voter id,community"] + [f"{v},{'north' if v < 100 else 'south'}" for v in range(200)]
    table.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode())
    return export, table


def test_communities_give_what_both_support_what_divides_and_what_lacks_votes(
    two_communities,
):
    export, table = two_communities
    result = runner.invoke(app, ["analyze", str(export), "--communities", str(table), "--json"])
    assert result.exit_code == 0, result.output
    lists = json.loads(result.stdout)["common_ground"]
    assert [i["text"] for i in lists["both_support"]] == ["a water board"]
    assert [i["text"] for i in lists["divides"]] == ["port licences"]
    assert [i["text"] for i in lists["not_enough_votes"]] == ["a rarely seen idea"]
    assert lists["divides"][0]["communities"]["north"]["share"] == pytest.approx(0.17)
    printed = runner.invoke(app, ["analyze", str(export), "--communities", str(table)])
    assert printed.exit_code == 0, printed.output
    for heading in ("What both communities support", "What divides them", "Not enough votes"):
        assert heading in printed.output
    assert "at least 50%" in printed.output


def test_a_higher_threshold_leaves_nothing_supported_by_both(two_communities):
    export, table = two_communities
    result = runner.invoke(
        app,
        ["analyze", str(export), "--communities", str(table), "--threshold", "0.8", "--json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["common_ground"]["both_support"] == []


@pytest.mark.parametrize(
    "content, message",
    [
        ("1,north\n2\n", "row 2: give two values"),
        ("1,north\n1,south\n", "row 2: voter 1 is already in community 'north'"),
        ("9999,north\n", "names none of the export's voters"),
    ],
)
def test_a_bad_communities_file_is_refused_naming_the_row(
    two_communities, tmp_path, content, message
):
    export, _ = two_communities
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    result = runner.invoke(app, ["analyze", str(export), "--communities", str(bad)])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
