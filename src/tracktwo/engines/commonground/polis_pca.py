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
from typing import Protocol, TypeAlias

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tracktwo.engines.commonground.compiled import compiled

FloatArray = npt.NDArray[np.float64]
Matrix: TypeAlias = sp.csr_matrix | FloatArray


class CentredOperator(Protocol):
    """Centred votes ``C`` (n_voters, n_columns) that can be multiplied, sparse or dense."""

    @property
    def means(self) -> FloatArray:
        """The column means that were subtracted at seen entries, (n_columns,)."""
        ...

    @property
    def shape(self) -> tuple[int, int]:
        """Return (voters, columns)."""
        ...

    def matmat(self, matrix: FloatArray) -> FloatArray:
        """Return ``C @ matrix``."""
        ...

    def gram(self, vector: FloatArray) -> FloatArray:
        """Return ``C.T @ C @ vector``."""
        ...


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
        """Return ``C @ matrix`` for a (n_columns, j) ``matrix``, shape (n_voters, j)."""
        weighted = self.means[:, None] * matrix
        return np.asarray(self.values @ matrix - self.seen @ weighted)

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
        return cls(_gram_from_moments(vv, vm, mm, np.ascontiguousarray(means)))

    @property
    def shape(self) -> tuple[int, int]:
        """Return (columns, columns)."""
        rows, columns = self.matrix.shape
        return int(rows), int(columns)

    def gram(self, vector: FloatArray) -> FloatArray:
        """Return ``C.T @ C @ vector``."""
        return np.asarray(_symmetric_product(self.matrix, np.ascontiguousarray(vector)))


@compiled
def _gram_from_moments(
    vv: FloatArray, vm: FloatArray, mm: FloatArray, means: FloatArray
) -> FloatArray:
    """Return ``vv - vm diag(m) - diag(m) vm.T + diag(m) mm diag(m)``, exactly symmetric
    (each entry above the diagonal is computed once and mirrored)."""
    n = means.shape[0]
    gram = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            value = vv[i, j] - vm[i, j] * means[j]
            value -= vm[j, i] * means[i]
            value += means[i] * means[j] * mm[i, j]
            gram[i, j] = value
            gram[j, i] = value
    return gram


@compiled
def _symmetric_product(matrix: FloatArray, vector: FloatArray) -> FloatArray:
    """Return ``matrix @ vector`` for a symmetric ``matrix``: row j times ``vector[j]``
    added in order of j, which vectorises without changing any sum's order."""
    n = vector.shape[0]
    result = np.zeros(n)
    for j in range(n):
        weight = vector[j]
        for i in range(n):
            result[i] += matrix[j, i] * weight
    return result


@compiled
def _dot(left: FloatArray, right: FloatArray) -> float:
    total = 0.0
    for i in range(left.shape[0]):
        total += left[i] * right[i]
    return total


@compiled
def _remove(vector: FloatArray, components: FloatArray, lengths: FloatArray) -> FloatArray:
    """Return ``vector`` minus its projection on each row of ``components`` in turn."""
    for c in range(components.shape[0]):
        if lengths[c] > 0.0:
            vector = vector - components[c] * (_dot(components[c], vector) / lengths[c])
    return vector


@compiled
def _power_iteration_gram(
    matrix: FloatArray,
    start: FloatArray,
    deflate: FloatArray,
    iterations: int,
    tolerance: float,
) -> FloatArray:
    """:func:`power_iteration` on a symmetric Gram ``matrix``, compiled."""
    lengths = np.empty(deflate.shape[0])
    for c in range(deflate.shape[0]):
        lengths[c] = _dot(deflate[c], deflate[c])
    removing = (lengths > 0.0).any()
    current = start
    for _ in range(iterations + 1):
        product = _symmetric_product(
            matrix, _remove(current, deflate, lengths) if removing else current
        )
        product = _remove(product, deflate, lengths)
        length = math.sqrt(_dot(product, product))
        if length == 0.0:
            return product
        normed = product / length
        moved = 0.0
        for i in range(normed.shape[0]):
            moved = max(moved, abs(normed[i] - current[i]))
        if moved < tolerance:
            return normed
        current = normed
    return current


@dataclass(frozen=True)
class PcaParameters:
    """Power iteration as Pol.is runs it: 2 components, at most 100 products each."""

    n_components: int = 2
    iterations: int = 100
    tolerance: float = 1e-9


def power_iteration(
    data: CentredOperator | GramVotes,
    start: FloatArray,
    deflate: list[FloatArray],
    params: PcaParameters,
) -> FloatArray:
    """Return the leading unit eigenvector of ``D.T @ D``, D being ``data`` minus ``deflate``.

    Pol.is's ``factor-matrix`` removes each earlier component from every row before looking
    for the next one; here that is done on the fly. Stops after ``params.iterations`` extra
    products or when the vector no longer moves (Pol.is stops on an unchanged eigenvalue).
    """

    deflated = np.array(deflate, dtype=np.float64).reshape(len(deflate), len(start))
    current = np.ascontiguousarray(start, dtype=np.float64)
    if isinstance(data, GramVotes):
        return np.asarray(
            _power_iteration_gram(
                np.ascontiguousarray(data.matrix),
                current,
                deflated,
                params.iterations,
                params.tolerance,
            )
        )
    lengths = np.array([_dot(c, c) for c in deflated])
    removing = bool((lengths > 0.0).any())
    for _ in range(params.iterations + 1):
        product = np.ascontiguousarray(
            data.gram(_remove(current, deflated, lengths) if removing else current)
        )
        product = _remove(product, deflated, lengths)
        length = math.sqrt(_dot(product, product))
        if length == 0.0:
            return np.asarray(product)
        normed = product / length
        moved = normed - current
        np.abs(moved, out=moved)
        if float(moved.max()) < params.tolerance:
            return np.asarray(normed)
        current = normed
    return current


def principal_components(
    data: CentredOperator | GramVotes,
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
    data: CentredOperator,
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
