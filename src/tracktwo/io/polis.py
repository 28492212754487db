"""Read and write Pol.is export folders: comments.csv, votes.csv, participants-votes.csv.

The format itself (columns, vote signs, moderation, which vote counts) is described and
turned into a :class:`~tracktwo.engines.commonground.votes.VoteMatrix` by
:mod:`tracktwo.engines.commonground.polis_export`; this module only touches the files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from tracktwo.engines.commonground.polis_export import (
    COMMENT_COLUMNS,
    COMMENTS_FILE,
    GROUP_COLUMNS,
    PARTICIPANTS_FILE,
    SUMMARY_FILE,
    VOTE_COLUMNS,
    VOTES_FILE,
    PolisExport,
    comments_table,
    default_statements,
    groups_from_frame,
    participants_table,
    summary_rows,
    votes_from_frames,
    votes_table,
)
from tracktwo.engines.commonground.votes import VoteMatrix
from tracktwo.errors import ValidationError
from tracktwo.io.text_files import read_text_file

COMMUNITY_HEADERS = {"voter", "voter-id", "voter_id", "voter id", "participant", "pid"}


def _read_csv(path: Path, required: Sequence[str]) -> pd.DataFrame:
    """Read a CSV file and check its header names the ``required`` columns."""
    if not path.is_file():
        raise ValidationError(f"{path} does not exist; a Pol.is export folder needs {path.name}")
    text = read_text_file(path, "export file")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as error:
        raise ValidationError(f"{path} is not a readable CSV file: {error}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValidationError(
            f"{path} lacks the column(s) {missing}; its header is {list(frame.columns)}"
        )
    return frame


def read_communities(path: str | Path, voter_ids: Sequence[Any]) -> dict[Any, str]:
    """Read a CSV of ``voter id, community`` (header optional); return community per voter.

    Raise ValidationError naming the row of a malformed line, a voter given two
    communities, or a file that names none of ``voter_ids``. Voters of the file who never
    voted are ignored; voters left out of it count in no community.
    """
    path = Path(path)
    content = read_text_file(path, "communities file")
    known = {str(voter): voter for voter in voter_ids}
    found: dict[Any, str] = {}
    try:
        rows = list(csv.reader(io.StringIO(content, newline="")))
    except csv.Error as error:
        raise ValidationError(f"{path} is not a readable CSV file: {error}") from None
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() in COMMUNITY_HEADERS:
            continue
        if len(cells) != 2 or not cells[0] or not cells[1]:
            raise ValidationError(
                f"{path.name} row {number}: give two values, a voter id and a community; "
                f"found {len(cells)}"
            )
        voter = known.get(cells[0])
        if voter is None:
            continue
        if found.get(voter, cells[1]) != cells[1]:
            raise ValidationError(
                f"{path.name} row {number}: voter {cells[0]} is already in community "
                f"{found[voter]!r}"
            )
        found[voter] = cells[1]
    if not found:
        raise ValidationError(
            f"{path} names none of the export's voters; its first column must hold voter ids"
        )
    return found


def read_export(folder: str | Path, meta: Sequence[int] | None = None) -> PolisExport:
    """Read a Pol.is export folder; raise ValidationError naming what is missing or malformed.

    Participant-metadata statements (Pol.is's ``is_meta``) are read from an ``is-meta`` or
    ``is_meta`` column of ``comments.csv`` when it has one; Pol.is's own exports do not carry
    the flag, so ``meta`` (comment ids) lets the analyst name them, as the conversation's
    moderator did. Either way they are zeroed out of the map and the groups, as in Pol.is.
    """
    root = Path(folder)
    if not root.is_dir():
        raise ValidationError(f"{root} is not a folder; give the folder of a Pol.is export")
    comments = _read_csv(root / COMMENTS_FILE, COMMENT_COLUMNS)
    raw_votes = _read_csv(root / VOTES_FILE, VOTE_COLUMNS)
    votes, statements, code = votes_from_frames(comments, raw_votes, meta)
    return PolisExport(
        folder=root,
        votes=votes,
        statements=statements,
        polis_groups=_read_groups(root / PARTICIPANTS_FILE),
        summary=_read_summary(root / SUMMARY_FILE),
        polis_code=code,
    )


def _read_groups(path: Path) -> pd.Series | None:
    """Return Pol.is's ``group-id`` per participant (float, NaN = not clustered), if present."""
    if not path.is_file():
        return None
    return groups_from_frame(_read_csv(path, GROUP_COLUMNS), path.name)


def _read_summary(path: Path) -> dict[str, str]:
    """Return the key/value rows of ``summary.csv`` (empty when absent)."""
    if not path.is_file():
        return {}
    text = read_text_file(path, "export file")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ValidationError(f"{path} is not a readable CSV file: {error}") from None
    return {row[0]: (row[1] if len(row) > 1 else "") for row in rows if row}


def _write_rows(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Write a CSV file of one header row and ``rows``."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_export(
    folder: str | Path,
    votes: VoteMatrix,
    *,
    groups: Mapping[Any, int],
    statements: pd.DataFrame | None = None,
    group_informed_consensus: Mapping[Any, float] | None = None,
    summary: Mapping[str, Any] | None = None,
) -> Path:
    """Write a Pol.is-format export folder and return its path.

    ``groups`` maps voter id to our opinion group (voters not clustered are left blank);
    ``statements`` (``statement``, ``author``, ``moderated``, ``text``, optionally
    ``created`` in ms) supplies the comment rows; ``group_informed_consensus`` fills the
    column of that name that newer Pol.is exports carry, and an ``is-meta`` column keeps the
    participant-metadata flags (read back by :func:`read_export`). Votes are written once
    each (the latest), agree = 1.
    """
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    _write_rows(root / VOTES_FILE, *votes_table(votes))
    if statements is None:
        statements = default_statements(votes)
    _write_rows(root / COMMENTS_FILE, *comments_table(votes, statements, group_informed_consensus))
    _write_rows(root / PARTICIPANTS_FILE, *participants_table(votes, groups, statements))
    with (root / SUMMARY_FILE).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(summary_rows(votes, groups, summary))
    return root


COMMUNITIES_FILE = "communities.csv"
LONG_VOTES_FILE = "votes-long.csv"
IDEAS_FILE = "ideas.csv"


def write_round_export(
    folder: str | Path,
    votes: VoteMatrix,
    *,
    groups: Mapping[Any, int],
    statements: pd.DataFrame,
    communities: Mapping[Any, str],
    group_informed_consensus: Mapping[Any, float] | None = None,
    ideas: Mapping[int, str] | None = None,
) -> Path:
    """Write a feedback round as a Pol.is-format export folder, plus ``communities.csv``
    (voter id, community: what ``commonground analyze --communities`` reads back),
    ``votes-long.csv`` (voter, community, statement, vote: one row per vote, for a
    spreadsheet) and ``ideas.csv`` (statement, the workshop idea it was released from: what
    ``commonground analyze --carry`` needs to say what to do with each idea)."""
    root = write_export(
        folder,
        votes,
        groups=groups,
        statements=statements,
        group_informed_consensus=group_informed_consensus,
    )
    _write_rows(
        root / COMMUNITIES_FILE,
        ["voter", "community"],
        [[voter, community] for voter, community in communities.items()],
    )
    voter_ids, statement_ids = votes.voter_ids, votes.statement_ids
    _write_rows(
        root / LONG_VOTES_FILE,
        ["voter", "community", "statement", "vote"],
        [
            [voter_ids[r], communities.get(voter_ids[r], ""), statement_ids[c], int(v)]
            for r, c, v in zip(votes.rows, votes.cols, votes.values, strict=True)
        ],
    )
    _write_rows(
        root / IDEAS_FILE,
        ["statement", "idea"],
        [[statement, idea] for statement, idea in sorted((ideas or {}).items())],
    )
    return root


def read_round_ideas(folder: str | Path) -> dict[int, str]:
    """Read ``ideas.csv`` of a round export: the idea each statement was released from."""
    path = Path(folder) / IDEAS_FILE
    if not path.is_file():
        raise ValidationError(
            f"{path} is missing: only a round exported by tracktwo knows which workshop idea "
            "each statement came from"
        )
    frame = _read_csv(path, ["statement", "idea"])
    return dict(zip(frame["statement"].astype(int), frame["idea"].astype(str), strict=True))


def write_carry_actions(path: str | Path, actions: Mapping[str, str]) -> Path:
    """Write ``idea, action`` rows: what ``workshop carry --actions-from`` reads."""
    target = Path(path)
    _write_rows(target, ["idea", "action"], [[i, a] for i, a in actions.items()])
    return target


def read_carry_actions(path: str | Path) -> dict[str, str]:
    """Read the ``idea, action`` rows written by ``commonground analyze --carry``."""
    frame = _read_csv(Path(path), ["idea", "action"])
    return dict(zip(frame["idea"].astype(str), frame["action"].astype(str), strict=True))
