"""Compiled (numba) glue of one sensing step (private): what ``iads.sensors.stage`` does
between the radar-chain kernels of ``iads.sensors._jit``, fused into a few calls so that
a step where no radar is due, or nothing is detected, costs a few microseconds.
``_jit.ENABLED`` chooses them with the rest of the compiled path; the numpy functions
of ``stage`` stay their reference (tests assert equality bit for bit):

- `front`: the radars due (``radar.scans_due``), the emission filter, the windows, the
  search dwells on the flying threats (``_jit.search_dwells``), the multifunction radars
  whose track dwells fall now (``stage._track_dwells``) and whether the false-alarm
  process has anything to do (``_jit.false_alarm_due``);
- `track_dwells`: one radar's track dwells (``stage.tracked_targets``) merged into the
  dwell list (a target in track is not searched again by that radar; dwells on threats
  not flying dropped);
- `detect_step`: ``_jit.detect_pairs`` plus the ``dwell`` events' rows, in the event
  log's layout (``EventLog.add_rows``), and the detections' reports with unresolved ones
  merged (`merge_unresolved`, `merge_rows`: ``radar.merge_unresolved`` and
  ``stage._merge_reports``);
- `fa_undrawn`, `fa_hits`, `fa_reports`: the false alarms' bookkeeping between their
  draws and their reports (``stage._false_alarms``);
- `report_rows`: the ``detection`` and ``false_alarm`` events' rows of the reports
  (geodetic position of each measurement, in degrees as ``np.rad2deg``);
- `looked_at_tracks`: the tracks moved on to the scan time, then ``_jit.looked_at``
  (``stage.looked_at_tracks``, for the tracking stage).

No random draw happens here: the stage still draws from its numpy generator, in the
same order and count, between these calls.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from iads.sensors._jit import (
    _geodetic,
    _mod,
    detect_pairs,
    false_alarm_due,
    looked_at,
    measure,
    scans_due,
    search_dwells,
)

__all__ = [
    "detect_step",
    "fa_hits",
    "fa_reports",
    "fa_undrawn",
    "front",
    "looked_at_tracks",
    "merge_rows",
    "merge_unresolved",
    "report_rows",
    "track_dwells",
    "tracked_targets",
]

_RAD2DEG = 180.0 / np.pi  # numpy's rad2deg: x * (180 / pi)
_TWO_PI = 2.0 * np.pi


@njit(cache=True)
def front(t_s, pos, active, has_em, em_on, em_since_s, pic, pic_status, pic_ids, pic_truth,
          rk, n_scans_done, last_t_s, win0_s, next_fa_t_s, last_track_t_s, r_pos, rot, n_tracked,
          launch_t_s, end_t_s, status, flying, confirmed, b_due, b_dw, b_tp, b_trk):  # fmt: skip
    """The start of a sensing step at ``t_s`` (the schedule arrays updated in place).
    Writes into buffers that live for the run (no array is returned: each returned
    array costs a boxing) and returns their lengths ``(w, p, g, q, fa_due)``:
    ``b_due[0, :w]`` the radars processed (radiating, if ``has_em``), the search dwells
    (radar ``b_dw[0, :p]``, threat ``b_dw[1, :p]``, time ``b_tp[:p]``) on flying threats,
    ``b_due[1, :g]`` the due radars whose track dwells fall now (their
    ``last_track_t_s`` set to ``t_s``), their track dwells (radar ``b_trk[0, :q]``,
    threat ``b_trk[1, :q]``) (``stage._track_dwells``, ``RunState.track_dwells``) and
    whether a due radar's false alarm is undrawn or falls by ``t_s``. ``pic``: every
    radar with track dwells belongs to the unit whose picture's tracks (status, ids) and
    track truth are given, and `track_dwells` is applied here for each of ``go`` (the
    dwell lists include them); else the caller does it (no track dwells are written).
    Buffers: ``b_due`` (2, radars), ``b_dw`` (2, c), ``b_tp`` (c,) with ``c`` at least
    radars x threats + the sum of ``n_tracked``, ``b_trk`` (2, sum of ``n_tracked``).
    ``rk`` (5, radars): the radars' scan phase, revisit, sweep period, sweep phase and
    track dwell period [s] (one argument: each costs the dispatch)."""
    phase_s, revisit_s, sweep_s, sweep_phase_s, track_s = rk[0], rk[1], rk[2], rk[3], rk[4]
    due = scans_due(phase_s, revisit_s, n_scans_done, t_s)
    if has_em:  # a silent radar looks at nothing: its window restarts when it radiates
        w = 0
        for r in due:
            if em_on[r]:
                due[w] = r
                w += 1
            else:
                last_t_s[r] = t_s
                next_fa_t_s[r] = np.nan
        due = due[:w]
    w = due.size
    if w == 0:
        return 0, 0, 0, 0, False
    win0 = np.empty(w)
    for j in range(w):
        r = due[j]
        a = last_t_s[r]
        if has_em:  # np.maximum: NaN wins
            b = em_since_s[r]
            a = a if (a >= b or math.isnan(a)) else b
        win0[j] = a
        win0_s[r] = a
        last_t_s[r] = t_s
    n_act = 0
    for i in range(active.size):
        if active[i]:
            n_act += 1
    act = np.empty(n_act, np.int64)
    n_act = 0
    for i in range(active.size):
        if active[i]:
            act[n_act] = i
            n_act += 1
    ridx, tidx, tp = search_dwells(due, win0, t_s, pos, act, r_pos, rot, sweep_s, sweep_phase_s,
                                   launch_t_s, end_t_s, status, flying)  # fmt: skip
    go = np.empty(w, np.int64)
    g = 0
    for j in range(w):  # stage._track_dwells: which multifunction radars run them now
        r = due[j]
        if track_s[r] < np.inf and t_s - last_track_t_s[r] >= track_s[r] - 1e-9:
            last_track_t_s[r] = t_s
            go[g] = r
            g += 1
    go = go[:g]
    n2 = 0
    r2 = np.empty(0, np.int64)
    t2 = np.empty(0, np.int64)
    if pic and g:
        cap_all = 0
        for r in go:
            cap_all += max(n_tracked[r], 0)
        r2 = np.empty(cap_all, np.int64)
        t2 = np.empty(cap_all, np.int64)
        for r in go:
            th, ridx, tidx, tp = track_dwells(r, n_tracked[r], pic_status, pic_ids, pic_truth,
                                              active, confirmed, ridx, tidx, tp, t_s, launch_t_s,
                                              end_t_s, status, flying)  # fmt: skip
            for i in th:
                r2[n2] = r
                t2[n2] = i
                n2 += 1
    fa_due = false_alarm_due(due, next_fa_t_s, t_s)
    p = ridx.size
    if p > b_tp.size:
        raise ValueError("front: dwell buffers too small")
    for j in range(w):
        b_due[0, j] = due[j]
    for j in range(g):
        b_due[1, j] = go[j]
    for j in range(p):
        b_dw[0, j] = ridx[j]
        b_dw[1, j] = tidx[j]
        b_tp[j] = tp[j]
    for j in range(n2):
        b_trk[0, j] = r2[j]
        b_trk[1, j] = t2[j]
    return w, p, g, n2, fa_due


@njit(cache=True)
def tracked_targets(status, ids, truth, active, cap, confirmed):
    """``stage.tracked_targets`` on a picture's arrays: the threats (at most ``cap``) its
    tracks follow, confirmed tracks first, then the others, each in track order, each
    flying threat once."""
    n = ids.size
    out = np.empty(max(min(cap, n), 0), np.int64)
    if n == 0 or cap <= 0:
        return out
    seen = np.zeros(active.size, np.bool_)
    k = 0
    for second in range(2):
        for j in range(n):
            if (status[j] == confirmed) == (second == 1):
                continue
            th = truth[ids[j]]
            if th < 0 or not active[th] or seen[th]:
                continue
            seen[th] = True
            out[k] = th
            k += 1
            if k == cap:
                return out
    return out[:k]


@njit(cache=True)
def track_dwells(r, cap, status, ids, truth, active, confirmed, ridx, tidx, tp, t_s, launch_t_s,
                 end_t_s, st, flying):  # fmt: skip
    """Radar ``r``'s track dwells at ``t_s``: returns its targets ``th`` (as
    `tracked_targets`) and the dwells (radar, threat, time) with them: the search dwells
    of ``r`` on those targets dropped, then the track dwells on flying threats appended.
    ``confirmed``: the status code of a confirmed track."""
    th = tracked_targets(status, ids, truth, active, cap, confirmed)
    if th.size == 0:
        return th, ridx, tidx, tp
    mark = np.zeros(active.size, np.bool_)
    for i in th:
        mark[i] = True
    p_n = ridx.size
    n_out = p_n + th.size
    r2 = np.empty(n_out, np.int64)
    t2 = np.empty(n_out, np.int64)
    tp2 = np.empty(n_out)
    k = 0
    for p in range(p_n):
        if ridx[p] == r and mark[tidx[p]]:
            continue
        r2[k], t2[k], tp2[k] = ridx[p], tidx[p], tp[p]
        k += 1
    for i in th:
        if launch_t_s[i] <= t_s and t_s < end_t_s[i] and st[i] == flying:
            r2[k], t2[k], tp2[k] = r, i, t_s
            k += 1
    return th, r2[:k], t2[:k], tp2[:k]


@njit(cache=True)
def _put_ids(ints, j, threat, unit, radar):
    """Column ``j`` of an event row block (5, n): a radar's event on ``threat`` (-1: a
    false alarm), no track, no interceptor (``EventLog.add_rows`` order)."""
    ints[0, j] = threat
    ints[1, j] = unit
    ints[2, j] = radar
    ints[3, j] = -1
    ints[4, j] = -1


@njit(cache=True)
def detect_step(
    ridx, tidx, tp, u, t_s, gate, pos_step, speed_bound,
    tr_pos, tr_vel, tr_k0, tr_nk, tr_row0, tr_t, tr_h, pw_exp,
    r_pos, r_rot, rk, r_snr1, r_table, rcs_db, rcs_band, rcs_kind, swerling,
    has_terrain, g_lat, g_lon, g_h, g_meta, m_flat, m_off, m_nr, m_step, n_az,
    pd_flat, pd_x0, pd_inv, pd_last, consts, r_unit,
):  # fmt: skip
    """``_jit.detect_pairs`` (same arguments, then the radars' units; the radars' rows
    ``rk`` (8, radars): instrumented range, minimum and maximum elevation, latitude,
    height, azimuth and elevation beamwidths, range resolution: fewer arguments, each
    costs the dispatch), the rows of the ``dwell`` events of the visible dwells and the
    detections' reports, unresolved ones merged (``stage._merge_reports``). Returns the
    dwell events' times (v,) and id rows (5, v) in ``EventLog`` order (threat, unit,
    radar, track -1, interceptor -1) and the reports, packed in two arrays (each
    returned array costs a boxing): ``ints`` (5, v + k), ``floats`` (5, v + k) and
    ``v``. Columns ``:v`` are the dwell events: times ``floats[0]``, id rows ``ints``;
    columns ``v:`` the reports: radar ``ints[2]``, threat ``ints[0]``, time
    ``floats[0]``, and ``floats[1:5]`` range [m], azimuth, elevation [rad], radial
    velocity [m/s]."""
    r_max_range, r_min_el, r_max_el, r_lat, r_height = rk[0], rk[1], rk[2], rk[3], rk[4]
    beam_az, beam_el, range_res = rk[5], rk[6], rk[7]
    vis, hi, hf = detect_pairs(
        ridx, tidx, tp, u, t_s, gate, pos_step, speed_bound,
        tr_pos, tr_vel, tr_k0, tr_nk, tr_row0, tr_t, tr_h, pw_exp,
        r_pos, r_rot, r_max_range, r_min_el, r_max_el, r_lat, r_height, r_snr1, r_table,
        rcs_db, rcs_band, rcs_kind, swerling, has_terrain, g_lat, g_lon, g_h, g_meta,
        m_flat, m_off, m_nr, m_step, n_az, pd_flat, pd_x0, pd_inv, pd_last, consts,
    )  # fmt: skip
    n_v = 0
    for p in range(ridx.size):
        if vis[p]:
            n_v += 1
    n_hit = hi.size
    keep = np.arange(n_hit)
    group = keep
    if n_hit > 1:  # one report has nothing to merge with
        group, keep = merge_unresolved(ridx, tidx, hi, hf, beam_az, beam_el, range_res)
    n_rep = keep.size
    ints = np.empty((5, n_v + n_rep), np.int64)
    floats = np.empty((5, n_v + n_rep))
    k = 0
    for p in range(ridx.size):
        if vis[p]:
            floats[0, k] = tp[p]
            _put_ids(ints, k, tidx[p], r_unit[ridx[p]], ridx[p])
            k += 1
    rows = merge_rows(group, keep, hf)
    for q in range(n_rep):
        p = hi[keep[q]]
        _put_ids(ints, n_v + q, tidx[p], r_unit[ridx[p]], ridx[p])
        floats[0, n_v + q] = tp[p]
        for i in range(4):
            floats[1 + i, n_v + q] = rows[i, q]
    return ints, floats, n_v


@njit(cache=True)
def _before(ik, fk, a, b):
    """Whether item ``a`` sorts strictly before ``b``: on the integer keys ``ik`` (m, k)
    (row 0 first), then the float key ``fk`` (k,)."""
    for row in range(ik.shape[0]):
        if ik[row, a] != ik[row, b]:
            return ik[row, a] < ik[row, b]
    return fk[a] < fk[b]


@njit(cache=True)
def _lex_order(ik, fk):
    """The stable sort order of items by (``ik`` rows, then ``fk``), as ``np.lexsort``
    of (fk, ik[m-1], ..., ik[0]): a bottom-up merge sort (ties keep item order)."""
    k = fk.size
    order = np.arange(k)
    tmp = np.empty(k, np.int64)
    width = 1
    while width < k:
        for lo in range(0, k, 2 * width):
            mid = min(lo + width, k)
            hi = min(lo + 2 * width, k)
            i, j, o = lo, mid, lo
            while i < mid and j < hi:
                if _before(ik, fk, order[j], order[i]):
                    tmp[o] = order[j]
                    j += 1
                else:
                    tmp[o] = order[i]
                    i += 1
                o += 1
            while i < mid:
                tmp[o] = order[i]
                i += 1
                o += 1
            while j < hi:
                tmp[o] = order[j]
                j += 1
                o += 1
        order, tmp = tmp, order
        width *= 2
    return order


@njit(cache=True)
def merge_unresolved(ridx, tidx, hi, hf, beam_az, beam_el, range_res):
    """``radar.merge_unresolved`` of the detections ``hi`` (k,) of the dwells ``ridx``
    (their rows ``hf`` (5, k) as `detect_step` has them: range, azimuth, elevation,
    SNR, radial velocity): ``group`` (k,) and ``keep`` (g,)."""
    k = hi.size
    cells = np.empty((3, k), np.int64)  # radar, azimuth cell, elevation cell
    rng_m = np.empty(k)
    for i in range(k):
        r = ridx[hi[i]]
        cells[0, i] = r
        cells[1, i] = int(math.floor(_mod(hf[1, i], _TWO_PI) / beam_az[r]))
        cells[2, i] = int(math.floor(hf[2, i] / beam_el[r]))
        rng_m[i] = hf[0, i]
    order = _lex_order(cells, rng_m)  # np.lexsort((rng_m, e_cell, a_cell, ridx))
    group = np.empty(k, np.int64)
    g = 0
    for j in range(k):
        o = order[j]
        if j > 0:
            q = order[j - 1]
            same = (cells[0, o] == cells[0, q] and cells[1, o] == cells[1, q]
                    and cells[2, o] == cells[2, q]
                    and rng_m[o] - rng_m[q] < range_res[cells[0, o]])  # fmt: skip
            if not same:
                g += 1
        group[o] = g
    if g + 1 == k:
        ids = np.arange(k)
        return ids, ids
    # the strongest member of each group: np.lexsort((-snr_db, group)), first of each
    gk = np.empty((1, k), np.int64)
    neg_snr = np.empty(k)
    for i in range(k):
        gk[0, i] = group[i]
        neg_snr[i] = -hf[3, i]
    o2 = _lex_order(gk, neg_snr)
    keep = np.empty(g + 1, np.int64)
    n = 0
    for j in range(k):
        if j == 0 or group[o2[j]] != group[o2[j - 1]]:
            keep[n] = o2[j]
            n += 1
    return group, keep


@njit(cache=True)
def merge_rows(group, keep, hf):
    """``stage._merge_reports``'s centroids: of the detections' rows ``hf`` (5, k) (range,
    azimuth, elevation, SNR, radial velocity), the rows (4, g) range, azimuth, elevation,
    radial velocity of each group's report: its members' means (azimuth as offsets from
    the kept member's), sums in report order as ``np.bincount``; a group of one keeps its
    member's values."""
    g_n, k = keep.size, group.size
    out = np.empty((4, g_n))
    if g_n == k:  # nothing merged
        for q in range(g_n):
            out[0, q], out[1, q], out[2, q], out[3, q] = hf[0, q], hf[1, q], hf[2, q], hf[4, q]
        return out
    cnt = np.zeros(g_n, np.int64)
    acc = np.zeros((4, g_n))
    for i in range(k):
        q = group[i]
        cnt[q] += 1
        ref = hf[1, keep[q]]
        acc[0, q] += hf[0, i]
        acc[1, q] += _mod(hf[1, i] - ref + np.pi, _TWO_PI) - np.pi
        acc[2, q] += hf[2, i]
        acc[3, q] += hf[4, i]
    for q in range(g_n):
        c = float(cnt[q])
        out[0, q] = acc[0, q] / c
        out[1, q] = hf[1, keep[q]] + acc[1, q] / c
        out[2, q] = acc[2, q] / c
        out[3, q] = acc[3, q] / c
    return out


@njit(cache=True)
def report_rows(z, threat, radar, t_meas, r_unit, a_m, e2):
    """The event rows of ``k`` reports, real targets first then false alarms (each in
    report order): times (k,), id rows (5, k) (threat, unit, radar, -1, -1), position
    rows (3, k) (latitude, longitude [deg], height [m] of the measured position ``z``
    (k, 3) ECEF [m]) and the number of real-target rows."""
    k_n = radar.size
    times = np.empty(k_n)
    ints = np.empty((5, k_n), np.int64)
    floats = np.empty((3, k_n))
    n_real = 0
    for i in range(k_n):
        if threat[i] >= 0:
            n_real += 1
    j_real, j_fa = 0, n_real
    for i in range(k_n):
        if threat[i] >= 0:
            j = j_real
            j_real += 1
        else:
            j = j_fa
            j_fa += 1
        lat, lon, h = _geodetic(z[i, 0], z[i, 1], z[i, 2], a_m, e2)
        times[j] = t_meas[i]
        _put_ids(ints, j, threat[i], r_unit[radar[i]], radar[i])
        floats[0, j] = lat * _RAD2DEG
        floats[1, j] = lon * _RAD2DEG
        floats[2, j] = h
    return times, ints, floats, n_real


@njit(cache=True)
def fa_reports(r, tm, u, phase_s, sweep_s, max_range, min_el, max_el, s_rr, r_pos, r_rot,
               s_range, s_angle):  # fmt: skip
    """The false alarms' reports (``stage._false_alarms`` after its draws): radars ``r``
    (k,) at times ``tm`` (k,) with the uniforms ``u`` (3, k): each at the beam's azimuth,
    uniform in range and elevation, a uniform true range rate in +-1 km/s where the
    radar measures it, measured without noise. Returns range [m] (k,) and `measure`'s
    position (k, 3), covariance (k, 3, 3) and range rate (k,)."""
    k = r.size
    rg = np.empty(k)
    az = np.empty(k)
    el = np.empty(k)
    rr = np.empty(k)
    for j in range(k):
        q = r[j]
        a = _mod(_TWO_PI * (tm[j] - phase_s[q]) / sweep_s[q], _TWO_PI)
        az[j] = a - _TWO_PI if a > np.pi else a
        rg[j] = u[0, j] * max_range[q]
        el[j] = min_el[q] + u[1, j] * (max_el[q] - min_el[q])
        rr[j] = np.nan if math.isnan(s_rr[q]) else (u[2, j] - 0.5) * 2000.0
    z, cov, rrm = measure(r, rg, az, el, rr, np.zeros((k, 4)), r_pos, r_rot, s_range, s_angle,
                          s_rr)  # fmt: skip
    return rg, z, cov, rrm


@njit(cache=True)
def fa_undrawn(due, next_fa_t_s):
    """The due radars whose next false alarm is not drawn yet (NaN), in ``due`` order."""
    out = np.empty(due.size, np.int64)
    k = 0
    for r in due:
        if math.isnan(next_fa_t_s[r]):
            out[k] = r
            k += 1
    return out[:k]


@njit(cache=True)
def fa_hits(due, next_fa_t_s, t_s, prev, gaps):
    """One turn of ``stage._false_alarms``'s loop: the gaps drawn for the radars ``prev``
    added to their next false alarm's time (in place), then the due radars whose next
    false alarm falls by ``t_s`` and its time, in ``due`` order."""
    for j in range(prev.size):
        next_fa_t_s[prev[j]] += gaps[j]
    r = np.empty(due.size, np.int64)
    tm = np.empty(due.size)
    k = 0
    for q in due:
        if next_fa_t_s[q] <= t_s:
            r[k] = q
            tm[k] = next_fa_t_s[q]
            k += 1
    return r[:k], tm[:k]


@njit(cache=True)
def looked_at_tracks(radars, x, t_trk, t_s, r_pos, r_rot, r_height, r_max_range, sweep_s,
                     phase_s, track_s, win0_s, last_track_t_s, r_e, k_r):  # fmt: skip
    """``stage.looked_at_tracks``: ``_jit.looked_at`` of the tracks' positions (states
    ``x`` (m, d), position then velocity first, at times ``t_trk`` (m,) [s]) moved on to
    ``t_s`` at their velocity (``x[:, :3] + x[:, 3:6] * (t_s - t_trk)``, as numpy
    rounds it), in one call. Returns (m,) bool."""
    m = x.shape[0]
    pos = np.empty((m, 3))
    for i in range(m):
        dt = t_s - t_trk[i]
        for j in range(3):
            pos[i, j] = x[i, j] + x[i, 3 + j] * dt
    return looked_at(radars, pos, r_pos, r_rot, r_height, r_max_range, sweep_s, phase_s,
                     track_s, win0_s, last_track_t_s, t_s, r_e, k_r)  # fmt: skip
