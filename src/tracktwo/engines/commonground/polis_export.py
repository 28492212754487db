"""Read and write Pol.is export folders: comments.csv, votes.csv, participants-votes.csv.

The export format is the one of Pol.is's ``darwin/export.clj`` (and of the open-data
collection): votes use agree = 1, disagree = -1, pass = 0 (Pol.is's math stores agree as
-1; its exports flip the sign); a voter may vote on a statement more than once and the
latest vote counts; ``moderated`` is 1 (accepted), 0 (not yet moderated) or -1 (moderated
out). Columns are found by header name, since exports of different Pol.is versions differ
(newer ones add an ``xid`` column to ``participants-votes.csv``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from tracktwo.engines.commonground.polis_groups import (
    CURRENT_CODE,
    PolisParameters,
    polis_code_for,
)
from tracktwo.engines.commonground.votes import VoteMatrix
from tracktwo.errors import ValidationError

COMMENT_COLUMNS = ("comment-id", "moderated", "comment-body")
META_COLUMNS = ("is-meta", "is_meta")
VOTE_COLUMNS = ("comment-id", "voter-id", "vote")
MODERATED_OUT = -1


@dataclass(frozen=True, eq=False)
class PolisExport:
    """A Pol.is conversation as read from its export folder.

    ``votes`` holds the latest vote of every voter on every statement, voters in the order of
    their first vote, times in seconds; moderated-out statements are flagged in
    ``votes.moderated_out`` (and dropped from every result). ``statements`` has one row per
    statement of ``votes`` (``statement``, ``author``, ``moderated``, ``text``, ``created``);
    ``polis_groups`` is Pol.is's own ``group-id`` per participant when the folder has a
    ``participants-votes.csv`` (NaN where Pol.is left the participant out). ``polis_code``
    names the Pol.is math that computed those groups, from the date of the last vote
    (``"2017"`` or ``"current"``, see :func:`~.polis_groups.polis_code_for`);
    :meth:`polis_parameters` gives the parameters that follow the same math.
    """

    folder: Path
    votes: VoteMatrix
    statements: pd.DataFrame
    polis_groups: pd.Series | None
    summary: dict[str, str]
    polis_code: str = CURRENT_CODE

    def polis_parameters(self) -> PolisParameters:
        """Return Pol.is's parameters with the math that computed this export."""
        return PolisParameters(code=self.polis_code)


def _read_csv(path: Path, required: Sequence[str]) -> pd.DataFrame:
    """Read a CSV file and check its header names the ``required`` columns."""
    if not path.is_file():
        raise ValidationError(f"{path} does not exist; a Pol.is export folder needs {path.name}")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ValidationError(f"{path} is not a readable CSV file: {error}") from error
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValidationError(
            f"{path} lacks the column(s) {missing}; its header is {list(frame.columns)}"
        )
    return frame


def _integers(frame: pd.DataFrame, column: str, path: Path) -> npt.NDArray[np.int64]:
    """Return a column as integers, naming the first row that is not one."""
    numbers = pd.to_numeric(frame[column].str.strip(), errors="coerce")
    bad = numbers.isna() | (numbers != numbers.round())
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValidationError(
            f"{path.name} row {row + 2}: {column} {frame[column].iloc[row]!r} is not an integer"
        )
    return numbers.to_numpy().astype(np.int64)


COMMUNITY_HEADERS = {"voter", "voter-id", "voter_id", "voter id", "participant", "pid"}


def read_communities(path: str | Path, voter_ids: Sequence[Any]) -> dict[Any, str]:
    """Read a CSV of ``voter id, community`` (header optional); return community per voter.

    Raise ValidationError naming the row of a malformed line, a voter given two
    communities, or a file that names none of ``voter_ids``. Voters of the file who never
    voted are ignored; voters left out of it count in no community.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ValidationError(f"cannot read the communities file {path}: {error}") from error
    try:
        content = raw.decode("utf-8-sig")  # spreadsheet programs write a byte-order mark
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not UTF-8 text; save it as a CSV file in UTF-8") from None
    known = {str(voter): voter for voter in voter_ids}
    found: dict[Any, str] = {}
    rows = list(csv.reader(io.StringIO(content)))
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
    comments_path, votes_path = root / "comments.csv", root / "votes.csv"
    comments = _read_csv(comments_path, COMMENT_COLUMNS)
    raw_votes = _read_csv(votes_path, VOTE_COLUMNS)

    comment_ids = _integers(comments, "comment-id", comments_path)
    moderated = _integers(comments, "moderated", comments_path)
    vote_frame = pd.DataFrame(
        {
            "voter": _integers(raw_votes, "voter-id", votes_path),
            "statement": _integers(raw_votes, "comment-id", votes_path),
            "vote": _integers(raw_votes, "vote", votes_path),
        }
    )
    if "timestamp" in raw_votes.columns:
        vote_frame["time"] = _integers(raw_votes, "timestamp", votes_path) / 1000.0
    bad_vote = ~vote_frame["vote"].isin((-1, 0, 1))
    if bad_vote.any():
        row = int(np.flatnonzero(bad_vote.to_numpy())[0])
        raise ValidationError(
            f"votes.csv row {row + 2}: vote {vote_frame['vote'].iloc[row]} is not 1, -1 or 0"
        )
    known = set(comment_ids.tolist())
    unknown = sorted(set(vote_frame["statement"].tolist()) - known)
    if unknown:
        raise ValidationError(
            f"votes.csv has votes on comment-id(s) {unknown[:5]} that comments.csv does not list"
        )
    moderated_out = comment_ids[moderated == MODERATED_OUT].tolist()
    flagged: list[int] = []
    meta_column = next((c for c in META_COLUMNS if c in comments.columns), None)
    if meta_column is not None:
        marks = comments[meta_column].str.strip().str.lower()
        bad_mark = ~marks.isin(("", "0", "1", "true", "false", "t", "f"))
        if bad_mark.any():
            row = int(np.flatnonzero(bad_mark.to_numpy())[0])
            raise ValidationError(
                f"comments.csv row {row + 2}: {meta_column} {comments[meta_column].iloc[row]!r}"
                " is not 1, 0, true or false"
            )
        flagged = comment_ids[marks.isin(("1", "true", "t")).to_numpy()].tolist()
    if meta is not None:
        unknown_meta = sorted(set(meta) - set(comment_ids.tolist()))
        if unknown_meta:
            raise ValidationError(
                f"metadata statement(s) {unknown_meta[:5]} are not in comments.csv"
            )
        flagged = sorted(set(flagged) | set(meta))
    order = np.argsort(comment_ids, kind="stable")
    votes = VoteMatrix.from_frame(
        vote_frame,
        time="time" if "time" in vote_frame.columns else None,
        moderated_out=moderated_out,
        statements=comment_ids[order].tolist(),
        meta=flagged,
    )
    by_id = comments.assign(_id=comment_ids, _mod=moderated).set_index("_id")
    rows = by_id.loc[list(votes.statement_ids)]
    statements = pd.DataFrame(
        {
            "statement": list(votes.statement_ids),
            "author": rows["author-id"].tolist() if "author-id" in rows.columns else "",
            "moderated": rows["_mod"].to_numpy(),
            "text": rows["comment-body"].tolist(),
            "created": rows["timestamp"].tolist() if "timestamp" in rows.columns else "",
        }
    )
    code = CURRENT_CODE
    if votes.times is not None and len(votes.times):
        code = polis_code_for(float(votes.times.max()))
    return PolisExport(
        folder=root,
        votes=votes,
        statements=statements,
        polis_groups=_read_groups(root / "participants-votes.csv"),
        summary=_read_summary(root / "summary.csv"),
        polis_code=code,
    )


def _read_groups(path: Path) -> pd.Series | None:
    """Return Pol.is's ``group-id`` per participant (float, NaN = not clustered), if present."""
    if not path.is_file():
        return None
    frame = _read_csv(path, ("participant", "group-id"))
    participants = _integers(frame, "participant", path)
    text = frame["group-id"].str.strip()
    groups = np.array([float(g) if g else np.nan for g in text], dtype=np.float64)
    return pd.Series(groups, index=participants, name="group-id")


def _read_summary(path: Path) -> dict[str, str]:
    """Return the key/value rows of ``summary.csv`` (empty when absent)."""
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        return {row[0]: (row[1] if len(row) > 1 else "") for row in csv.reader(handle) if row}


def _write_rows(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
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
    n_voters, n_statements = votes.shape
    frame = votes.to_frame()
    times = (
        (frame["time"].to_numpy() * 1000).round().astype(np.int64)
        if "time" in frame.columns
        else np.zeros(len(frame), dtype=np.int64)
    )
    order = np.lexsort((votes.rows, votes.cols))
    _write_rows(
        root / "votes.csv",
        ("timestamp", "datetime", "comment-id", "voter-id", "vote"),
        [
            (
                times[i],
                pd.Timestamp(int(times[i]), unit="ms").isoformat(),
                votes.statement_ids[votes.cols[i]],
                votes.voter_ids[votes.rows[i]],
                int(votes.values[i]),
            )
            for i in order
        ],
    )
    if statements is None:
        statements = pd.DataFrame(
            {
                "statement": list(votes.statement_ids),
                "author": "",
                "moderated": np.where(votes.moderated_out, MODERATED_OUT, 1),
                "text": "",
            }
        )
    agrees = np.bincount(votes.cols, weights=votes.values == 1, minlength=n_statements)
    disagrees = np.bincount(votes.cols, weights=votes.values == -1, minlength=n_statements)
    column_of = {s: i for i, s in enumerate(votes.statement_ids)}
    consensus = group_informed_consensus or {}
    comment_rows = []
    for row in statements.itertuples(index=False):
        index = column_of.get(row.statement)
        gic = consensus.get(row.statement)
        created = str(getattr(row, "created", "") or "")
        comment_rows.append(
            (
                created,
                pd.Timestamp(int(created), unit="ms").isoformat() if created.isdigit() else "",
                row.statement,
                row.author,
                0 if index is None else int(agrees[index]),
                0 if index is None else int(disagrees[index]),
                int(str(row.moderated)),
                row.text,
                "" if gic is None else f"{gic:.6f}",
                "" if index is None else int(votes.meta[index]),
            )
        )
    _write_rows(
        root / "comments.csv",
        (
            "timestamp",
            "datetime",
            "comment-id",
            "author-id",
            "agrees",
            "disagrees",
            "moderated",
            "comment-body",
            "group-informed-consensus",
            "is-meta",
        ),
        comment_rows,
    )
    grid = np.full((n_voters, n_statements), "", dtype=object)
    grid[votes.rows, votes.cols] = votes.values.astype(np.int64).astype(str)
    per_voter = votes.votes_per_voter()
    n_agree = np.bincount(votes.rows, weights=votes.values == 1, minlength=n_voters)
    n_disagree = np.bincount(votes.rows, weights=votes.values == -1, minlength=n_voters)
    authored = (
        statements["author"].astype(str).value_counts().to_dict()
        if "author" in statements.columns
        else {}
    )
    participant_rows = []
    for i, voter in enumerate(votes.voter_ids):
        group = groups.get(voter)
        participant_rows.append(
            (
                voter,
                "" if group is None or group < 0 else int(group),
                int(authored.get(str(voter), 0)),
                int(per_voter[i]),
                int(n_agree[i]),
                int(n_disagree[i]),
                *grid[i],
            )
        )
    _write_rows(
        root / "participants-votes.csv",
        (
            "participant",
            "group-id",
            "n-comments",
            "n-votes",
            "n-agree",
            "n-disagree",
            *(str(s) for s in votes.statement_ids),
        ),
        participant_rows,
    )
    clustered = {g for g in groups.values() if g is not None and g >= 0}
    summary_rows = dict(summary or {})
    summary_rows.update(
        {
            "voters": n_voters,
            "voters-in-conv": sum(1 for g in groups.values() if g is not None and g >= 0),
            "comments": int((~votes.moderated_out).sum()),
            "groups": len(clustered),
        }
    )
    with (root / "summary.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([(k, v) for k, v in summary_rows.items()])
    return root
