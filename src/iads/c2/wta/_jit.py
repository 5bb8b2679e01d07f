"""Compiled (numba) greedy of the WTA heuristic (private); ``ENABLED`` chooses it (True) or
the numpy reference ``_heuristic.greedy`` (False), and the tests run both.

The reference loops in Python over the shots, with ~10 numpy calls on a few elements per
shot (~0.1-0.4 ms a call in a run). Here the same loop is compiled: the same products
``p_ij S_j``, the same ``S_j *= q_ij`` updates in the same order, and ``np.argmax``'s rule
(the first maximum, or the first NaN), so the shot counts are equal bit for bit; the tests
compare them on random problems with ties, certain and useless shots. Compiled with
``cache=True``.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

__all__ = ["ENABLED", "greedy"]

ENABLED = True
"""Use the compiled greedy (True) or the numpy reference (False)."""


@njit(cache=True)
def _best(p, i, s):
    """``np.argmax(p[i] * s)`` and that product: the first maximum, or the first NaN."""
    bj, bg = 0, p[i, 0] * s[0]
    if bg != bg:
        return bj, bg
    for j in range(1, s.shape[0]):
        g = p[i, j] * s[j]
        if g != g:
            return j, g
        if g > bg:
            bj, bg = j, g
    return bj, bg


@njit(cache=True)
def _greedy(values, q, counts):
    n_types, n_targets = q.shape
    p = 1.0 - q
    x = np.zeros((n_types, n_targets), np.int64)
    s = values.copy()
    left = counts.copy()
    best_j = np.empty(n_types, np.int64)
    best_g = np.empty(n_types)
    for i in range(n_types):
        best_j[i], best_g[i] = _best(p, i, s)
        if left[i] == 0:
            best_g[i] = -1.0
    for _ in range(counts.sum()):
        i = 0  # np.argmax(best_g)
        for k in range(1, n_types):
            if best_g[i] != best_g[i]:
                break
            if best_g[k] > best_g[i] or best_g[k] != best_g[k]:
                i = k
        if best_g[i] <= 0.0:
            break  # no shot left can reduce the surviving value: hold fire
        j = best_j[i]
        x[i, j] += 1
        s[j] *= q[i, j]
        left[i] -= 1
        if left[i] == 0:
            best_g[i] = -1.0
        # Only rows whose best target was j lost their best gain.
        for r in range(n_types):
            if best_j[r] == j and left[r] > 0:
                best_j[r], best_g[r] = _best(p, r, s)
    return x


def greedy(
    values: NDArray[np.float64], q: NDArray[np.float64], counts: NDArray[np.int64]
) -> NDArray[np.int64]:
    """``_heuristic.greedy`` compiled: shot counts x (n_types, n_targets) from target
    values (n_targets,), survival probabilities q (n_types, n_targets) and shots per type
    (n_types,); at least one type and one target, q of float64 (the reference computes
    in the dtype of q)."""
    return _greedy(
        np.array(values, dtype=np.float64),
        np.ascontiguousarray(q, dtype=np.float64),
        np.array(counts, dtype=np.int64),
    )
