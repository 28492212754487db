"""How closely two partitions of the same voters agree: the adjusted Rand index.

Hubert & Arabie (1985): the Rand index corrected for chance, 1 for identical partitions
(whatever the labels), about 0 for unrelated ones. Used to score our opinion groups against
the ``group-id`` Pol.is itself assigned in an export.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd


def _pairs(counts: npt.NDArray[np.float64]) -> float:
    return float((counts * (counts - 1.0) / 2.0).sum())


def adjusted_rand_index(first: npt.ArrayLike, second: npt.ArrayLike) -> float:
    """Return the adjusted Rand index of two labelings of the same items (any hashable labels)."""
    a, b = np.asarray(first), np.asarray(second)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("give two one-dimensional labelings of the same items")
    if len(a) < 2:
        return 1.0
    _, a_codes = np.unique(a, return_inverse=True)
    _, b_codes = np.unique(b, return_inverse=True)
    table = np.zeros((a_codes.max() + 1, b_codes.max() + 1))
    np.add.at(table, (a_codes, b_codes), 1.0)
    both = _pairs(table)
    rows, cols = _pairs(table.sum(axis=1)), _pairs(table.sum(axis=0))
    expected = rows * cols / _pairs(np.array([float(len(a))]))
    maximum = (rows + cols) / 2.0
    if maximum == expected:
        return 1.0
    return (both - expected) / (maximum - expected)


def agreement_with_polis(
    ours: Mapping[Any, int] | pd.Series, polis: pd.Series
) -> tuple[float, int]:
    """Return (ARI, voters compared) over the voters both clusterings placed in a group.

    ``ours`` maps voter id to our group (-1: not clustered); ``polis`` is Pol.is's
    ``group-id`` per participant (NaN: not clustered).
    """
    mine = pd.Series(ours) if not isinstance(ours, pd.Series) else ours
    theirs = polis.dropna()
    common = [v for v in theirs.index if v in mine.index and mine[v] >= 0]
    if not common:
        return float("nan"), 0
    return adjusted_rand_index(theirs[common].to_numpy(), mine[common].to_numpy()), len(common)
