"""The sparse vote matrix of a feedback round: voters x statements, agree 1, disagree -1, pass 0.

A missing entry means the voter never saw the statement; a pass is a stored 0. Because a
sparse matrix forgets stored zeros, the matrix keeps its entries as coordinate arrays and
builds two CSR matrices on demand: the values (passes as 0) and the "seen" mask (1 wherever
the voter voted). Each entry may carry the time of its (latest) vote, which the Pol.is
replay uses to follow the conversation as it grew.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from tracktwo.errors import ValidationError

AGREE = 1
DISAGREE = -1
PASS = 0

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class VoteMatrix:
    """Votes of ``n_voters`` voters on ``n_statements`` statements, one entry per voter/statement.

    ``rows``, ``cols``, ``values`` (int8 in {-1, 0, 1}) and ``times`` (float64, any monotonic
    clock, or None) all have one element per entry. ``voter_ids`` and ``statement_ids`` are
    the labels of rows and columns; their order matters to Pol.is, which seeds k-means with
    the first distinct voters in the order they arrived. ``moderated_out`` marks statements a
    moderator removed: they never appear in any result, but Pol.is's map still counts their
    columns (see :mod:`tracktwo.engines.commonground.polis_pca`). ``meta`` marks participant
    metadata statements (Pol.is's ``is_meta``: "I am under 30", "I live in a rural area"):
    people vote on them, but like moderated-out statements they are zeroed out of the map
    and the groups and ranked nowhere; they describe the voters, they are not ideas.
    """

    voter_ids: npt.NDArray[Any]
    statement_ids: npt.NDArray[Any]
    rows: IntArray
    cols: IntArray
    values: npt.NDArray[np.int8]
    times: FloatArray | None = None
    moderated_out: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    meta: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def __post_init__(self) -> None:
        n_entries = len(self.rows)
        if len(self.cols) != n_entries or len(self.values) != n_entries:
            raise ValidationError("rows, cols and values must have one element per vote")
        if self.times is not None and len(self.times) != n_entries:
            raise ValidationError("times must have one element per vote, or be None")
        if n_entries:
            if self.rows.min() < 0 or self.rows.max() >= len(self.voter_ids):
                raise ValidationError("a vote names a voter row outside voter_ids")
            if self.cols.min() < 0 or self.cols.max() >= len(self.statement_ids):
                raise ValidationError("a vote names a statement column outside statement_ids")
            if not np.isin(self.values, (-1, 0, 1)).all():
                raise ValidationError("votes must be 1 (agree), -1 (disagree) or 0 (pass)")
        if len(self.moderated_out) == 0 and len(self.statement_ids):
            object.__setattr__(self, "moderated_out", np.zeros(len(self.statement_ids), bool))
        if len(self.moderated_out) != len(self.statement_ids):
            raise ValidationError("moderated_out must have one flag per statement")
        if len(self.meta) == 0 and len(self.statement_ids):
            object.__setattr__(self, "meta", np.zeros(len(self.statement_ids), bool))
        if len(self.meta) != len(self.statement_ids):
            raise ValidationError("meta must have one flag per statement")

    @property
    def left_out(self) -> BoolArray:
        """Return the statements Pol.is zeroes out of its map: moderated out or metadata."""
        return self.moderated_out | self.meta

    def with_meta(self, statements: Sequence[Any]) -> VoteMatrix:
        """Return the matrix with ``statements`` (ids) marked as participant metadata.

        Raise ValidationError naming any id the matrix does not hold.
        """
        index = {s: i for i, s in enumerate(self.statement_ids.tolist())}
        unknown = [s for s in statements if s not in index]
        if unknown:
            raise ValidationError(
                f"metadata statement(s) {unknown[:5]} are not statements of these votes"
            )
        meta = self.meta.copy()
        meta[[index[s] for s in statements]] = True
        return dataclasses.replace(self, meta=meta)

    @property
    def shape(self) -> tuple[int, int]:
        """Return (voters, statements)."""
        return len(self.voter_ids), len(self.statement_ids)

    @property
    def n_votes(self) -> int:
        """Return the number of stored votes."""
        return len(self.rows)

    @cached_property
    def _csr(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Build (values, seen) once; both share one sparsity pattern."""
        seen = sp.csr_matrix(
            (np.ones(self.n_votes, np.float64), (self.rows, self.cols)), shape=self.shape
        )
        seen.sum_duplicates()
        values = sp.csr_matrix(
            (self.values.astype(np.float64), (self.rows, self.cols)), shape=self.shape
        )
        return values, seen

    def values_csr(self) -> sp.csr_matrix:
        """Return the votes as a CSR matrix of float64 (passes and missing both read 0).

        Built once and shared: treat it as read-only.
        """
        return self._csr[0]

    def seen_csr(self) -> sp.csr_matrix:
        """Return the CSR mask with 1.0 wherever the voter voted (pass included); read-only."""
        return self._csr[1]

    def votes_per_voter(self) -> IntArray:
        """Return the number of statements each voter voted on, shape (n_voters,)."""
        return np.bincount(self.rows, minlength=self.shape[0]).astype(np.int64)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per vote: ``voter``, ``statement``, ``vote`` and ``time`` if known."""
        frame = pd.DataFrame(
            {
                "voter": self.voter_ids[self.rows],
                "statement": self.statement_ids[self.cols],
                "vote": self.values.astype(np.int64),
            }
        )
        if self.times is not None:
            frame["time"] = self.times
        return frame

    def take_voters(self, rows: IntArray) -> VoteMatrix:
        """Return the matrix of the voters at ``rows`` (repeats allowed, as in a bootstrap
        resample), in that order; row j of the result is voter ``rows[j]``, its id the
        position j (ids must be unique; ``rows`` maps back)."""
        # Votes shifted to 1..3 so that a pass (0) stays a stored entry through the slicing.
        shifted = sp.csr_matrix(
            (self.values.astype(np.int16) + 2, (self.rows, self.cols)), shape=self.shape
        )
        taken = shifted[np.asarray(rows, dtype=np.int64)].tocoo()
        order = np.lexsort((taken.col, taken.row))
        return VoteMatrix(
            voter_ids=np.arange(len(rows)),
            statement_ids=self.statement_ids,
            rows=taken.row[order].astype(np.int64),
            cols=taken.col[order].astype(np.int64),
            values=(taken.data[order] - 2).astype(np.int8),
            moderated_out=self.moderated_out,
            meta=self.meta,
        )

    def select_statements(self, keep: BoolArray) -> VoteMatrix:
        """Return the matrix restricted to the statements where ``keep`` is true."""
        new_col = np.cumsum(keep) - 1
        entry = keep[self.cols]
        return VoteMatrix(
            voter_ids=self.voter_ids,
            statement_ids=self.statement_ids[keep],
            rows=self.rows[entry],
            cols=new_col[self.cols[entry]].astype(np.int64),
            values=self.values[entry],
            times=None if self.times is None else self.times[entry],
            moderated_out=self.moderated_out[keep],
            meta=self.meta[keep],
        )

    @classmethod
    def from_frame(
        cls,
        votes: pd.DataFrame,
        *,
        voter: str = "voter",
        statement: str = "statement",
        vote: str = "vote",
        time: str | None = "time",
        moderated_out: Sequence[Any] = (),
        statements: Sequence[Any] | None = None,
        meta: Sequence[Any] = (),
    ) -> VoteMatrix:
        """Build the matrix from a long frame of votes; a voter's latest vote on a statement wins.

        With a ``time`` column (seconds, or datetimes), rows are ordered by time first (ties
        keep frame order), voters and statements are numbered in the order they first appear,
        and each entry keeps the time (in seconds) of its latest vote. ``statements`` adds
        statements nobody voted on yet; ``meta`` names participant-metadata statements.
        """
        for column in (voter, statement, vote):
            if column not in votes.columns:
                raise ValidationError(
                    f"the votes lack a {column!r} column; columns are {list(votes.columns)}"
                )
        frame = votes
        time_column = time if time is not None and time in votes.columns else None
        if time_column is not None:
            frame = votes.sort_values(time_column, kind="stable")
        values = pd.to_numeric(frame[vote], errors="coerce")
        bad = values.isna() | ~values.isin((-1, 0, 1))
        if bad.any():
            where = frame.index[bad.to_numpy()][0]
            raise ValidationError(
                f"vote {frame.at[where, vote]!r} in row {where!r} is not 1, -1 or 0"
            )
        voter_ids = pd.unique(frame[voter].to_numpy())
        statement_order = list(pd.unique(frame[statement].to_numpy()))
        if statements is not None:
            known = set(statement_order)
            statement_order += [s for s in statements if s not in known]
        statement_ids = np.array(statement_order, dtype=object)
        voter_index = pd.Index(voter_ids)
        statement_index = pd.Index(statement_ids)
        rows = voter_index.get_indexer(frame[voter].to_numpy()).astype(np.int64)
        cols = statement_index.get_indexer(frame[statement].to_numpy()).astype(np.int64)
        keys = rows * max(len(statement_ids), 1) + cols
        # the last occurrence of each (voter, statement) in time order is the vote that counts
        _, last_from_end = np.unique(keys[::-1], return_index=True)
        last = np.sort(len(keys) - 1 - last_from_end)
        times = None
        if time_column is not None:
            stamps: Any = frame[time_column]
            if pd.api.types.is_datetime64_any_dtype(stamps):
                seconds = (stamps - pd.Timestamp(0, tz=stamps.dt.tz)).dt.total_seconds()
            else:
                seconds = pd.to_numeric(stamps, errors="coerce")
            times = np.asarray(seconds, dtype=np.float64)[last]
            if np.isnan(times).any():
                raise ValidationError(
                    f"a vote has no usable {time_column!r}; give seconds or dates"
                )
        moderated = set(moderated_out)
        metadata = set(meta)
        return cls(
            voter_ids=np.asarray(voter_ids, dtype=object),
            statement_ids=statement_ids,
            rows=rows[last],
            cols=cols[last],
            values=values.to_numpy().astype(np.int8)[last],
            times=times,
            moderated_out=np.array([s in moderated for s in statement_ids], dtype=bool),
            meta=np.array([s in metadata for s in statement_ids], dtype=bool),
        )

    @classmethod
    def from_dense(
        cls,
        matrix: npt.ArrayLike,
        *,
        voter_ids: Sequence[Any] | None = None,
        statement_ids: Sequence[Any] | None = None,
    ) -> VoteMatrix:
        """Build the matrix from a dense array with NaN for "not seen" (tests and notebooks)."""
        dense = np.asarray(matrix, dtype=np.float64)
        if dense.ndim != 2:
            raise ValidationError("a dense vote matrix must be two-dimensional")
        rows, cols = np.nonzero(~np.isnan(dense))
        n_voters, n_statements = dense.shape
        return cls(
            voter_ids=np.asarray(
                range(n_voters) if voter_ids is None else list(voter_ids), dtype=object
            ),
            statement_ids=np.asarray(
                range(n_statements) if statement_ids is None else list(statement_ids),
                dtype=object,
            ),
            rows=rows.astype(np.int64),
            cols=cols.astype(np.int64),
            values=dense[rows, cols].astype(np.int8),
        )
