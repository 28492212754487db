"""Pol.is's opinion map: PCA by power iteration on mean-imputed votes, sparsity-aware projection.

Follows ``math/src/polismath/math/pca.clj`` and the ``:mat``/``:pca``/``:proj`` nodes of
``conversation.clj`` in compdemocracy/polis. Pol.is fills every missing vote with its
column's mean and centres the columns; the centred matrix is then exactly the sparse matrix
of ``vote - column mean`` at seen entries and 0 elsewhere, so nothing is ever densified:
products go through ``values @ v - seen @ (means * v)``.

Each voter is projected on the seen entries only and pushed out from the centre by
``sqrt(n_columns / n_votes)``, so that a voter who saw few statements is not drawn to the
middle. Pol.is zeroes the columns of moderated-out statements (``zero-out-columns``): they
carry no variance but still count as columns and as votes of every voter in that scaling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float64]
Matrix: TypeAlias = sp.csr_matrix | FloatArray

# OpenBLAS multiplies on one thread below 65536 * 4 multiply-adds; blocks stay under that
_ONE_THREAD_PRODUCT = 200_000
_MIN_BLOCK_ROWS = 32


def one_thread_matmul(left: FloatArray, right: FloatArray) -> FloatArray:
    """Return ``left @ right`` (2-D), in blocks of rows small enough for BLAS to use one thread.

    The products of a replay are mostly too small to gain from threads, and lose a lot to
    them when another process holds a core (each threaded call then waits for a time slice).
    Rows are independent, so every entry is the sum, in the same order, that one product
    computes. A product whose blocks would be thinner than ``_MIN_BLOCK_ROWS`` is large
    enough to pay for its threads and goes in one call.
    """
    n_rows = left.shape[0]
    step = _ONE_THREAD_PRODUCT // max(right.size, 1)
    if n_rows <= step or step < _MIN_BLOCK_ROWS:
        return np.asarray(left @ right, dtype=np.float64)
    result = np.empty((n_rows, right.shape[1]))
    for start in range(0, n_rows, step):
        rows = slice(start, start + step)
        np.matmul(left[rows], right, out=result[rows])
    return result


@dataclass(frozen=True, eq=False)
class CenteredVotes:
    """Mean-imputed, column-centred votes ``C = values - seen * means`` as a linear operator.

    ``values`` and ``seen`` are (n_voters, n_columns), CSR or dense; ``means`` is (n_columns,)
    with the mean of the seen votes of each column (0 for a column nobody saw).
    """

    values: Matrix
    seen: Matrix
    means: FloatArray

    @classmethod
    def from_votes(cls, values: Matrix, seen: Matrix) -> CenteredVotes:
        """Centre ``values`` on the column means of the seen entries."""
        totals = np.asarray(values.sum(axis=0)).ravel()
        counts = np.asarray(seen.sum(axis=0)).ravel()
        means = np.divide(totals, counts, out=np.zeros_like(totals), where=counts > 0)
        return cls(values=values, seen=seen, means=means)

    @property
    def shape(self) -> tuple[int, int]:
        """Return (voters, columns)."""
        rows, columns = self.values.shape
        return int(rows), int(columns)

    def matvec(self, vector: FloatArray) -> FloatArray:
        """Return ``C @ vector``, shape (n_voters,)."""
        return np.asarray(self.values @ vector - self.seen @ (self.means * vector)).ravel()

    def matmat(self, matrix: FloatArray) -> FloatArray:
        """Return ``C @ matrix`` for a (n_columns, j) ``matrix``, shape (n_voters, j).

        Dense votes go through :func:`one_thread_matmul`: each entry is the same sum, in the
        same order, as in one BLAS product.
        """
        weighted = self.means[:, None] * matrix
        if sp.issparse(self.values) or sp.issparse(self.seen):
            return np.asarray(self.values @ matrix - self.seen @ weighted)
        result = one_thread_matmul(np.asarray(self.values), matrix)
        result -= one_thread_matmul(np.asarray(self.seen), weighted)
        return result

    def gram(self, vector: FloatArray) -> FloatArray:
        """Return ``C.T @ C @ vector``, shape (n_columns,)."""
        return self.rmatvec(self.matvec(vector))

    def rmatvec(self, vector: FloatArray) -> FloatArray:
        """Return ``C.T @ vector``, shape (n_columns,)."""
        return np.asarray(self.values.T @ vector - self.means * (self.seen.T @ vector)).ravel()


@dataclass(frozen=True, eq=False)
class GramVotes:
    """The Gram matrix ``C.T @ C`` (n_columns, n_columns) of the centred votes, for replays.

    A replay updates ``V.T V``, ``V.T M`` and ``M.T M`` (V the votes, M the seen mask) as
    votes arrive, so each update's power iteration costs O(columns^2) whatever the voters.
    """

    matrix: FloatArray

    @classmethod
    def from_moments(
        cls, vv: FloatArray, vm: FloatArray, mm: FloatArray, means: FloatArray
    ) -> GramVotes:
        """Build ``C.T C`` for ``C = V - M diag(means)`` from ``V.T V``, ``V.T M``, ``M.T M``."""
        cross = vm * means[None, :]
        # vv - cross - cross.T + mm * outer(means, means), evaluated in that order, in place
        matrix = vv - cross
        matrix -= cross.T
        spread = np.multiply.outer(means, means)
        spread *= mm
        matrix += spread
        return cls(matrix)

    @property
    def shape(self) -> tuple[int, int]:
        """Return (columns, columns)."""
        rows, columns = self.matrix.shape
        return int(rows), int(columns)

    def gram(self, vector: FloatArray) -> FloatArray:
        """Return ``C.T @ C @ vector``."""
        return np.asarray(self.matrix @ vector)


@dataclass(frozen=True)
class PcaParameters:
    """Power iteration as Pol.is runs it: 2 components, at most 100 products each."""

    n_components: int = 2
    iterations: int = 100
    tolerance: float = 1e-9


def power_iteration(
    data: CenteredVotes | GramVotes,
    start: FloatArray,
    deflate: list[FloatArray],
    params: PcaParameters,
) -> FloatArray:
    """Return the leading unit eigenvector of ``D.T @ D``, D being ``data`` minus ``deflate``.

    Pol.is's ``factor-matrix`` removes each earlier component from every row before looking
    for the next one; here that is done on the fly. Stops after ``params.iterations`` extra
    products or when the vector no longer moves (Pol.is stops on an unchanged eigenvalue).
    """

    # each earlier component with its squared length, computed once rather than per product
    removed = [(c, float(c @ c)) for c in deflate]
    removed = [(c, norm2) for c, norm2 in removed if norm2 > 0.0]

    def project_out(vector: FloatArray) -> FloatArray:
        for component, norm2 in removed:
            vector = vector - component * (float(component @ vector) / norm2)
        return vector

    # a Gram matrix is multiplied directly, skipping the method call in the hot loop
    gram = data.matrix.__matmul__ if isinstance(data, GramVotes) else data.gram
    tolerance = params.tolerance
    current = start
    for _ in range(params.iterations + 1):
        product = project_out(gram(project_out(current) if removed else current))
        # what np.linalg.norm computes for a vector, without its dispatch
        length = math.sqrt(float(product @ product))
        if length == 0.0:
            return product
        normed = product / length
        moved = normed - current
        np.abs(moved, out=moved)
        if float(moved.max()) < tolerance:
            return normed
        current = normed
    return current


def principal_components(
    data: CenteredVotes | GramVotes,
    params: PcaParameters,
    rng: np.random.Generator,
    start: FloatArray | None = None,
    n_rows: int | None = None,
) -> FloatArray:
    """Return the components, shape (n_components, n_columns), rows of unit length or zero.

    ``n_rows`` gives the number of voters when ``data`` is a Gram matrix.

    ``start`` holds the previous components (warm start, as Pol.is does on every update);
    columns added since are padded with 1, a zero row restarts from a random vector.
    Components beyond min(voters, columns) are returned as zeros.
    """
    n_voters, n_columns = data.shape if n_rows is None else (n_rows, data.shape[1])
    wanted = min(params.n_components, n_voters, n_columns)
    components = np.zeros((params.n_components, n_columns))
    found: list[FloatArray] = []
    for index in range(wanted):
        vector: FloatArray | None = None
        if start is not None and index < len(start):
            previous = np.asarray(start[index], dtype=np.float64)[:n_columns]
            if previous.any():
                vector = np.concatenate([previous, np.ones(n_columns - len(previous))])
        if vector is None:
            vector = rng.random(n_columns)
        component = power_iteration(data, vector, found, params)
        components[index] = component
        found.append(component)
    return components


def project_voters(
    data: CenteredVotes,
    components: FloatArray,
    votes_per_voter: npt.NDArray[np.int64],
    n_columns: int,
) -> FloatArray:
    """Return the sparsity-aware projection of every voter, shape (n_voters, n_components).

    ``votes_per_voter`` and ``n_columns`` count what Pol.is counts: every seen entry and every
    existing column, zeroed moderated-out ones included.
    """
    projection = data.matmat(np.ascontiguousarray(components.T))
    scale = np.sqrt(n_columns / np.maximum(votes_per_voter, 1).astype(np.float64))
    return np.asarray(projection * scale[:, None], dtype=np.float64)


def project_statements(data: CenteredVotes, components: FloatArray, n_columns: int) -> FloatArray:
    """Return where an agree with each statement alone would place a voter, (n_columns, 2).

    Pol.is's ``pca-project-cmnts`` projects a synthetic voter who agreed with one statement.
    """
    offset = (1.0 - data.means)[:, None] * components.T
    return np.asarray(offset * np.sqrt(n_columns), dtype=np.float64)
