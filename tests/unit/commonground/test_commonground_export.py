"""Pol.is export folders: read by header name, latest vote wins, written back and read again."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tracktwo.errors import ValidationError
from tracktwo.io.polis import read_export, write_export


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def export_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "conversation"
    folder.mkdir()
    write_csv(
        folder / "comments.csv",
        ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated",
         "comment-body"],
        [[1000, "", 0, 5, 1, 1, 1, "Open the crossing"], [1001, "", 1, 5, 0, 0, -1, "Spam"],
         [1002, "", 2, 6, 1, 0, 1, "Share the water, fairly"]],
    )  # fmt: skip
    write_csv(
        folder / "votes.csv",
        ["timestamp", "datetime", "comment-id", "voter-id", "vote"],
        [[2000, "", 0, 10, -1], [2500, "", 0, 10, 1], [2100, "", 2, 10, 1], [2200, "", 0, 11, -1],
         [2300, "", 1, 11, 1], [2400, "", 2, 11, 0]],
    )  # fmt: skip
    write_csv(
        folder / "participants-votes.csv",
        ["participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree",
         "0", "1", "2"],
        [[10, "abc", 0, 0, 2, 2, 0, 1, "", 1], [11, "", "", 0, 3, 1, 1, -1, 1, 0]],
    )  # fmt: skip
    return folder


def test_reading_keeps_the_latest_vote_and_flags_moderated_out_statements(export_folder):
    export = read_export(export_folder)
    votes = export.votes.to_frame().set_index(["voter", "statement"])["vote"]
    assert votes[(10, 0)] == 1  # the 2500 vote replaced the 2000 one
    assert votes[(11, 2)] == 0
    moderated = dict(zip(export.votes.statement_ids, export.votes.moderated_out, strict=True))
    assert moderated == {0: False, 1: True, 2: False}
    assert export.polis_groups is not None
    assert export.polis_groups[10] == 0 and np.isnan(export.polis_groups[11])


def test_voters_are_ordered_by_their_first_vote_and_times_are_seconds(export_folder):
    export = read_export(export_folder)
    assert list(export.votes.voter_ids) == [10, 11]
    assert export.votes.times is not None and export.votes.times.min() == pytest.approx(2.1)


def test_a_written_export_reads_back_to_the_same_votes_and_groups(export_folder, tmp_path):
    export = read_export(export_folder)
    out = write_export(
        tmp_path / "out",
        export.votes,
        groups={10: 1, 11: -1},
        statements=export.statements,
        group_informed_consensus={0: 0.25, 2: 0.5},
        summary=export.summary,
    )
    again = read_export(out)
    assert (
        again.votes.to_frame()
        .sort_values(["voter", "statement"])
        .reset_index(drop=True)
        .equals(export.votes.to_frame().sort_values(["voter", "statement"]).reset_index(drop=True))
    )
    assert (again.votes.moderated_out == export.votes.moderated_out).all()
    assert again.polis_groups is not None and again.polis_groups[10] == 1
    comments = pd.read_csv(out / "comments.csv")
    assert comments.set_index("comment-id").loc[2, "group-informed-consensus"] == 0.5
    assert comments.set_index("comment-id").loc[0, "agrees"] == 1


def test_a_missing_folder_is_a_validation_error(tmp_path):
    with pytest.raises(ValidationError, match="not a folder"):
        read_export(tmp_path / "nowhere")


def test_a_missing_votes_file_is_a_validation_error(export_folder):
    (export_folder / "votes.csv").unlink()
    with pytest.raises(ValidationError, match=r"votes\.csv"):
        read_export(export_folder)


def test_a_header_without_the_needed_column_is_named(export_folder):
    write_csv(export_folder / "votes.csv", ["timestamp", "comment", "voter-id", "vote"], [])
    with pytest.raises(ValidationError, match="comment-id"):
        read_export(export_folder)


def test_a_vote_that_is_not_a_number_names_its_row(export_folder):
    write_csv(
        export_folder / "votes.csv",
        ["comment-id", "voter-id", "vote"],
        [[0, 10, 1], [0, 11, "yes"]],
    )
    with pytest.raises(ValidationError, match="row 3"):
        read_export(export_folder)


def test_votes_on_an_unknown_statement_are_refused(export_folder):
    write_csv(export_folder / "votes.csv", ["comment-id", "voter-id", "vote"], [[7, 10, 1]])
    with pytest.raises(ValidationError, match="comment-id"):
        read_export(export_folder)


def test_columns_are_found_by_name_in_any_order_and_without_timestamps(export_folder):
    write_csv(
        export_folder / "votes.csv",
        ["vote", "voter-id", "comment-id"],
        [[1, 10, 0], [-1, 11, 2]],
    )
    export = read_export(export_folder)
    assert export.votes.times is None
    assert export.votes.n_votes == 2


def test_metadata_statements_are_read_from_an_is_meta_column_or_named(export_folder):
    comments = pd.read_csv(export_folder / "comments.csv")
    comments["is-meta"] = [1, 0, 0]
    comments.to_csv(export_folder / "comments.csv", index=False)
    export = read_export(export_folder)
    assert dict(zip(export.votes.statement_ids, export.votes.meta, strict=True)) == {
        0: True, 1: False, 2: False,
    }  # fmt: skip
    both = read_export(export_folder, meta=[2])
    assert dict(zip(both.votes.statement_ids, both.votes.meta, strict=True)) == {
        0: True, 1: False, 2: True,
    }  # fmt: skip


def test_a_bad_is_meta_value_and_an_unknown_metadata_id_are_named(export_folder):
    comments = pd.read_csv(export_folder / "comments.csv")
    comments["is_meta"] = ["yes", "0", "0"]
    comments.to_csv(export_folder / "comments.csv", index=False)
    with pytest.raises(ValidationError, match="row 2: is_meta 'yes'"):
        read_export(export_folder)
    comments["is_meta"] = ["0", "0", "0"]
    comments.to_csv(export_folder / "comments.csv", index=False)
    with pytest.raises(ValidationError, match=r"metadata statement\(s\) \[7\]"):
        read_export(export_folder, meta=[7])


def test_metadata_flags_survive_a_written_export(export_folder, tmp_path):
    export = read_export(export_folder, meta=[2])
    folder = write_export(tmp_path / "out", export.votes, groups={10: 0, 11: 1})
    again = read_export(folder)
    assert dict(zip(again.votes.statement_ids, again.votes.meta, strict=True)) == {
        0: False, 1: False, 2: True,
    }  # fmt: skip
