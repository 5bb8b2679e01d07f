"""Compiled (numba) path of ``iads.geo.ecef_to_geodetic_rad`` (private); ``ENABLED`` chooses
it (True) or the numpy reference path (False), and the tests run both.

The numpy function is ~40 array calls, whatever the number of points: 0.1 ms for the few
points of one battle-management decision. Here the same formulas (Vermeille 2011, outside
the evolute of the meridian ellipse) run in three small kernels over a work array, with
the same floating-point operations in the same order; the functions numpy computes with its
own SIMD code on AVX-512 machines (``power``, ``cbrt``, ``arctan2``) stay numpy calls, one
each over every point (``hypot`` is libm's in numpy and numba alike), so the two paths agree
bit for bit on every platform where numpy's ``hypot`` is libm's. A point inside the evolute
(closer than ~43 km to the earth's centre) or not finite sends the whole call to the numpy
path (the trigonometric branch and the equatorial disc are not compiled).

Work array ``w`` (``N_ROWS``, n), one contiguous row per quantity so that one numpy call
serves a block: the caller fills rows ``X``, ``Y``, ``Z``; `geodetic` fills ``LAT``,
``LON``, ``H``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from numpy.typing import NDArray

from iads.geo.wgs84 import A_M, E2

__all__ = ["ENABLED", "H", "LAT", "LON", "N_ROWS", "X", "Y", "Z", "geodetic"]

ENABLED = True
"""Use the compiled path (True) or the numpy reference path (False)."""

_E4 = E2 * E2

# The arctan2 numerators (Y, Z), denominators (X, dz + d) and results (LON, half the
# latitude, then the latitude) are adjacent pairs.
Y, Z, X, _DZD, LON, LAT, _RHO, _P, _Q, _R, _R3, _C1, _C2, H, _DZ = range(15)
N_ROWS = 15


@njit(cache=True)
def _terms(w):
    """rho, p, q, r of Vermeille's solution; False if a point is not finite."""
    for i in range(w.shape[1]):
        x, y, z = w[X, i], w[Y, i], w[Z, i]
        if not (math.isfinite(x) and math.isfinite(y) and math.isfinite(z)):
            return False
        rho = math.hypot(x, y)
        a = rho / A_M
        b = z / A_M
        p = a * a
        q = (1.0 - E2) * (b * b)
        w[_RHO, i], w[_P, i], w[_Q, i] = rho, p, q
        w[_R, i] = (p + q - _E4) / 6.0
    return True


@njit(cache=True)
def _roots(w):
    """The arguments of the two cube roots (row ``_R3`` becomes the evolute term); False
    when a point lies inside the evolute."""
    for i in range(w.shape[1]):
        p, q = w[_P, i], w[_Q, i]
        evol = 8.0 * w[_R3, i] + _E4 * p * q
        if not evol > 0.0:
            return False
        rad1 = math.sqrt(evol)
        rad2 = math.sqrt(_E4 * p * q)
        s, d = rad1 + rad2, rad1 - rad2
        w[_C1, i], w[_C2, i] = s * s, d * d
        w[_R3, i] = evol
    return True


@njit(cache=True)
def _latitude_args(w):
    """From the cube roots to the latitude's arctan2 argument dz + d and the height."""
    for i in range(w.shape[1]):
        r, c1, c2, evol, q = w[_R, i], w[_C1, i], w[_C2, i], w[_R3, i], w[_Q, i]
        if evol > 10.0 * E2:  # the split of the numpy path (avoids cancellation)
            u = r + 0.5 * c1 + 2.0 * r * r / (c1 if c1 > 0.0 else 1.0)
        else:
            u = r + 0.5 * c1 + 0.5 * c2
        v = math.sqrt(u * u + _E4 * q)
        ww = E2 * (u + v - q) / (2.0 * v)
        k = (u + v) / (math.sqrt(ww * ww + u + v) + ww)
        d = k * w[_RHO, i] / (k + E2)
        dz = math.hypot(d, w[Z, i])
        w[_DZD, i] = dz + d
        w[H, i] = (k + E2 - 1.0) * dz / k


def geodetic(w: NDArray[np.float64]) -> bool:
    """Geodetic latitude, longitude [rad] and height [m] (rows ``LAT``, ``LON``, ``H``) of
    the ECEF points in rows ``X``, ``Y``, ``Z`` [m] of ``w`` (``N_ROWS``, n), as
    ``ecef_to_geodetic_rad`` computes them; False (outputs undefined) when a point is not
    finite or lies inside the evolute: use the numpy path."""
    if not _terms(w):
        return False
    np.power(w[_R], 3, out=w[_R3])  # the reference's r**3
    if not _roots(w):
        return False
    np.cbrt(w[_C1 : _C2 + 1], out=w[_C1 : _C2 + 1])
    _latitude_args(w)
    np.arctan2(w[Y : Z + 1], w[X : _DZD + 1], out=w[LON : LAT + 1])
    w[LAT] *= 2.0
    return True
