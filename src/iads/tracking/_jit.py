"""Compiled (numba) kernels of the tracker's hot path for position measurements (private).

Each kernel does in one pass what its numpy reference does in several array calls, with the
same formulas, so the two agree to rounding (tests assert 1e-9; the cofactor inverse is the
same expression as `kalman.inv_sym`):

- `gate_grid`: gated (track, measurement) pairs by a uniform grid over the measurements
  (cells of the median gate radius, sorted cell keys, a binary search per column of
  cells) and the Mahalanobis test, with S^-1 of each pair: the reference is
  `association.gate_position` (k-d tree or all pairs, then the test);
- `update_rows`: the position update of distinct tracks in place on copies of x and P
  (`kalman.kf_update_position` followed by the scatter of the rows).

`ENABLED` chooses these kernels (True) or the numpy reference (False); tests run both.
Compiled with ``cache=True``: the first import after an install compiles once (a few
seconds) and later processes load the machine code from the cache.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from numpy.typing import NDArray

__all__ = ["ENABLED", "gate_grid", "update_rows"]

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
    k = c.shape[0]
    xo = np.empty((n, d))
    Po = np.empty((n, d, d))
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
    return xo, Po


@njit(cache=True)
def _predict_cv(x, P, dt, Q):
    """CV: F = [[I, dt I], [0, I]]; per pair of axes (i, j) the 2x2 block of position and
    velocity terms [[pp, pv], [vp, vv]] becomes [[(pp + dt vp) + (pv + dt vv) dt,
    pv + dt vv], [vp + dt vv, vv]] (the sums of F P F^T in the order numpy takes them)."""
    n = x.shape[0]
    xo = np.empty((n, 6))
    Po = np.empty((n, 6, 6))
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
    return xo, Po


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


@njit(cache=True)
def _find(parent, a):
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


@njit(cache=True)
def _stars(rows, cols, cost, n_rows, n_cols):
    p = rows.shape[0]
    chosen = np.zeros(p, np.bool_)
    deg_r = np.zeros(n_rows, np.int64)
    deg_c = np.zeros(n_cols, np.int64)
    for k in range(p):
        if cost[k] < 0:
            deg_r[rows[k]] += 1
            deg_c[cols[k]] += 1
    # a column all of whose rows have no other pair is a star (likewise a row)
    col_star = np.ones(n_cols, np.bool_)
    row_star = np.ones(n_rows, np.bool_)
    for k in range(p):
        if cost[k] < 0:
            if deg_r[rows[k]] > 1:
                col_star[cols[k]] = False
            if deg_c[cols[k]] > 1:
                row_star[rows[k]] = False
    best_c = np.full(n_cols, -1, np.int64)  # cheapest pair of each star, first on ties
    best_r = np.full(n_rows, -1, np.int64)
    parent = np.arange(n_rows + n_cols)
    n_general = 0
    for k in range(p):
        if cost[k] >= 0:
            continue
        r, c = rows[k], cols[k]
        if col_star[c]:
            if best_c[c] < 0 or cost[k] < cost[best_c[c]]:
                best_c[c] = k
        elif row_star[r]:
            if best_r[r] < 0 or cost[k] < cost[best_r[r]]:
                best_r[r] = k
        else:
            n_general += 1
            a, b = _find(parent, r), _find(parent, n_rows + c)
            if a != b:
                parent[max(a, b)] = min(a, b)
    for c in range(n_cols):
        if best_c[c] >= 0:
            chosen[best_c[c]] = True
    for r in range(n_rows):
        if best_r[r] >= 0:
            chosen[best_r[r]] = True
    general = np.empty(n_general, np.int64)
    label = np.empty(n_general, np.int64)
    q = 0
    for k in range(p):
        if cost[k] < 0 and not col_star[cols[k]] and not row_star[rows[k]]:
            general[q] = k
            label[q] = _find(parent, rows[k])
            q += 1
    order = np.argsort(label, kind="mergesort")
    return chosen, general[order], label[order]


def assign_stars(
    rows: NDArray[np.int64], cols: NDArray[np.int64], cost: F64, n_rows: int, n_cols: int
) -> tuple[NDArray[np.bool_], NDArray[np.int64], NDArray[np.int64]]:
    """The first pass of `association.assign_sparse`: (chosen (p,) with the cheapest pair of
    every star cluster taken, the pairs of the other clusters grouped by cluster (indices
    into the pairs, increasing within a cluster), their cluster labels)."""
    return _stars(rows, cols, np.ascontiguousarray(cost, dtype=np.float64), n_rows, n_cols)


@njit(cache=True)
def _end_scan(status, hits, misses, age, history, last_t, conf_t, P, hit, nb, t_s, N, M, K, vmax):
    n = status.shape[0]
    status, hits, misses, age = status.copy(), hits.copy(), misses.copy(), age.copy()
    history, last_t, conf_t = history.copy(), last_t.copy(), conf_t.copy()
    quality = np.empty(n)
    confirm = np.zeros(n, np.bool_)
    reason = np.full(n, -1, np.int8)
    window = np.uint32((1 << N) - 1)
    for i in range(n):
        if i < nb:  # book the scan
            age[i] += 1
            if hit[i]:
                hits[i] += 1
                misses[i] = 0
                history[i] = (history[i] << np.uint32(1)) | np.uint32(1)
                last_t[i] = t_s
            else:
                misses[i] += 1
                history[i] = history[i] << np.uint32(1)
        v = history[i] & window
        bits = 0
        while v:
            bits += 1
            v &= v - np.uint32(1)
        quality[i] = bits / min(age[i], N)
        tentative = status[i] == 0
        if tentative and hits[i] >= M:
            confirm[i] = True
            status[i] = 1
            conf_t[i] = t_s
        if P[i, 0, 0] + P[i, 1, 1] + P[i, 2, 2] > vmax:
            reason[i] = 1  # DeleteReason.COVARIANCE
        elif misses[i] >= K:
            reason[i] = 0  # MISSES
        elif tentative and not confirm[i] and hits[i] + (N - age[i]) < M:
            reason[i] = 2  # NOT_CONFIRMED
    return status, hits, misses, age, history, last_t, conf_t, quality, confirm, reason


def end_scan_arrays(tracks, hit, n_booked, t_s, N, M, K, vmax):
    """Compiled booking, quality, confirmation and delete reasons of
    `management.end_scan` (reason -1: the track lives)."""
    return _end_scan(
        tracks.status,
        tracks.hits,
        tracks.misses,
        tracks.age,
        tracks.history,
        tracks.last_update_t_s,
        tracks.confirmed_t_s,
        tracks.P,
        hit,
        n_booked,
        float(t_s),
        N,
        M,
        K,
        float(vmax),
    )


@njit(cache=True)
def _append(ids, x, P, status, hits, misses, age, history, quality, t, last_t, init_t, conf_t,
            pos, R_pos, prior_var, t_s, next_id):  # fmt: skip
    n, d = x.shape
    m = pos.shape[0]
    N = n + m
    ids2, x2, P2 = np.empty(N, np.int64), np.zeros((N, d)), np.zeros((N, d, d))
    st2, h2, mi2, a2 = (
        np.empty(N, np.int8),
        np.empty(N, np.int32),
        np.empty(N, np.int32),
        np.empty(N, np.int32),
    )
    hi2, q2, t2 = np.empty(N, np.uint32), np.empty(N), np.empty(N)
    lt2, it2, ct2 = np.empty(N), np.empty(N), np.empty(N)
    ids2[:n], x2[:n], P2[:n] = ids, x, P
    st2[:n], h2[:n], mi2[:n], a2[:n], hi2[:n] = status, hits, misses, age, history
    q2[:n], t2[:n], lt2[:n], it2[:n], ct2[:n] = quality, t, last_t, init_t, conf_t
    for k in range(m):  # the new tentative tracks (as management.initiate)
        i = n + k
        ids2[i] = next_id + k
        for a in range(3):
            x2[i, a] = pos[k, a]
            for b in range(3):
                P2[i, a, b] = R_pos[k, a, b]
        for a in range(3, d):
            P2[i, a, a] = prior_var[a]
        st2[i], h2[i], mi2[i], a2[i], hi2[i] = 0, 1, 0, 1, 1
        q2[i], t2[i], lt2[i], it2[i], ct2[i] = 1.0, t_s, t_s, t_s, np.nan
    return ids2, x2, P2, st2, h2, mi2, a2, hi2, q2, t2, lt2, it2, ct2


def append_tracks(tracks, pos_m: F64, R_pos: F64, prior_var: F64, t_s: float):
    """`tracks.concat(management.initiate(...))` for a single-model tracker in one pass:
    tentative tracks at pos_m (m, 3) with covariance R_pos (m, 3, 3) on the position and
    the prior variances prior_var[3:] (d,) on the diagonal of the other components."""
    n, m = tracks.n, pos_m.shape[0]
    f = _append(
        tracks.ids, tracks.x, tracks.P, tracks.status, tracks.hits, tracks.misses, tracks.age,
        tracks.history, tracks.quality, tracks.t_s, tracks.last_update_t_s,
        tracks.initiated_t_s, tracks.confirmed_t_s, np.ascontiguousarray(pos_m),
        np.ascontiguousarray(R_pos), prior_var, float(t_s), tracks.next_id,
    )  # fmt: skip
    d = tracks.x.shape[1]
    names = ("ids", "x", "P", "status", "hits", "misses", "age", "history", "quality", "t_s")
    names += ("last_update_t_s", "initiated_t_s", "confirmed_t_s")
    return tracks.replace(
        **dict(zip(names, f, strict=True)),
        mode_p=np.empty((n + m, 0)),
        mode_x=np.empty((n + m, 0, d)),
        mode_P=np.empty((n + m, 0, d, d)),
        next_id=tracks.next_id + m,
    )
