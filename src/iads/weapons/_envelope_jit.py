"""Compiled (numba) kernel of ``iads.weapons.envelope.engagement_options`` (private);
``ENABLED`` chooses it (True) or the numpy reference path (False), and the tests run both.

`options` computes in one pass over the (track, missile type) pairs what the reference
does in some forty numpy calls: the intercept time (``intercept_time``: the quadratic, its
stable roots, the earliest admissible one), the PIP, the slant range from the launcher,
whether the PIP is finite, and the PIP (where it is not finite, the point (1e7, 1e7, 1e7)
m that the reference converts in its stead) in the rows of a geodetic work array
(``iads.geo._jit``), with the same floating-point operations in the same order
(``np.einsum`` sums a 3-term dot product as ``(a0 b0 + a2 b2) + a1 b1``, a norm in order),
so that the two agree bit for bit; only ``sqrt`` and ``copysign`` are called, both exact.
The geodetic height and the envelope's comparisons follow as in the reference.
"""

from __future__ import annotations

import math

from numba import njit

from iads.geo import _jit as gj

__all__ = ["ENABLED", "options"]

ENABLED = True
"""Use the compiled kernel (True) or the numpy reference path (False)."""


@njit(cache=True)
def earliest_root(a, b, c, lo):
    """The earliest root >= ``lo`` of ``a t^2 + b t + c = 0`` (inf when there is none), by
    ``envelope.intercept_time``'s stable formulas (the root pair from ``q = -(b + sign(b)
    sqrt(disc)) / 2``; a linear equation when ``|a| <= 1e-12``). Only ``sqrt`` and
    ``copysign`` are called, so the bits are numpy's on any machine."""
    disc = b * b - 4.0 * a * c
    sq = math.sqrt(0.0 if disc < 0.0 else disc)
    q = -0.5 * (b + math.copysign(sq, b))
    if abs(a) > 1e-12:
        x1 = c / q if q != 0.0 else math.inf
        x2 = q / a if a != 0.0 else math.inf
    else:
        x1 = -c / b if b != 0.0 else math.inf
        x2 = math.inf
    ok = disc >= 0.0
    if not (ok and x1 >= lo and math.isfinite(x1)):
        x1 = math.inf
    if not (ok and x2 >= lo and math.isfinite(x2)):
        x2 = math.inf
    return x1 if x1 <= x2 else x2


@njit(cache=True)
def options(pos, vel, launcher, speed_mps, dly, dly2, tof, pip, rng_m, finite, w):
    """Intercept times ``tof`` (c, m) [s], PIPs ``pip`` (c, m, 3) [m], slant ranges
    ``rng_m`` (c, m) [m] and finiteness ``finite`` (c, m) of tracks at ``pos``, ``vel``
    (c, 3) against missile types of speeds ``speed_mps`` (m,) fired from ``launcher`` (3,)
    after ``dly`` [s] (``dly2``: numpy's ``dly ** 2``); the PIPs (1e7 m where not finite)
    into rows X, Y, Z of the geodetic work array ``w`` (pairs in row-major order)."""
    m = speed_mps.shape[0]
    lo = dly - 1e-9
    for j in range(pos.shape[0]):
        d0, d1, d2 = pos[j, 0] - launcher[0], pos[j, 1] - launcher[1], pos[j, 2] - launcher[2]
        v0, v1, v2 = vel[j, 0], vel[j, 1], vel[j, 2]
        vv = (v0 * v0 + v2 * v2) + v1 * v1
        dv = (d0 * v0 + d2 * v2) + d1 * v1
        dd = (d0 * d0 + d2 * d2) + d1 * d1
        for k in range(m):
            s2 = speed_mps[k] * speed_mps[k]
            a = vv - s2
            b = 2.0 * (dv + s2 * dly)
            c = dd - s2 * dly2
            t = earliest_root(a, b, c, lo)
            tof[j, k] = t
            fin = True
            for e in range(3):
                p = pos[j, e] + vel[j, e] * t
                pip[j, k, e] = p
                fin = fin and math.isfinite(p)
            e0 = pip[j, k, 0] - launcher[0]
            e1 = pip[j, k, 1] - launcher[1]
            e2 = pip[j, k, 2] - launcher[2]
            rng_m[j, k] = math.sqrt(e0 * e0 + e1 * e1 + e2 * e2)
            finite[j, k] = fin
            i = j * m + k
            if fin:
                w[gj.X, i], w[gj.Y, i], w[gj.Z, i] = pip[j, k, 0], pip[j, k, 1], pip[j, k, 2]
            else:
                w[gj.X, i], w[gj.Y, i], w[gj.Z, i] = 1.0e7, 1.0e7, 1.0e7
