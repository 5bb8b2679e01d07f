"""Compiled (numba) interpolation of windowed threat truth (private).

``Truth`` stores each threat only over its own window of samples (``k0[i]`` to
``k0[i] + nk[i] - 1``, rows ``row0[i]`` onwards of the flat ``(rows, 3)`` position and
velocity arrays); outside it a sample is the window's end sample extended at constant
velocity. ``state_at`` interpolates every threat at one time in one call (the engine's
step), with the same operations in the same order as the numpy reference
(``iads.threats.truth._state_at_numpy``), so the results are equal bit for bit
(``tests/threats/test_truth_window.py``). ``ENABLED = False`` selects the reference.
"""

from __future__ import annotations

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
def state_at(p, v, k0, nk, row0, t_s, k, h, w, velocity, pos, vel):
    """Cubic Hermite interpolation of every threat between samples ``k`` and ``k + 1``.

    ``w`` (6,): the basis ``h01, h10, h11`` and its derivatives ``d01, d10, d11`` at the
    step's ``tau`` (computed once by the caller, as the reference does). Writes ``pos``
    (n, 3) [m] and, if ``velocity``, ``vel`` (n, 3) [m/s]."""
    n = k0.shape[0]
    h01, h10, h11, d01, d10, d11 = w[0], w[1], w[2], w[3], w[4], w[5]
    for i in range(n):
        ra, da, ia = row(k0, nk, row0, t_s, i, k)
        rb, db, ib = row(k0, nk, row0, t_s, i, k + 1)
        for c in range(3):
            pa = at(p, v, ra, da, ia, c)
            pb = at(p, v, rb, db, ib, c)
            m0 = v[ra, c] * h
            m1 = v[rb, c] * h
            dp = pb - pa
            pos[i, c] = pa + h01 * dp + h10 * m0 + h11 * m1
            if velocity:
                vel[i, c] = (d01 * dp + d10 * m0 + d11 * m1) / h
