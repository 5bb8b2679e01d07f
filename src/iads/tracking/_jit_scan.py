"""One compiled scan of the tracker for its common configuration (private): position
measurements, CV or CA motion, GNN association. `fused_step` does in one numba call what
`tracker.tracker_step` does in a few dozen numpy and numba calls (predict, per sensor: gate,
associate confirmed then tentative tracks, update, append new tentative tracks; then book
the scan, confirm, delete), with the same kernels (`_jit`, `_jit_tracks`) called from
inside, so the results are the same bits. It writes into arrays the caller allocates, so a
scan boxes no array on return.

It gives up (returns None, and the caller runs the reference path, which sees the same
inputs) when a cluster of gated pairs needs the dense assignment
(`scipy.optimize.linear_sum_assignment`), when the tracks do not share one time, when the
scan time is before the tracks' time, or when a measurement is not finite (the reference
path raises the error). `ENABLED` switches it off (then `tracker_step` is the reference).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from iads.tracking._jit import _gate_all, _predict_cv_into, _predict_kron_into, _update
from iads.tracking._jit_tracks import _end_scan_into, _stars
from iads.tracking.base import TrackerConfig, TrackEvents, TrackSet
from iads.tracking.models import transition_and_noise

__all__ = ["ENABLED", "fused_step"]

ENABLED = True
"""Use the fused scan for the common configuration (True) or always the step by step path."""

_GIVE_UP = -1


@njit(cache=True)
def _by_sensor(sid, m):
    """The measurement indices grouped by sensor id, increasing, in their order within a
    sensor (a stable argsort of sid; sensors are few)."""
    order = np.empty(m, np.int64)
    done = 0
    last = 0
    while done < m:
        cur = 0  # the next sensor id
        found = False
        for j in range(m):
            if (done == 0 or sid[j] > last) and (not found or sid[j] < cur):
                cur = sid[j]
                found = True
        for j in range(m):
            if sid[j] == cur:
                order[done] = j
                done += 1
        last = cur
    return order


@njit(cache=True)
def _choose(rows, cols, d2, G, sel, n_cur, mg, cost, chosen, used):
    """One association pass over the gated pairs ``sel`` (confirmed tracks first, then
    tentative ones): the stars of ``_stars`` on the costs ``d2 - G``, marked in
    ``chosen`` (and their measurements in ``used`` when given). False when a cluster
    needs the dense assignment (the scan gives up to the reference path)."""
    for k in range(rows.shape[0]):
        cost[k] = d2[k] - G if sel[k] else 0.0
    ch, general, _ = _stars(rows, cols, cost, n_cur, mg)
    if general.shape[0]:
        return False
    for k in range(rows.shape[0]):
        if sel[k] and ch[k]:
            chosen[k] = True
            if used is not None:
                used[cols[k]] = True
    return True


@njit(cache=True)
def _scan(ids, x, P, status, hits, misses, age, history, quality, tt, last_t, init_t, conf_t,
          next_id, z, R, sid, obs, has_obs, t_s, F, Q, G, N, M, K, vmax, prior_var,
          o_x, o_P, o_i64, o_i8, o_i32, o_hist, o_f):  # fmt: skip
    """The scan into the o_ arrays (capacity cap = n + m rows): x (cap, d), P (cap, d, d),
    o_i64 (cap + 2 m + 2 cap,): the ids, then the pairs' track ids, their measurement
    indices, the confirmed ids and the deleted ids; o_i8 (2, cap): status and the delete
    reasons; o_i32 (3, cap): hits, misses, age; o_hist (cap,); o_f (5, cap): quality, t_s,
    last update, initiation and confirmation times. Returns (n_out, next_id, pairs,
    confirmed, deleted), or n_out = -1 to give up (nothing returned is then meaningful)."""
    n, d = x.shape
    m = z.shape[0]
    cap = n + m
    o_ids, o_ev = o_i64[:cap], o_i64[cap:]
    o_st, o_reason = o_i8[0], o_i8[1]
    o_hits, o_miss, o_age = o_i32[0], o_i32[1], o_i32[2]
    o_q, o_t, o_last, o_init, o_conf = o_f[0], o_f[1], o_f[2], o_f[3], o_f[4]
    for j in range(m):
        for a in range(3):
            if not np.isfinite(z[j, a]):
                return _GIVE_UP, 0, 0, 0, 0
            for b in range(3):
                if not np.isfinite(R[j, a, b]):
                    return _GIVE_UP, 0, 0, 0, 0
    for i in range(n):
        if tt[i] != tt[0]:  # no shared F and Q (the reference predicts track by track)
            return _GIVE_UP, 0, 0, 0, 0
    if n and t_s < tt[0]:
        return _GIVE_UP, 0, 0, 0, 0
    # the tracks as they are, then predicted (written into the outputs; x and P are read)
    for i in range(n):
        o_ids[i], o_st[i], o_hits[i], o_miss[i] = ids[i], status[i], hits[i], misses[i]
        o_age[i], o_hist[i], o_q[i], o_last[i] = age[i], history[i], quality[i], last_t[i]
        o_init[i], o_conf[i], o_t[i] = init_t[i], conf_t[i], t_s
    if n:
        if d == 6:
            _predict_cv_into(x, P, F[0, 3], Q, o_x, o_P, n)
        else:
            k = d // 3
            c = np.empty((k, k))
            for a in range(k):
                for b in range(k):
                    c[a, b] = F[3 * a, 3 * b]
            _predict_kron_into(x, P, c, Q, o_x, o_P, n)
    order = _by_sensor(sid, m)
    hit = np.zeros(cap, np.bool_)
    n_cur = n
    n_pairs = 0
    a = 0
    while a < m:
        b = a + 1
        while b < m and sid[order[b]] == sid[order[a]]:
            b += 1
        mg = b - a
        zg = np.empty((mg, 3))
        Rg = np.empty((mg, 3, 3))
        for q in range(mg):
            j = order[a + q]
            for u in range(3):
                zg[q, u] = z[j, u]
                for v in range(3):
                    Rg[q, u, v] = R[j, u, v]
        used = np.zeros(mg, np.bool_)
        if n_cur:
            rows, cols, d2, Sinv = _gate_all(o_x[:n_cur], o_P[:n_cur], zg, Rg, G)
            p = rows.shape[0]
            conf = np.empty(p, np.bool_)
            any_conf = False
            for k in range(p):
                conf[k] = o_st[rows[k]] == 1
                any_conf = any_conf or conf[k]
            chosen = np.zeros(p, np.bool_)
            cost = np.empty(p)
            if any_conf and not _choose(rows, cols, d2, G, conf, n_cur, mg, cost, chosen, used):
                return _GIVE_UP, 0, 0, 0, 0
            tent = np.empty(p, np.bool_)
            any_tent = False
            for k in range(p):
                tent[k] = not conf[k] and not used[cols[k]]
                any_tent = any_tent or tent[k]
            if any_tent and not _choose(rows, cols, d2, G, tent, n_cur, mg, cost, chosen, None):
                return _GIVE_UP, 0, 0, 0, 0
            ns = 0
            for k in range(p):
                ns += chosen[k]
            r = np.empty(ns, np.int64)
            c = np.empty(ns, np.int64)
            S = np.empty((ns, 3, 3))
            q = 0
            for k in range(p):
                if chosen[k]:
                    r[q], c[q] = rows[k], cols[k]
                    for u in range(3):
                        for v in range(3):
                            S[q, u, v] = Sinv[k, u, v]
                    q += 1
            for k in range(ns):
                used[c[k]] = True
                if r[k] < n:
                    hit[r[k]] = True
                o_ev[n_pairs] = o_ids[r[k]]
                o_ev[m + n_pairs] = order[a + c[k]]
                n_pairs += 1
            if ns:  # in place, on this scan's own arrays
                _update(o_x, o_P, zg, S, r, c)
        for q in range(mg):  # new tentative tracks from the measurements left
            if used[q]:
                continue
            i = n_cur
            o_ids[i] = next_id
            next_id += 1
            for u in range(d):
                o_x[i, u] = zg[q, u] if u < 3 else 0.0
                for v in range(d):
                    o_P[i, u, v] = Rg[q, u, v] if u < 3 and v < 3 else 0.0
                if u >= 3:
                    o_P[i, u, u] = prior_var[u]
            o_st[i], o_hits[i], o_miss[i], o_age[i], o_hist[i] = 0, 1, 0, 1, 1
            o_q[i], o_t[i], o_last[i], o_init[i], o_conf[i] = 1.0, t_s, t_s, t_s, np.nan
            n_cur += 1
        a = b
    # book the scan: the tracks it looked at or updated (all old ones when obs is not given)
    book = np.zeros(n_cur, np.bool_)
    for i in range(n):
        book[i] = (not has_obs) or obs[i] or hit[i]
    confirm = np.zeros(n_cur, np.bool_)
    reason = np.full(n_cur, -1, np.int8)
    _end_scan_into(o_st, o_hits, o_miss, o_age, o_hist, o_last, o_conf, o_P, hit, book,
                   t_s, N, M, K, vmax, o_q, confirm, reason, n_cur)  # fmt: skip
    # events: the booked rows first, then the other old rows, then the new ones (each in
    # id order), as `tracker._booked_first`; deleted rows removed in place
    e_conf = 2 * m
    n_conf = 0
    n_del = 0
    for key in range(3):
        for i in range(n_cur):
            ki = 2 if i >= n else (0 if book[i] else 1)
            if ki != key:
                continue
            if reason[i] >= 0:
                o_ev[e_conf + cap + n_del] = o_ids[i]
                o_reason[n_del] = reason[i]
                n_del += 1
            elif confirm[i]:
                o_ev[e_conf + n_conf] = o_ids[i]
                n_conf += 1
    w = 0
    for i in range(n_cur):
        if reason[i] >= 0:
            continue
        if w != i:
            o_ids[w] = o_ids[i]
            for u in range(d):
                o_x[w, u] = o_x[i, u]
                for v in range(d):
                    o_P[w, u, v] = o_P[i, u, v]
            o_st[w], o_hits[w], o_miss[w], o_age[w] = o_st[i], o_hits[i], o_miss[i], o_age[i]
            o_hist[w], o_q[w], o_t[w], o_last[w] = o_hist[i], o_q[i], o_t[i], o_last[i]
            o_init[w], o_conf[w] = o_init[i], o_conf[i]
        w += 1
    return w, next_id, n_pairs, n_conf, n_del


_CONFIGS: dict[int, tuple] = {}
_EMPTY: dict[tuple[int, int], tuple] = {}


def _params(config: TrackerConfig):
    """(gate d², N, M, K, max variance, prior variances (d,)) of a common config, or None
    (kept per config object, which is frozen)."""
    hit = _CONFIGS.get(id(config))
    if hit is not None and hit[0] is config:
        return hit[1]
    common = (
        config.measurement == "position"
        and config.motion in ("cv", "ca")
        and config.association == "gnn"
    )
    params = None
    if common:
        from iads.tracking.tracker import _prior_var

        params = (
            float(config.gate_d2),
            config.confirm_n,
            config.confirm_m,
            config.delete_misses,
            float(config.max_position_variance_m2),
            _prior_var(config),
        )
    if len(_CONFIGS) > 256:
        _CONFIGS.clear()
    _CONFIGS[id(config)] = (config, params)
    return params


def _modes(n: int, d: int):
    """The empty IMM fields of a single-model set of n tracks (zero-size, shared)."""
    e = _EMPTY.get((n, d))
    if e is None:
        e = (np.empty((n, 0)), np.empty((n, 0, d)), np.empty((n, 0, d, d)))
        if len(_EMPTY) < 4096:
            _EMPTY[(n, d)] = e
    return e


def fused_step(
    tracks: TrackSet,
    config: TrackerConfig,
    t_s: float,
    z: NDArray[np.float64],
    R: NDArray[np.float64],
    sensor_id: NDArray[np.int64] | None,
    observed: NDArray[np.bool_] | None,
) -> tuple[TrackSet, TrackEvents] | None:
    """`tracker.tracker_step` for position measurements z (m, 3) [m], R (m, 3, 3) [m²] in one
    compiled call, or None when the configuration is not the common one or the scan needs
    the reference path (see the module docstring). sensor_id (m,) and observed (n,) as in
    `tracker_step`, already checked for shape."""
    params = _params(config)
    if params is None:
        return None
    G, N, M, K, vmax, prior_var = params
    n, d = tracks.x.shape
    m = z.shape[0]
    dt = t_s - float(tracks.t_s[0]) if n else 0.0
    F, Q = transition_and_noise(config.motion, dt, config.process_noise)
    cap = n + m
    o_x, o_P = np.empty((cap, d)), np.empty((cap, d, d))
    o_i64 = np.empty(3 * cap + 2 * m, np.int64)
    o_i8 = np.empty((2, cap), np.int8)
    o_i32 = np.empty((3, cap), np.int32)
    o_hist = np.empty(cap, np.uint32)
    o_f = np.empty((5, cap))
    sid = np.zeros(m, np.int64) if sensor_id is None else sensor_id
    obs = _NO_OBS if observed is None else observed
    tr = tracks
    t_s = float(t_s)
    w, next_id, n_pairs, n_conf, n_del = _scan(
        tr.ids, tr.x, tr.P, tr.status, tr.hits, tr.misses, tr.age, tr.history, tr.quality,
        tr.t_s, tr.last_update_t_s, tr.initiated_t_s, tr.confirmed_t_s, tr.next_id,
        z, R, sid, obs, observed is not None, t_s, F, Q, G, N, M, K, vmax, prior_var,
        o_x, o_P, o_i64, o_i8, o_i32, o_hist, o_f,
    )  # fmt: skip
    if w < 0:
        return None
    # (the set and the events built field by field: a dataclass __init__ or replace with
    # keywords costs more than the whole compiled scan)
    out = object.__new__(TrackSet)
    f = out.__dict__
    f["ids"], f["x"], f["P"], f["status"] = o_i64[:w], o_x[:w], o_P[:w], o_i8[0, :w]
    f["hits"], f["misses"], f["age"] = o_i32[0, :w], o_i32[1, :w], o_i32[2, :w]
    f["history"], f["quality"], f["t_s"] = o_hist[:w], o_f[0, :w], o_f[1, :w]
    f["last_update_t_s"], f["initiated_t_s"] = o_f[2, :w], o_f[3, :w]
    f["confirmed_t_s"] = o_f[4, :w]
    f["mode_p"], f["mode_x"], f["mode_P"] = _modes(w, d)
    f["next_id"] = next_id
    e = cap + 2 * m
    weight = np.empty(n_pairs)
    weight.fill(1.0)
    events = object.__new__(TrackEvents)
    f = events.__dict__
    f["t_s"] = t_s
    f["initiated_ids"] = np.arange(tracks.next_id, next_id, dtype=np.int64)
    f["confirmed_ids"] = o_i64[e : e + n_conf]
    f["deleted_ids"] = o_i64[e + cap : e + cap + n_del]
    f["deleted_reason"] = o_i8[1, :n_del]
    f["assoc_track_ids"] = o_i64[cap : cap + n_pairs]
    f["assoc_meas_index"] = o_i64[cap + m : cap + m + n_pairs]
    f["assoc_weight"] = weight
    return out, events


_NO_OBS = np.zeros(0, np.bool_)
