"""Compiled (numba) kernels of the tracker's hot path for position measurements (private):
the filter side here, the track-list side in `_jit_tracks`; `ENABLED` chooses them (True)
or the numpy reference path (False), and the tests run both.

Each kernel does in one pass what its numpy reference does in several array calls, with the
same formulas, so the two agree to rounding (tests assert 1e-9):

- `gate_grid`: gated (track, measurement) pairs from a grid of columns over the
  measurements (side: the median gate radius) and the Mahalanobis test, with S^-1 of each
  pair (the cofactor expression of `kalman.inv_sym`); reference:
  `association.gate_position` (k-d tree or all pairs, then the test);
- `predict_kinematic`: CV in closed form (bit-identical to `kalman.kf_predict`), CA
  through the Kronecker structure of F;
- `update_rows`: the position update of distinct tracks (`kalman.kf_update_position`
  followed by the scatter of the rows), in place when the caller owns the arrays;
- re-exported from `_jit_tracks`: `assign_stars`, `end_scan_arrays`, `append_tracks`.

Compiled with ``cache=True``: the first run after an install compiles (about 10 s for all
kernels) and later processes load the machine code from the cache.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from numpy.typing import NDArray

from iads.tracking._jit_tracks import append_tracks, assign_stars, end_scan_arrays

__all__ = [
    "ENABLED",
    "append_tracks",
    "assign_stars",
    "end_scan_arrays",
    "gate_grid",
    "predict_kinematic",
    "update_rows",
]

ENABLED = True
"""Use the compiled kernels (True) or the numpy reference path (False)."""

F64 = NDArray[np.float64]


@njit(cache=True)
def _columns(z, a0, a1, lo0, lo1, h, nx, ny):
    """Counting sort of the measurements into the nx x ny columns of side h [m] over the
    axes a0, a1: measurements of column c are order[start[c]:start[c + 1]]."""
    m = z.shape[0]
    col = np.empty(m, np.int64)
    start = np.zeros(nx * ny + 1, np.int64)
    for j in range(m):
        ix = min(int((z[j, a0] - lo0) / h), nx - 1)
        iy = min(int((z[j, a1] - lo1) / h), ny - 1)
        col[j] = ix * ny + iy
        start[col[j] + 1] += 1
    for c in range(nx * ny):
        start[c + 1] += start[c]
    fill = start[:-1].copy()
    order = np.empty(m, np.int64)
    for j in range(m):
        order[fill[col[j]]] = j
        fill[col[j]] += 1
    return start, order


@njit(cache=True)
def _span(p: float, r: float, lo: float, h: float, n: int) -> tuple[int, int]:
    a = math.floor((p - r - lo) / h)
    b = math.floor((p + r - lo) / h)
    return max(a, 0), min(b, n - 1)


@njit(cache=True)
def _pair(x, P, z, R, i, j, G, out_S, k):
    """Mahalanobis test of track i against measurement j; S^-1 written to out_S[k]."""
    a = P[i, 0, 0] + R[j, 0, 0]
    b = P[i, 0, 1] + R[j, 0, 1]
    c = P[i, 0, 2] + R[j, 0, 2]
    d = P[i, 1, 1] + R[j, 1, 1]
    e = P[i, 1, 2] + R[j, 1, 2]
    f = P[i, 2, 2] + R[j, 2, 2]
    # cofactors and determinant as in kalman.inv_sym
    A = d * f - e * e
    B = c * e - b * f
    C = b * e - c * d
    D = a * f - c * c
    E = b * c - a * e
    Gc = a * d - b * b
    det = a * A + b * B + c * C
    A /= det
    B /= det
    C /= det
    D /= det
    E /= det
    Gc /= det
    n0 = z[j, 0] - x[i, 0]
    n1 = z[j, 1] - x[i, 1]
    n2 = z[j, 2] - x[i, 2]
    d2 = (
        n0 * (A * n0 + B * n1 + C * n2)
        + n1 * (B * n0 + D * n1 + E * n2)
        + n2 * (C * n0 + E * n1 + Gc * n2)
    )
    if d2 <= G:
        s = out_S[k]
        s[0, 0], s[0, 1], s[0, 2] = A, B, C
        s[1, 0], s[1, 1], s[1, 2] = B, D, E
        s[2, 0], s[2, 1], s[2, 2] = C, E, Gc
    return d2


@njit(cache=True)
def _gate(x, P, z, R, radius, G, a0, a1, lo0, lo1, h, nx, ny):
    n, m = x.shape[0], z.shape[0]
    start, order = _columns(z, a0, a1, lo0, lo1, h, nx, ny)
    cap = 4 * (n + m) + 16
    rows = np.empty(cap, np.int64)
    cols = np.empty(cap, np.int64)
    d2s = np.empty(cap)
    Sinv = np.empty((cap, 3, 3))
    k = 0
    for i in range(n):
        r = radius[i]
        x0, x1 = _span(x[i, a0], r, lo0, h, nx)
        y0, y1 = _span(x[i, a1], r, lo1, h, ny)
        wide = (x1 - x0 + 1) * (y1 - y0 + 1) > m  # a ball wider than the grid is worth
        for ix in range(0 if wide else x0, 1 if wide else x1 + 1):
            for iy in range(0 if wide else y0, 1 if wide else y1 + 1):
                c = ix * ny + iy
                s, e = (0, m) if wide else (start[c], start[c + 1])
                for q in range(s, e):
                    j = q if wide else order[q]
                    if k == cap:
                        cap *= 2
                        rows, cols, d2s, Sinv = _grow(rows, cols, d2s, Sinv, k, cap)
                    d2 = _pair(x, P, z, R, i, j, G, Sinv, k)
                    if d2 <= G:
                        rows[k] = i
                        cols[k] = j
                        d2s[k] = d2
                        k += 1
    return rows[:k], cols[:k], d2s[:k], Sinv[:k]


@njit(cache=True)
def _grow(rows, cols, d2s, Sinv, k, cap):
    """The output arrays with room for cap pairs, the first k kept."""
    r2 = np.empty(cap, np.int64)
    c2 = np.empty(cap, np.int64)
    d2 = np.empty(cap)
    S2 = np.empty((cap, 3, 3))
    r2[:k] = rows[:k]
    c2[:k] = cols[:k]
    d2[:k] = d2s[:k]
    S2[:k] = Sinv[:k]
    return r2, c2, d2, S2


@njit(cache=True)
def _gate_all(x, P, z, R, G):
    n, m = x.shape[0], z.shape[0]
    tr_R = 0.0
    for j in range(m):
        tr_R = max(tr_R, R[j, 0, 0] + R[j, 1, 1] + R[j, 2, 2])
    radius = np.empty(n)  # bound of each gate's largest semi-axis
    for i in range(n):
        radius[i] = math.sqrt(G * (P[i, 0, 0] + P[i, 1, 1] + P[i, 2, 2] + tr_R))
    lo = np.empty(3)
    w = np.empty(3)
    for a in range(3):
        lo[a] = z[:, a].min()
        w[a] = z[:, a].max() - lo[a]
    ax = np.argsort(w)  # columns along the two widest axes
    a0, a1 = ax[2], ax[1]
    w0, w1 = w[a0], w[a1]
    # cells of the median gate radius, but no more than about 12 m columns
    h = max(np.median(radius), math.sqrt(w0 * w1 / (4.0 * m)), w0 / (4.0 * m), 1e-9)
    nx, ny = int(w0 / h) + 1, int(w1 / h) + 1
    return _gate(x, P, z, R, radius, G, a0, a1, lo[a0], lo[a1], h, nx, ny)


def gate_grid(
    x: F64, P: F64, z: F64, R: F64, gate_d2: float
) -> tuple[NDArray[np.int64], NDArray[np.int64], F64, F64]:
    """Compiled `association.gate_position` on the tracks' full states x (n, d) and
    covariances P (n, d, d) (their position parts are used): returns (rows, cols, d2, Sinv),
    pairs ordered by track. The grid's column side is the median of the gate radii
    sqrt(gate_d2 (tr S_pred + max tr R)) (an upper bound of each gate's largest semi-axis),
    so a track looks at the few columns its ball touches; a ball wider than the whole grid
    is tested against every measurement."""
    n, m = x.shape[0], z.shape[0]
    if n == 0 or m == 0:
        e = np.zeros(0, np.int64)
        return e, e.copy(), np.zeros(0), np.zeros((0, 3, 3))
    return _gate_all(
        np.ascontiguousarray(x),
        np.ascontiguousarray(P),
        np.ascontiguousarray(z),
        np.ascontiguousarray(R),
        float(gate_d2),
    )


@njit(cache=True)
def _update(x, P, z, Sinv, rows, cols):
    """In place: rows are distinct, so each track's row is read before it is written."""
    d = x.shape[1]
    K = np.empty((d, 3))
    pht = np.empty((d, 3))
    for p in range(rows.shape[0]):
        r, c = rows[p], cols[p]
        for i in range(d):  # K = P H^T S^-1, P H^T = P[:, :3]
            for j in range(3):
                pht[i, j] = P[r, i, j]
            for j in range(3):
                K[i, j] = pht[i, 0] * Sinv[p, 0, j] + pht[i, 1] * Sinv[p, 1, j]
                K[i, j] += pht[i, 2] * Sinv[p, 2, j]
        n0 = z[c, 0] - x[r, 0]
        n1 = z[c, 1] - x[r, 1]
        n2 = z[c, 2] - x[r, 2]
        for i in range(d):
            x[r, i] = x[r, i] + (K[i, 0] * n0 + K[i, 1] * n1 + K[i, 2] * n2)
        for i in range(d):  # P - K (P H^T)^T, symmetrized
            for j in range(i, d):
                # (P H^T)[j] from the copy: P's first columns are being overwritten
                a = P[r, i, j] - (K[i, 0] * pht[j, 0] + K[i, 1] * pht[j, 1] + K[i, 2] * pht[j, 2])
                b = P[r, j, i] - (K[j, 0] * pht[i, 0] + K[j, 1] * pht[i, 1] + K[j, 2] * pht[i, 2])
                v = 0.5 * (a + b)
                P[r, i, j] = v
                P[r, j, i] = v
    return x, P


def update_rows(
    x: F64,
    P: F64,
    z: F64,
    Sinv: F64,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    copy: bool = True,
) -> tuple[F64, F64]:
    """x (n, d) and P (n, d, d) with the distinct tracks rows (p,) updated by the position
    measurements z[cols] (z (m, 3)), S^-1 (p, 3, 3) from the gate
    (`kalman.kf_update_position` on the rows, scattered back). copy=False updates x and P
    in place when they are C-contiguous (a caller that owns them: the tracker, on the
    arrays its prediction made)."""
    if copy or not (x.flags.c_contiguous and P.flags.c_contiguous and x.flags.writeable):
        x, P = x.copy(), P.copy()
    return _update(
        x,
        P,
        np.ascontiguousarray(z),
        np.ascontiguousarray(Sinv),
        rows,
        cols,
    )


@njit(cache=True)
def _predict_kron(x, P, c, Q):
    """F = c ⊗ I3 (CV: k = 2, CA: k = 3 blocks per axis), so F P F^T mixes only the entries
    that share their axes: T = F P, then T F^T, k terms per entry."""
    n, d = x.shape
    xo = np.empty((n, d))
    Po = np.empty((n, d, d))
    _predict_kron_into(x, P, c, Q, xo, Po, n)
    return xo, Po


@njit(cache=True)
def _predict_kron_into(x, P, c, Q, xo, Po, n):
    """`_predict_kron` of the first n rows, written into xo and Po (not x and P)."""
    d = x.shape[1]
    k = c.shape[0]
    T = np.empty((d, d))
    for t in range(n):
        for a in range(k):
            for i in range(3):
                acc = 0.0
                for b in range(k):
                    acc += c[a, b] * x[t, 3 * b + i]
                xo[t, 3 * a + i] = acc
        for a in range(k):  # T = F P
            for i in range(3):
                for col in range(d):
                    acc = 0.0
                    for b in range(k):
                        acc += c[a, b] * P[t, 3 * b + i, col]
                    T[3 * a + i, col] = acc
        for row in range(d):  # T F^T + Q
            for a in range(k):
                for i in range(3):
                    acc = 0.0
                    for b in range(k):
                        acc += T[row, 3 * b + i] * c[a, b]
                    Po[t, row, 3 * a + i] = acc + Q[row, 3 * a + i]


@njit(cache=True)
def _predict_cv(x, P, dt, Q):
    """CV: F = [[I, dt I], [0, I]]; per pair of axes (i, j) the 2x2 block of position and
    velocity terms [[pp, pv], [vp, vv]] becomes [[(pp + dt vp) + (pv + dt vv) dt,
    pv + dt vv], [vp + dt vv, vv]] (the sums of F P F^T in the order numpy takes them)."""
    n = x.shape[0]
    xo = np.empty((n, 6))
    Po = np.empty((n, 6, 6))
    _predict_cv_into(x, P, dt, Q, xo, Po, n)
    return xo, Po


@njit(cache=True)
def _predict_cv_into(x, P, dt, Q, xo, Po, n):
    """`_predict_cv` of the first n rows, written into xo and Po (not x and P)."""
    for t in range(n):
        for i in range(3):
            xo[t, i] = x[t, i] + dt * x[t, 3 + i]
            xo[t, 3 + i] = x[t, 3 + i]
            for j in range(3):
                pp, pv = P[t, i, j], P[t, i, 3 + j]
                vp, vv = P[t, 3 + i, j], P[t, 3 + i, 3 + j]
                tpv = pv + dt * vv
                Po[t, i, j] = (pp + dt * vp) + tpv * dt + Q[i, j]
                Po[t, i, 3 + j] = tpv + Q[i, 3 + j]
                Po[t, 3 + i, j] = (vp + dt * vv) + Q[3 + i, j]
                Po[t, 3 + i, 3 + j] = vv + Q[3 + i, 3 + j]


def predict_kinematic(x: F64, P: F64, F: F64, Q: F64) -> tuple[F64, F64]:
    """Compiled `kalman.kf_predict` for the CV and CA models: one F = c ⊗ I3 (d = 3k, layout
    [pos, vel(, acc)] as in `models`) and Q shared by all tracks."""
    if F.shape[0] == 6:
        return _predict_cv(np.ascontiguousarray(x), np.ascontiguousarray(P), float(F[0, 3]), Q)
    return _predict_kron(
        np.ascontiguousarray(x),
        np.ascontiguousarray(P),
        np.ascontiguousarray(F[::3, ::3]),
        np.ascontiguousarray(Q),
    )
