"""Compiled (numba) interpolation of windowed threat truth (private).

``Truth`` stores each threat only over its own window of samples (``k0[i]`` to
``k0[i] + nk[i] - 1``, rows ``row0[i]`` onwards of the flat ``(rows, 3)`` position and
velocity arrays); outside it a sample is the window's end sample extended at constant
velocity. ``state_at`` interpolates every threat at one time in one call (the engine's
step), with the same operations in the same order as the numpy reference
(``Truth._interpolate`` with the kernel off), so the results are equal bit for bit
(``tests/threats/test_truth_window.py``). ``ENABLED = False`` selects the reference.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Use the compiled path (False: the numpy reference, equal bit for bit).
ENABLED = True


@njit(cache=True)
def row(k0, nk, row0, t_s, i, k):
    """Where sample ``k`` of threat ``i`` is: its row in ``p``, ``v`` and the time [s] to
    extend that row by at constant velocity (0 inside the window, not to be applied)."""
    j = k - k0[i]
    if 0 <= j < nk[i]:
        return row0[i] + j, 0.0, True
    kb = k0[i] if j < 0 else k0[i] + nk[i] - 1
    return row0[i] + (kb - k0[i]), t_s[k] - t_s[kb], False


@njit(cache=True)
def at(p, v, r, d, inside, c):
    """Component ``c`` of the position at ``row`` ``(r, d, inside)``."""
    return p[r, c] if inside else p[r, c] + v[r, c] * d


@njit(cache=True)
def state_at(p, v, k0, nk, row0, t_s, k, h, tau, velocity, launch, end, t, pos, vel, active):
    """Cubic Hermite interpolation of every threat between samples ``k`` and ``k + 1``
    at ``tau`` in [0, 1], with the basis computed as the reference computes it. Writes
    ``pos`` (n, 3) [m], if ``velocity`` ``vel`` (n, 3) [m/s], and ``active`` (n,):
    ``launch <= t < end``."""
    state_of(p, v, k0, nk, row0, t_s, k, h, tau, velocity, launch, end, t,
             np.arange(k0.shape[0]), pos, vel, active)  # fmt: skip


@njit(cache=True)
def state_of(p, v, k0, nk, row0, t_s, k, h, tau, velocity, launch, end, t, idx, pos, vel,
             active):  # fmt: skip
    """``state_at`` of the threats ``idx`` (m,) only: row ``q`` of ``pos`` (m, 3), ``vel``
    and ``active`` (m,) is threat ``idx[q]`` (the same operations, so the same bits)."""
    t2, t3 = tau * tau, tau * tau * tau
    h01, h10, h11 = -2 * t3 + 3 * t2, t3 - 2 * t2 + tau, t3 - t2
    d01, d10, d11 = -6 * t2 + 6 * tau, 3 * t2 - 4 * tau + 1, 3 * t2 - 2 * tau
    for q in range(idx.shape[0]):
        i = idx[q]
        active[q] = (launch[i] <= t) and (t < end[i])
        ra, da, ia = row(k0, nk, row0, t_s, i, k)
        rb, db, ib = row(k0, nk, row0, t_s, i, k + 1)
        for c in range(3):
            pa = at(p, v, ra, da, ia, c)
            pb = at(p, v, rb, db, ib, c)
            m0 = v[ra, c] * h
            m1 = v[rb, c] * h
            dp = pb - pa
            pos[q, c] = pa + h01 * dp + h10 * m0 + h11 * m1
            if velocity:
                vel[q, c] = (d01 * dp + d10 * m0 + d11 * m1) / h


@njit(cache=True)
def step_state(p, v, k0, nk, row0, t_s, k, h, tau, launch, end, t, status, flying, pos,
               active):  # fmt: skip
    """``state_at`` without velocity, then the engine step's flying mask, in one call:
    ``active &= status == flying``; returns whether some threat with ``status == flying``
    has ``end <= t`` (a flight ending by ``t``)."""
    state_at(p, v, k0, nk, row0, t_s, k, h, tau, False, launch, end, t, pos, pos, active)
    ending = False
    for i in range(active.shape[0]):
        f = status[i] == flying
        active[i] = active[i] and f
        if f and end[i] <= t:
            ending = True
    return ending
