"""The votes of a replay so far: every cell the conversation will ever fill, filled as it goes.

A replay (:func:`.polis_groups.replay`) recomputes Pol.is's groups after each batch of votes.
Every cell anyone ever votes on is known from the start, so the store holds one sparse
pattern of them (rows sorted, columns sorted within a row), with each cell's current vote
and whether it is seen yet; a cell not yet voted holds 0 and is not seen, which adds exact
zeros to every sum. Voters and statements are numbered by first appearance, so the live
voters and statements of an update are a prefix of the rows and columns.

Kept current vote by vote, in compiled loops (:mod:`.compiled`):

* column totals and seen counts (the means), and each voter's number of live votes;
* with ``moments``, ``W.T W`` for ``W = [V M]`` (V the votes, M the seen mask): the blocks
  ``V.T V``, ``V.T M`` and ``M.T M`` that give the Gram matrix of the centred votes in
  O(columns^2) per update, whatever the number of voters. A vote changes two entries of one
  row of W, so it changes only the rows and columns of W.T W at those two entries, by sums
  over that voter's cells. The entries are sums of products of -1, 0 and 1: exact.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tracktwo.engines.commonground.compiled import compiled
from tracktwo.engines.commonground.polis_pca import GramVotes

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@compiled
def _record(
    cells: IntArray,
    rows: IntArray,
    cols: IntArray,
    values: FloatArray,
    indptr: IntArray,
    indices: IntArray,
    cell_values: FloatArray,
    cell_seen: FloatArray,
    column_totals: FloatArray,
    column_seen: FloatArray,
    live_votes: IntArray,
    cross: FloatArray,
    moments: bool,
) -> None:
    """Record votes in order (a later vote on a cell replaces an earlier one)."""
    width = column_totals.shape[0]
    for e in range(cells.shape[0]):
        cell, r, c, new = cells[e], rows[e], cols[e], values[e]
        old, was_seen = cell_values[cell], cell_seen[cell]
        if new == old and was_seen == 1.0:
            continue
        column_totals[c] += new - old
        column_seen[c] += 1.0 - was_seen
        live_votes[r] += 1 - int(was_seen)
        if moments:
            # W's row r changes at (c) and (width + c); every product with one of them changes
            for f in range(indptr[r], indptr[r + 1]):
                j = indices[f]
                before_v, before_s = cell_values[f], cell_seen[f]
                after_v, after_s = (new, 1.0) if f == cell else (before_v, before_s)
                for position, now, then in ((c, new, old), (width + c, 1.0, was_seen)):
                    change_v = now * after_v - then * before_v
                    change_s = now * after_s - then * before_s
                    cross[position, j] += change_v
                    cross[position, width + j] += change_s
                    if j != c:
                        # the mirror entries; those inside the two changed ones are all above
                        cross[j, position] += change_v
                        cross[width + j, position] += change_s
        cell_values[cell] = new
        cell_seen[cell] = 1.0


@compiled
def _product(
    indptr: IntArray,
    indices: IntArray,
    cell_values: FloatArray,
    cell_seen: FloatArray,
    n_rows: int,
    by_votes: FloatArray,
    by_seen: FloatArray,
) -> FloatArray:
    """Return ``V @ by_votes - M @ by_seen`` over the first ``n_rows`` rows and the
    ``len(by_votes)`` first columns, each of the two sums taken in column order."""
    n_columns, k = by_votes.shape
    result = np.empty((n_rows, k))
    if k == 2:
        # the map's two components, in registers
        for r in range(n_rows):
            votes_0 = votes_1 = seen_0 = seen_1 = 0.0
            for f in range(indptr[r], indptr[r + 1]):
                j = indices[f]
                if j >= n_columns:
                    break
                vote, seen = cell_values[f], cell_seen[f]
                votes_0 += vote * by_votes[j, 0]
                votes_1 += vote * by_votes[j, 1]
                seen_0 += seen * by_seen[j, 0]
                seen_1 += seen * by_seen[j, 1]
            result[r, 0] = votes_0 - seen_0
            result[r, 1] = votes_1 - seen_1
        return result
    votes_sum = np.empty(k)
    seen_sum = np.empty(k)
    for r in range(n_rows):
        votes_sum[:] = 0.0
        seen_sum[:] = 0.0
        for f in range(indptr[r], indptr[r + 1]):
            j = indices[f]
            if j >= n_columns:
                break
            for t in range(k):
                votes_sum[t] += cell_values[f] * by_votes[j, t]
                seen_sum[t] += cell_seen[f] * by_seen[j, t]
        for t in range(k):
            result[r, t] = votes_sum[t] - seen_sum[t]
    return result


@compiled
def _transposed_product(
    indptr: IntArray,
    indices: IntArray,
    cell_values: FloatArray,
    cell_seen: FloatArray,
    vector: FloatArray,
    n_columns: int,
) -> tuple[FloatArray, FloatArray]:
    """Return ``(V.T @ vector, M.T @ vector)`` over the first ``len(vector)`` rows and
    ``n_columns`` columns, each entry summed in row order."""
    votes_sum = np.zeros(n_columns)
    seen_sum = np.zeros(n_columns)
    for r in range(vector.shape[0]):
        for f in range(indptr[r], indptr[r + 1]):
            j = indices[f]
            if j >= n_columns:
                break
            votes_sum[j] += cell_values[f] * vector[r]
            seen_sum[j] += cell_seen[f] * vector[r]
    return votes_sum, seen_sum


@compiled
def _votes_gram(
    indptr: IntArray, indices: IntArray, cell_values: FloatArray, n_rows: int, n_columns: int
) -> FloatArray:
    """Return ``V.T @ V`` over the first rows and columns (exact: products of -1, 0, 1)."""
    gram = np.zeros((n_columns, n_columns))
    for r in range(n_rows):
        for f in range(indptr[r], indptr[r + 1]):
            i = indices[f]
            if i >= n_columns:
                break
            for g in range(indptr[r], indptr[r + 1]):
                j = indices[g]
                if j >= n_columns:
                    break
                gram[i, j] += cell_values[f] * cell_values[g]
    return gram


class ReplayVotes:
    """Every cell of a replay's conversation, with the votes recorded so far.

    ``rows`` and ``cols`` (one entry per vote, numbered by first appearance) give the cells;
    ``n_voters`` and ``n_columns`` the full size. ``moments`` keeps ``W.T W`` (see the module).
    """

    def __init__(
        self, rows: IntArray, cols: IntArray, n_voters: int, n_columns: int, *, moments: bool
    ) -> None:
        keys = rows.astype(np.int64) * n_columns + cols
        cells = np.unique(keys)
        self.indptr = np.zeros(n_voters + 1, dtype=np.int64)
        np.cumsum(np.bincount(cells // n_columns, minlength=n_voters), out=self.indptr[1:])
        self.indices = np.ascontiguousarray(cells % n_columns, dtype=np.int64)
        self._cells = cells
        self.cell_values = np.zeros(len(cells))
        self.cell_seen = np.zeros(len(cells))
        self.n_voters, self.n_columns = n_voters, n_columns
        self.column_totals = np.zeros(n_columns)
        self.column_seen = np.zeros(n_columns)
        self.live_votes = np.zeros(n_voters, dtype=np.int64)
        self.moments = moments
        size = 2 * n_columns if moments else 0
        self.cross = np.zeros((size, size))

    def apply(self, rows: IntArray, cols: IntArray, values: FloatArray) -> None:
        """Record a batch of votes on cells given at construction, in order."""
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        cols = np.ascontiguousarray(cols, dtype=np.int64)
        keys = rows * self.n_columns + cols
        cells = np.searchsorted(self._cells, keys)
        # the compiled loop indexes without checking: a cell not given at construction
        # would be written somewhere else
        known = cells < len(self._cells)
        if not (known.all() and np.array_equal(self._cells[cells], keys)):
            raise ValueError("votes on cells the replay was not built with")
        _record(
            cells, rows, cols, np.ascontiguousarray(values, dtype=np.float64),
            self.indptr, self.indices, self.cell_values, self.cell_seen,
            self.column_totals, self.column_seen, self.live_votes, self.cross, self.moments,
        )  # fmt: skip

    def product(self, n_rows: int, by_votes: FloatArray, by_seen: FloatArray) -> FloatArray:
        """Return ``V @ by_votes - M @ by_seen`` for the first ``n_rows`` voters and the first
        ``len(by_votes)`` statements, shape (n_rows, by_votes.shape[1])."""
        return np.asarray(
            _product(
                self.indptr, self.indices, self.cell_values, self.cell_seen, n_rows,
                np.ascontiguousarray(by_votes, dtype=np.float64),
                np.ascontiguousarray(by_seen, dtype=np.float64),
            )
        )  # fmt: skip

    def transposed_product(
        self, vector: FloatArray, n_columns: int
    ) -> tuple[FloatArray, FloatArray]:
        """Return ``(V.T @ vector, M.T @ vector)`` over the first ``len(vector)`` voters."""
        votes_sum, seen_sum = _transposed_product(
            self.indptr, self.indices, self.cell_values, self.cell_seen,
            np.ascontiguousarray(vector, dtype=np.float64), n_columns,
        )  # fmt: skip
        return np.asarray(votes_sum), np.asarray(seen_sum)

    def votes_gram(self, n_rows: int, n_columns: int) -> FloatArray:
        """Return ``V.T @ V`` over the first voters and statements."""
        if self.moments:
            return np.array(self.cross[:n_columns, :n_columns])
        return np.asarray(
            _votes_gram(self.indptr, self.indices, self.cell_values, n_rows, n_columns)
        )

    def view(self, n_voters: int, n_columns: int) -> tuple[ReplayView, IntArray, GramVotes | None]:
        """Return the centred votes of the first voters and columns, their live vote counts and,
        with moments, the Gram matrix."""
        seen_counts = self.column_seen[:n_columns]
        means = np.divide(
            self.column_totals[:n_columns],
            seen_counts,
            out=np.zeros(n_columns),
            where=seen_counts > 0,
        )
        data = ReplayView(self, n_voters, n_columns, means)
        gram = None
        if self.moments:
            votes = slice(0, n_columns)
            seen = slice(self.n_columns, self.n_columns + n_columns)
            gram = GramVotes.from_moments(
                self.cross[votes, votes], self.cross[votes, seen], self.cross[seen, seen], means
            )
        return data, self.live_votes[:n_voters], gram

    def zero_filled(self, n_voters: int, n_columns: int) -> tuple[ReplayView, GramVotes]:
        """Return the votes as Pol.is's 2017 code saw them: missing votes are 0, columns are
        centred on their mean over every voter, and the Gram matrix of that dense matrix.

        With ``C = V - 1 m'`` and ``m = V'1 / n``, ``C'C = V'V - n m m'``.
        """
        means = self.column_totals[:n_columns] / max(n_voters, 1)
        data = ReplayView(self, n_voters, n_columns, means)
        gram = self.votes_gram(n_voters, n_columns) - n_voters * np.multiply.outer(means, means)
        return data, GramVotes(gram)

    def dense(self) -> tuple[FloatArray, FloatArray]:
        """Return (V, M) as dense arrays (for tests and small checks)."""
        values = np.zeros((self.n_voters, self.n_columns))
        seen = np.zeros((self.n_voters, self.n_columns))
        rows = np.repeat(np.arange(self.n_voters), np.diff(self.indptr))
        values[rows, self.indices] = self.cell_values
        seen[rows, self.indices] = self.cell_seen
        return values, seen


class ReplayView:
    """The centred votes of a replay's first voters and statements, as a linear operator:
    ``C = V - M diag(means)`` (what :class:`.polis_pca.CenteredVotes` is for a vote matrix)."""

    def __init__(self, store: ReplayVotes, n_rows: int, n_columns: int, means: FloatArray):
        self.store = store
        self.n_rows, self.n_columns = n_rows, n_columns
        self.means = means

    @property
    def shape(self) -> tuple[int, int]:
        """Return (voters, columns)."""
        return self.n_rows, self.n_columns

    def matmat(self, matrix: FloatArray) -> FloatArray:
        """Return ``C @ matrix`` for a (n_columns, j) ``matrix``, shape (n_voters, j)."""
        return self.store.product(self.n_rows, matrix, self.means[:, None] * matrix)

    def matvec(self, vector: FloatArray) -> FloatArray:
        """Return ``C @ vector``, shape (n_voters,)."""
        return self.matmat(vector[:, None])[:, 0]

    def rmatvec(self, vector: FloatArray) -> FloatArray:
        """Return ``C.T @ vector``, shape (n_columns,)."""
        votes_sum, seen_sum = self.store.transposed_product(vector, self.n_columns)
        return votes_sum - self.means * seen_sum

    def gram(self, vector: FloatArray) -> FloatArray:
        """Return ``C.T @ C @ vector``, shape (n_columns,)."""
        return self.rmatvec(self.matvec(vector))
