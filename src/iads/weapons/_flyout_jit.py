"""Compiled (numba) interceptor motion (private): ``Interceptors.advance`` in one call,
the same operations in the same order as its numpy reference, so equal bit for bit
(``tests/weapons/test_flyout_jit.py``). ``ENABLED = False`` selects the reference."""

from __future__ import annotations

import math

from numba import njit

#: Use the compiled path (False: the numpy reference, equal bit for bit).
ENABLED = True


@njit(cache=True)
def advance(pos, aim, speed, ids, dt_s):
    """Move interceptors ``ids`` (k,) in place by ``speed * dt_s`` [m] toward their aim
    points (stopping there): ``pos``, ``aim`` (n, 3) ECEF [m], ``speed`` (n,) [m/s]."""
    for q in range(ids.shape[0]):
        i = ids[q]
        d0 = aim[i, 0] - pos[i, 0]
        d1 = aim[i, 1] - pos[i, 1]
        d2 = aim[i, 2] - pos[i, 2]
        dist = math.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
        step = min(speed[i] * dt_s, dist)
        if dist > 0:
            u0, u1, u2 = d0 / dist, d1 / dist, d2 / dist
        else:
            u0, u1, u2 = 0.0, 0.0, 0.0
        pos[i, 0] = pos[i, 0] + u0 * step
        pos[i, 1] = pos[i, 1] + u1 * step
        pos[i, 2] = pos[i, 2] + u2 * step
