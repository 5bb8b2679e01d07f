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


@njit(cache=True)
def guide(pos, aim, speed, ids, tpos, tvel, has, tgo):
    """``Interceptors.guide`` in one pass: re-aim interceptors ``ids`` (k,) at the PIP of
    their tracks at ``tpos``, ``tvel`` (k, 3) [m, m/s] where ``has`` (k,) and the PIP is
    finite (``envelope.intercept_time`` with no delay: the quadratic, its stable roots, the
    earliest admissible one), writing ``aim`` (n, 3) in place and the time to go [s] to
    the aim point into ``tgo`` (k,). Dot products are summed in ``np.einsum``'s order
    ``(x0 y0 + x2 y2) + x1 y1``, norms in order; only ``sqrt`` and ``copysign`` are called
    (both exact), so the bits are the reference's."""
    for q in range(ids.shape[0]):
        i = ids[q]
        p0, p1, p2 = pos[i, 0], pos[i, 1], pos[i, 2]
        s = speed[i]
        d0, d1, d2 = tpos[q, 0] - p0, tpos[q, 1] - p1, tpos[q, 2] - p2
        v0, v1, v2 = tvel[q, 0], tvel[q, 1], tvel[q, 2]
        s2 = s * s
        a = ((v0 * v0 + v2 * v2) + v1 * v1) - s2
        b = 2.0 * (((d0 * v0 + d2 * v2) + d1 * v1) + s2 * 0.0)
        c = ((d0 * d0 + d2 * d2) + d1 * d1) - s2 * 0.0
        disc = b * b - 4.0 * a * c
        sq = math.sqrt(0.0 if disc < 0.0 else disc)
        qq = -0.5 * (b + math.copysign(sq, b))
        if abs(a) > 1e-12:
            x1 = c / qq if qq != 0.0 else math.inf
            x2 = qq / a if a != 0.0 else math.inf
        else:
            x1 = -c / b if b != 0.0 else math.inf
            x2 = math.inf
        ok = disc >= 0.0
        if not (ok and x1 >= -1e-9 and math.isfinite(x1)):
            x1 = math.inf
        if not (ok and x2 >= -1e-9 and math.isfinite(x2)):
            x2 = math.inf
        tau = x1 if x1 <= x2 else x2
        if has[q] and math.isfinite(tau):
            aim[i, 0] = tpos[q, 0] + tvel[q, 0] * tau
            aim[i, 1] = tpos[q, 1] + tvel[q, 1] * tau
            aim[i, 2] = tpos[q, 2] + tvel[q, 2] * tau
        e0, e1, e2 = aim[i, 0] - p0, aim[i, 1] - p1, aim[i, 2] - p2
        tgo[q] = math.sqrt(e0 * e0 + e1 * e1 + e2 * e2) / s
