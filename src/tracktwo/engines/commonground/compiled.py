"""Compile the engines' inner loops with numba, in a fixed order of arithmetic.

Every loop compiled here adds its terms one at a time in index order, with no fused
multiply-add and no reassociation (numba's default, ``fastmath`` off), so a compiled result
is the one Python's own float arithmetic gives on the same inputs: the same bits on every
machine, unlike a BLAS product, whose order of sums depends on the processor's kernel. Tests
check each compiled function against its ``py_func`` bit for bit.

Compiled code is cached beside the sources (``__pycache__``), so only the first run on a
machine pays for compiling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba

Function = TypeVar("Function", bound=Callable[..., Any])


def compiled(function: Function) -> Function:
    """Compile ``function`` in nopython mode, cached; its Python original stays on ``py_func``."""
    return numba.njit(cache=True, nogil=True)(function)  # type: ignore[return-value]
