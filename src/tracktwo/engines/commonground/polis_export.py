"""The Pol.is export format as tables: frames in, a vote matrix out, and rows back.

The export format is the one of Pol.is's ``darwin/export.clj`` (and of the open-data
collection): votes use agree = 1, disagree = -1, pass = 0 (Pol.is's math stores agree as
-1; its exports flip the sign); a voter may vote on a statement more than once and the
latest vote counts; ``moderated`` is 1 (accepted), 0 (not yet moderated) or -1 (moderated
out). Columns are found by header name, since exports of different Pol.is versions differ
(newer ones add an ``xid`` column to ``participants-votes.csv``).

Pure computation on frames and rows; :mod:`tracktwo.io.polis` reads and writes the folder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from pathlib import Path

COMMENTS_FILE = "comments.csv"
VOTES_FILE = "votes.csv"
PARTICIPANTS_FILE = "participants-votes.csv"
SUMMARY_FILE = "summary.csv"
COMMENT_COLUMNS = ("comment-id", "moderated", "comment-body")
META_COLUMNS = ("is-meta", "is_meta")
VOTE_COLUMNS = ("comment-id", "voter-id", "vote")
GROUP_COLUMNS = ("participant", "group-id")
MODERATED_OUT = -1

Table = tuple[tuple[str, ...], list[tuple[Any, ...]]]


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


def integer_column(frame: pd.DataFrame, column: str, file_name: str) -> npt.NDArray[np.int64]:
    """Return a column as integers, naming the first row of ``file_name`` that is not one."""
    numbers = pd.to_numeric(frame[column].str.strip(), errors="coerce")
    bad = numbers.isna() | (numbers != numbers.round())
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValidationError(
            f"{file_name} row {row + 2}: {column} {frame[column].iloc[row]!r} is not an integer"
        )
    return numbers.to_numpy().astype(np.int64)


def votes_from_frames(
    comments: pd.DataFrame, raw_votes: pd.DataFrame, meta: Sequence[int] | None = None
) -> tuple[VoteMatrix, pd.DataFrame, str]:
    """Return the votes, the statements and the Pol.is math of an export's two main tables.

    ``comments`` and ``raw_votes`` are ``comments.csv`` and ``votes.csv`` as text columns;
    raise ValidationError naming the first malformed row. Participant-metadata statements
    come from an ``is-meta``/``is_meta`` column of ``comments`` and from ``meta``.
    """
    comment_ids = integer_column(comments, "comment-id", COMMENTS_FILE)
    moderated = integer_column(comments, "moderated", COMMENTS_FILE)
    vote_frame = pd.DataFrame(
        {
            "voter": integer_column(raw_votes, "voter-id", VOTES_FILE),
            "statement": integer_column(raw_votes, "comment-id", VOTES_FILE),
            "vote": integer_column(raw_votes, "vote", VOTES_FILE),
        }
    )
    if "timestamp" in raw_votes.columns:
        vote_frame["time"] = integer_column(raw_votes, "timestamp", VOTES_FILE) / 1000.0
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
    return votes, statements, code


def groups_from_frame(frame: pd.DataFrame, file_name: str = PARTICIPANTS_FILE) -> pd.Series:
    """Return Pol.is's ``group-id`` per participant (float, NaN = not clustered)."""
    participants = integer_column(frame, "participant", file_name)
    text = frame["group-id"].str.strip()
    groups = np.array([float(g) if g else np.nan for g in text], dtype=np.float64)
    return pd.Series(groups, index=participants, name="group-id")


def default_statements(votes: VoteMatrix) -> pd.DataFrame:
    """Return statement rows without author or text, moderated as ``votes`` flags them."""
    return pd.DataFrame(
        {
            "statement": list(votes.statement_ids),
            "author": "",
            "moderated": np.where(votes.moderated_out, MODERATED_OUT, 1),
            "text": "",
        }
    )


def votes_table(votes: VoteMatrix) -> Table:
    """Return the header and rows of ``votes.csv``: the latest vote of each voter, agree = 1."""
    frame = votes.to_frame()
    times = (
        (frame["time"].to_numpy() * 1000).round().astype(np.int64)
        if "time" in frame.columns
        else np.zeros(len(frame), dtype=np.int64)
    )
    order = np.lexsort((votes.rows, votes.cols))
    return (
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


def comments_table(
    votes: VoteMatrix,
    statements: pd.DataFrame,
    group_informed_consensus: Mapping[Any, float] | None = None,
) -> Table:
    """Return the header and rows of ``comments.csv``, with vote counts and metadata flags."""
    n_statements = votes.shape[1]
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
    return (
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


def participants_table(
    votes: VoteMatrix, groups: Mapping[Any, int], statements: pd.DataFrame
) -> Table:
    """Return the header and rows of ``participants-votes.csv``: group and votes per voter."""
    n_voters, n_statements = votes.shape
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
    return (
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


def summary_rows(
    votes: VoteMatrix, groups: Mapping[Any, int], summary: Mapping[str, Any] | None = None
) -> list[tuple[str, Any]]:
    """Return the key/value rows of ``summary.csv``: ``summary`` with the export's counts."""
    clustered = {g for g in groups.values() if g is not None and g >= 0}
    rows = dict(summary or {})
    rows.update(
        {
            "voters": votes.shape[0],
            "voters-in-conv": sum(1 for g in groups.values() if g is not None and g >= 0),
            "comments": int((~votes.moderated_out).sum()),
            "groups": len(clustered),
        }
    )
    return list(rows.items())


_ABOUT_ME = re.compile(
    r"^\s*(i am|i'm|im|i live|i work|i was born|i have|i identify|i voted|i speak|i own|"
    r"i rent|i drive|i use|i always|i never|my |as a )",
    re.IGNORECASE,
)


def suggest_metadata(statements: pd.DataFrame) -> list[int]:
    """Suggest the statements that likely describe the participant rather than state an
    opinion (Pol.is's ``is_meta``, which exports do not carry): written by the
    conversation's owner (author 0, who seeds the first statements) and phrased about
    oneself ("I am ...", "I live ...", "My ..."). A suggestion for the user to confirm with
    ``--meta``, never applied on its own."""
    if statements.empty or not {"author", "text", "statement"} <= set(statements.columns):
        return []
    owner = pd.to_numeric(statements["author"], errors="coerce") == 0
    about_me = statements["text"].fillna("").astype(str).str.match(_ABOUT_ME)
    return sorted(int(s) for s in statements.loc[owner & about_me, "statement"])
