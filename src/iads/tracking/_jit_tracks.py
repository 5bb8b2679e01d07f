"""Compiled (numba) kernels of the track-list side of a scan (private; see `_jit`):

- `assign_stars`: the first pass of `association.assign_sparse` (star clusters take their
  cheapest pair, the other pairs grouped by cluster with a union-find);
- `end_scan_arrays`: the booking, quality, M-of-N confirmation and delete reasons of
  `management.end_scan`;
- `append_tracks`: `TrackSet.concat(management.initiate(...))` for a single-model
  tracker, in one pass.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

__all__ = ["append_tracks", "assign_stars", "end_scan_arrays"]

F64 = NDArray[np.float64]


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
def _end_scan(status, hits, misses, age, history, last_t, conf_t, P, hit, book, t_s, N, M, K, vmax):
    n = status.shape[0]
    status, hits, misses, age = status.copy(), hits.copy(), misses.copy(), age.copy()
    history, last_t, conf_t = history.copy(), last_t.copy(), conf_t.copy()
    quality = np.empty(n)
    confirm = np.zeros(n, np.bool_)
    reason = np.full(n, -1, np.int8)
    _end_scan_into(status, hits, misses, age, history, last_t, conf_t, P, hit, book, t_s,
                   N, M, K, vmax, quality, confirm, reason, n)  # fmt: skip
    return status, hits, misses, age, history, last_t, conf_t, quality, confirm, reason


@njit(cache=True)
def _end_scan_into(status, hits, misses, age, history, last_t, conf_t, P, hit, book, t_s,
                   N, M, K, vmax, quality, confirm, reason, n):  # fmt: skip
    """`_end_scan` of the first n rows in place (status .. conf_t updated; quality,
    confirm (False) and reason (-1) written; they must come initialized)."""
    window = np.uint32((1 << N) - 1)
    for i in range(n):
        if book[i]:  # book the scan
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


def end_scan_arrays(tracks, hit, booked, t_s, N, M, K, vmax):
    """Compiled booking, quality, confirmation and delete reasons of
    `management.end_scan` (reason -1: the track lives); booked (n,): the rows whose scan
    is booked."""
    return _end_scan(
        tracks.status,
        tracks.hits,
        tracks.misses,
        tracks.age,
        tracks.history,
        tracks.last_update_t_s,
        tracks.confirmed_t_s,
        tracks.P,
        np.ascontiguousarray(hit, dtype=np.bool_),
        np.ascontiguousarray(booked, dtype=np.bool_),
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
