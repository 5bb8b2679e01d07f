"""Compiled (numba) kernels of the sensing stage's hot path (private); ``ENABLED`` chooses
them (True) or the numpy reference path (False), and the tests run both.

Each kernel does in one pass over the radar-target pairs what its numpy reference does in
several array calls, with the same formulas evaluated in the same order, so that the two
agree bit for bit (tests assert equality of every output, and of whole runs):

- `search_dwells`: the search beam's passages over the targets (reference:
  ``iads.sensors.stage._search_dwells``);
- `detect_pairs`: for each dwell, the spatial gate (``stage._near``), the truth at the
  dwell's time (``chain.truth_at``), geometry, coverage and line of sight over the
  4/3 earth (``geometry.enu_offsets``, ``target_geodetic``, ``los_clear``), the terrain
  (``terrain_mask.pairs_clear``: the height under the target and the radar's horizon
  mask), the aspect RCS (``chain.rcs_db_by_aspect``), SNR, the tabulated Pd (``PdBank``)
  and the detection draw against the uniforms drawn by the caller; for the detections
  also the radial velocity (``stage._detect``);
- `measure`: the noisy polar measurement and its ECEF covariance (``radar.measure``);
- `geodetic`: ``geometry.target_geodetic``.

Bit equality needs the same floating-point operations as numpy's: transcendental
functions are glibc's libm in both (numpy dispatches its own SIMD versions only on
AVX-512 machines, where equality becomes agreement to rounding); ``x ** 2`` is ``x * x``
as in numpy; the cubic Hermite weights of ``truth_at`` are a small matrix product that
numpy hands to OpenBLAS, reproduced here with its fused multiply-adds in its order
(one row: its gemv kernel's order), and the powers of tau come from libm's ``pow`` (the
exponents are passed at run time so that LLVM does not turn ``pow(x, 2)`` into ``x * x``).
The numpy path stays the reference; jamming and terrain hills are not compiled (runs that
have them take the numpy path).

Compiled with ``cache=True``: the first run after an install compiles them, later
processes load the machine code from numba's cache.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, types
from numba.core.extending import intrinsic

__all__ = [
    "ENABLED",
    "detect_pairs",
    "false_alarm_due",
    "geodetic",
    "looked_at",
    "measure",
    "scans_due",
    "search_dwells",
]

ENABLED = True
"""Use the compiled kernels (True) or the numpy reference path (False)."""

_TWO_PI = 2.0 * np.pi
_TWO_OVER_PI = 2.0 / np.pi


@intrinsic
def _fma(typingctx, a, b, c):
    """a * b + c with one rounding (LLVM's fma intrinsic: the FMA instruction)."""
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, signature, args):
        return builder.fma(*args)

    return sig, codegen


@njit(cache=True)
def _mod(a, b):
    """numpy's float ``np.mod``: numba's ``%`` of floats has Python's semantics (the sign
    of the divisor), as numpy's remainder."""
    return a % b


@njit(cache=True)
def _dot3(a0, a1, a2, b0, b1, b2):
    """A 3-term contraction as ``np.einsum`` sums it (its 2-lane SIMD loop adds the third
    product to the first lane): ``(a0 b0 + a2 b2) + a1 b1``."""
    return (a0 * b0 + a2 * b2) + a1 * b1


@njit(cache=True)
def _clip(x, lo, hi):
    return min(max(x, lo), hi)


@njit(cache=True)
def search_dwells(due, win0, t_s, pos, act, rpos, rot, sweep_s, phase_s, launch_t_s, end_t_s,
                  status, flying):  # fmt: skip
    """(radar, threat, time) of the search beam's passages over the active threats
    ``act`` in each due radar's window (win0, t_s], radar-major as ``np.nonzero``, that
    fall while the threat flies (launched, not ended, status ``flying``)."""
    w_n, m_n = due.size, act.size
    rr = np.empty(w_n * m_n, np.int64)
    tt = np.empty(w_n * m_n, np.int64)
    tp = np.empty(w_n * m_n)
    k = 0
    for w in range(w_n):
        r = due[w]
        omega = _TWO_PI / sweep_s[r]
        beam = omega * (t_s - phase_s[r])
        for m in range(m_n):
            i = act[m]
            d0 = pos[i, 0] - rpos[r, 0]
            d1 = pos[i, 1] - rpos[r, 1]
            d2 = pos[i, 2] - rpos[r, 2]
            e = _dot3(rot[r, 0, 0], rot[r, 0, 1], rot[r, 0, 2], d0, d1, d2)
            n = _dot3(rot[r, 1, 0], rot[r, 1, 1], rot[r, 1, 2], d0, d1, d2)
            az = math.atan2(e, n)
            t = t_s - _mod(beam - az, _TWO_PI) / omega
            if t > win0[w] and launch_t_s[i] <= t and t < end_t_s[i] and status[i] == flying:
                rr[k], tt[k], tp[k] = r, i, t
                k += 1
    return rr[:k], tt[:k], tp[:k]


@njit(cache=True)
def scans_due(phase_s, revisit_s, n_scans_done, t_s):
    """``radar.scans_due``: the radars due at ``t_s`` (their scan counts updated)."""
    out = np.empty(phase_s.size, np.int64)
    k = 0
    for r in range(phase_s.size):
        if phase_s[r] + n_scans_done[r] * revisit_s[r] <= t_s + 1e-9:
            n_scans_done[r] = int(math.floor((t_s + 1e-9 - phase_s[r]) / revisit_s[r])) + 1
            out[k] = r
            k += 1
    return out[:k]


@njit(cache=True)
def false_alarm_due(due, next_fa_t_s, t_s):
    """Whether ``stage._false_alarms`` has anything to do: a radar without its next false
    alarm drawn (NaN) or one falling at or before ``t_s``."""
    for r in due:
        nf = next_fa_t_s[r]
        if np.isnan(nf) or nf <= t_s:
            return True
    return False


@njit(cache=True)
def looked_at(radars, pos, r_pos, r_rot, r_height, r_max_range, sweep_s, phase_s, track_s,
              win0_s, last_track_t_s, t_s, r_e, k_r):  # fmt: skip
    """``stage.looked_at`` (m,) of the points ``pos`` (m, 3) from ``radars``."""
    m_n = pos.shape[0]
    out = np.zeros(m_n, np.bool_)
    for w in range(radars.size):
        r = radars[w]
        omega = _TWO_PI / sweep_s[r]
        beam = omega * (t_s - phase_s[r])
        base = r_e + r_height[r]
        hr = math.sqrt(k_r * max(r_height[r], 0.0))
        full = sweep_s[r] <= t_s - win0_s[r]
        tracked = track_s[r] < np.inf and last_track_t_s[r] == t_s
        for m in range(m_n):
            if out[m]:
                continue
            d0 = pos[m, 0] - r_pos[r, 0]
            d1 = pos[m, 1] - r_pos[r, 1]
            d2 = pos[m, 2] - r_pos[r, 2]
            e = _dot3(r_rot[r, 0, 0], r_rot[r, 0, 1], r_rot[r, 0, 2], d0, d1, d2)
            n = _dot3(r_rot[r, 1, 0], r_rot[r, 1, 1], r_rot[r, 1, 2], d0, d1, d2)
            u = _dot3(r_rot[r, 2, 0], r_rot[r, 2, 1], r_rot[r, 2, 2], d0, d1, d2)
            rng_m = math.sqrt(e * e + n * n + u * u)
            bu = base + u
            h_t = math.sqrt(e * e + n * n + bu * bu) - r_e
            horizon = hr + math.sqrt(k_r * max(h_t, 0.0))
            if not (rng_m <= r_max_range[r] and rng_m <= horizon):
                continue
            if tracked or full:
                out[m] = True
                continue
            az = math.atan2(e, n)
            if t_s - _mod(beam - az, _TWO_PI) / omega > win0_s[r]:
                out[m] = True
    return out


@njit(cache=True)
def _geodetic(x, y, z, a_m, e2):
    """Bowring's two iterations, as ``geometry.target_geodetic``."""
    p = math.hypot(x, y)
    lon = math.atan2(y, x)
    lat = math.atan2(z, p * (1.0 - e2))
    for _ in range(2):
        s = math.sin(lat)
        n = a_m / math.sqrt(1.0 - e2 * s * s)
        lat = math.atan2(z + e2 * n * s, p)
    s, c = math.sin(lat), math.cos(lat)
    n = a_m / math.sqrt(1.0 - e2 * s * s)
    h = p * c + z * s - a_m * a_m / n
    return lat, lon, h


@njit(cache=True)
def geodetic(pos, a_m, e2):
    """Latitude, longitude [rad] and height [m] of ECEF points (k, 3)."""
    k = pos.shape[0]
    lat, lon, h = np.empty(k), np.empty(k), np.empty(k)
    for i in range(k):
        lat[i], lon[i], h[i] = _geodetic(pos[i, 0], pos[i, 1], pos[i, 2], a_m, e2)
    return lat, lon, h


@njit(cache=True)
def _hermite_weights(tau, pw_exp, single):
    """Rows ``[1, tau, tau^2, tau^3] @ _HERMITE`` and ``@ _HERMITE_D`` as numpy computes
    them through OpenBLAS (fused multiply-adds; ``single``: a one-row product, gemv)."""
    p0 = 1.0
    p1 = tau
    p2 = tau ** pw_exp[0]
    p3 = tau ** pw_exp[1]
    # _HERMITE = [[1,0,0,0],[0,0,1,0],[-3,3,-2,-1],[2,-2,1,1]]
    # _HERMITE_D = [[0,0,1,0],[-6,6,-4,-2],[6,-6,3,3],[0,0,0,0]]
    if single:  # gemv: (p0 h0 + p2 h2) + (p1 h1 + p3 h3), each fused
        c0 = _fma(p2, -3.0, p0 * 1.0) + _fma(p3, 2.0, p1 * 0.0)
        c1 = _fma(p2, 3.0, p0 * 0.0) + _fma(p3, -2.0, p1 * 0.0)
        c2 = _fma(p2, -2.0, p0 * 0.0) + _fma(p3, 1.0, p1 * 1.0)
        c3 = _fma(p2, -1.0, p0 * 0.0) + _fma(p3, 1.0, p1 * 0.0)
        d0 = _fma(p2, 6.0, p0 * 0.0) + _fma(p3, 0.0, p1 * -6.0)
        d1 = _fma(p2, -6.0, p0 * 0.0) + _fma(p3, 0.0, p1 * 6.0)
        d2 = _fma(p2, 3.0, p0 * 1.0) + _fma(p3, 0.0, p1 * -4.0)
        d3 = _fma(p2, 3.0, p0 * 0.0) + _fma(p3, 0.0, p1 * -2.0)
    else:  # gemm: fused multiply-adds in order from 0
        c0 = _fma(p3, 2.0, _fma(p2, -3.0, _fma(p1, 0.0, _fma(p0, 1.0, 0.0))))
        c1 = _fma(p3, -2.0, _fma(p2, 3.0, _fma(p1, 0.0, _fma(p0, 0.0, 0.0))))
        c2 = _fma(p3, 1.0, _fma(p2, -2.0, _fma(p1, 1.0, _fma(p0, 0.0, 0.0))))
        c3 = _fma(p3, 1.0, _fma(p2, -1.0, _fma(p1, 0.0, _fma(p0, 0.0, 0.0))))
        d0 = _fma(p3, 0.0, _fma(p2, 6.0, _fma(p1, -6.0, _fma(p0, 0.0, 0.0))))
        d1 = _fma(p3, 0.0, _fma(p2, -6.0, _fma(p1, 6.0, _fma(p0, 0.0, 0.0))))
        d2 = _fma(p3, 0.0, _fma(p2, 3.0, _fma(p1, -4.0, _fma(p0, 1.0, 0.0))))
        d3 = _fma(p3, 0.0, _fma(p2, 3.0, _fma(p1, -2.0, _fma(p0, 0.0, 0.0))))
    return c0, c1, c2, c3, d0, d1, d2, d3


@njit(cache=True)
def truth_at(tr_pos, tr_vel, h, tidx, t_s, pw_exp):
    """Positions and velocities (p, 3) of threats ``tidx`` at times ``t_s`` (p,), as
    ``chain.truth_at``."""
    p_n = tidx.size
    pos = np.empty((p_n, 3))
    vel = np.empty((p_n, 3))
    for p in range(p_n):
        _truth_one(tr_pos, tr_vel, h, tidx[p], t_s[p], pw_exp, p_n == 1, pos[p], vel[p])
    return pos, vel


@njit(cache=True)
def _truth_one(tr_pos, tr_vel, h, i, t, pw_exp, single, pos, vel):
    n_t = tr_pos.shape[0]
    if n_t == 1 or h == 0.0:
        for j in range(3):
            pos[j] = tr_pos[0, i, j]
            vel[j] = tr_vel[0, i, j]
        return
    k = min(int(t // h), n_t - 2)
    tau = _clip(t / h - k, 0.0, 1.0)
    c0, c1, c2, c3, d0, d1, d2, d3 = _hermite_weights(tau, pw_exp, single)
    for j in range(3):
        q0, q1 = tr_pos[k, i, j], tr_pos[k + 1, i, j]
        m0, m1 = tr_vel[k, i, j] * h, tr_vel[k + 1, i, j] * h
        pos[j] = c0 * q0 + c1 * q1 + c2 * m0 + c3 * m1
        vel[j] = (d0 * q0 + d1 * q1 + d2 * m0 + d3 * m1) / h


@njit(cache=True)
def _terrain_height(lat, lon, g_lat, g_lon, g_h, g_meta):
    """Height of the first grid of the chain whose extent holds (lat, lon), else 0 (as
    ``TerrainModel._grids``). ``g_meta`` (g, 7) per grid: lat offset, ny, lon offset,
    nx, height offset, uniform flag, unused; axes and heights flattened."""
    for g in range(g_meta.shape[0]):
        la0, ny, lo0, nx, h0, uni = (g_meta[g, 0], g_meta[g, 1], g_meta[g, 2],
                                     g_meta[g, 3], g_meta[g, 4], g_meta[g, 5])  # fmt: skip
        if not (lat >= g_lat[la0] and lat <= g_lat[la0 + ny - 1]
                and lon >= g_lon[lo0] and lon <= g_lon[lo0 + nx - 1]):  # fmt: skip
            continue
        if uni:
            fy = (lat - g_lat[la0]) * ((ny - 1) / (g_lat[la0 + ny - 1] - g_lat[la0]))
            fx = (lon - g_lon[lo0]) * ((nx - 1) / (g_lon[lo0 + nx - 1] - g_lon[lo0]))
            i = min(max(int(fy), 0), ny - 2)
            j = min(max(int(fx), 0), nx - 2)
            wy = _clip(fy - i, 0.0, 1.0)
            wx = _clip(fx - j, 0.0, 1.0)
        else:
            i = min(max(_search_right(g_lat, la0, ny, lat) - 1, 0), ny - 2)
            j = min(max(_search_right(g_lon, lo0, nx, lon) - 1, 0), nx - 2)
            wy = _clip((lat - g_lat[la0 + i]) / (g_lat[la0 + i + 1] - g_lat[la0 + i]), 0.0, 1.0)
            wx = _clip((lon - g_lon[lo0 + j]) / (g_lon[lo0 + j + 1] - g_lon[lo0 + j]), 0.0, 1.0)
        a = h0 + i * nx + j
        return (g_h[a] * (1 - wy) * (1 - wx) + g_h[a + nx] * wy * (1 - wx)
                + g_h[a + 1] * (1 - wy) * wx + g_h[a + nx + 1] * wy * wx)  # fmt: skip
    return 0.0


@njit(cache=True)
def _search_right(ax, off, n, x):
    """``np.searchsorted(ax[off:off + n], x, side="right")``."""
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if x < ax[off + mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo


@njit(cache=True)
def _r_alpha(lat, az, a_m, e2):
    """``terrain_mask.r_alpha_m`` of one azimuth (also the ``los_clear`` form)."""
    sl = math.sin(lat)
    w2 = 1.0 - e2 * sl * sl
    n_pv = a_m / math.sqrt(w2)
    m_mer = a_m * (1.0 - e2) / (w2 * math.sqrt(w2))
    ca, sa = math.cos(az), math.sin(az)
    return 1.0 / (ca * ca / m_mer + sa * sa / n_pv)


@njit(cache=True)
def detect_pairs(
    ridx, tidx, tp, u, t_s, gate, pos_step, speed_bound,
    tr_pos, tr_vel, tr_h, pw_exp,
    r_pos, r_rot, r_max_range, r_min_el, r_max_el, r_lat, r_height, r_snr1, r_table,
    rcs_db, rcs_band, rcs_kind, swerling,
    has_terrain, g_lat, g_lon, g_h, g_meta, m_flat, m_off, m_nr, m_step, n_az,
    pd_flat, pd_x0, pd_inv, pd_last,
    consts,
):  # fmt: skip
    """The chain over the dwells (p,) (see the module docstring). ``consts``: WGS-84 a,
    e^2, k (effective earth), grazing tolerance [m], largest radius of curvature [m].
    Returns ``visible`` (p,) and, for the detections (k, in dwell order), their dwell
    index (k,) and (5, k) rows: range [m], azimuth, elevation [rad], SNR [dB], radial
    velocity [m/s]."""
    a_m, e2, k_eff, tol_m, r_max_m = consts[0], consts[1], consts[2], consts[3], consts[4]
    p_n = ridx.size
    vis_out = np.zeros(p_n, np.bool_)
    hit_i = np.empty(p_n, np.int64)
    hit_f = np.empty((5, p_n))
    k_r = 2.0 * k_eff * r_max_m
    n_near = 0
    near = np.ones(p_n if gate else 0, np.bool_)  # the gate of each dwell, once
    if gate:
        for p in range(p_n):
            near[p] = _near_one(ridx[p], tidx[p], tp[p], t_s, pos_step, speed_bound, r_pos,
                                r_height, r_max_range, k_r, a_m, e2)  # fmt: skip
            if near[p]:
                n_near += 1
    single = (n_near if gate else p_n) == 1
    pos = np.empty(3)
    vel = np.empty(3)
    n_hit = 0
    for p in range(p_n):
        r, i, t = ridx[p], tidx[p], tp[p]
        if gate and not near[p]:
            continue
        _truth_one(tr_pos, tr_vel, tr_h, i, t, pw_exp, single, pos, vel)
        d0, d1, d2 = pos[0] - r_pos[r, 0], pos[1] - r_pos[r, 1], pos[2] - r_pos[r, 2]
        e = _dot3(r_rot[r, 0, 0], r_rot[r, 0, 1], r_rot[r, 0, 2], d0, d1, d2)
        n = _dot3(r_rot[r, 1, 0], r_rot[r, 1, 1], r_rot[r, 1, 2], d0, d1, d2)
        up = _dot3(r_rot[r, 2, 0], r_rot[r, 2, 1], r_rot[r, 2, 2], d0, d1, d2)
        ground = math.hypot(e, n)
        rng_m = math.hypot(ground, up)
        az = math.atan2(e, n)
        el = math.atan2(up, ground)
        if not (rng_m <= r_max_range[r] and rng_m > 0.0 and el >= r_min_el[r]
                and el <= r_max_el[r]):  # fmt: skip
            continue
        lat, lon, h_t = _geodetic(pos[0], pos[1], pos[2], a_m, e2)
        if not _los_clear(up, az, ground, r_lat[r], r_height[r], h_t, a_m, e2, k_eff, tol_m):
            continue
        if has_terrain:
            if h_t < _terrain_height(lat, lon, g_lat, g_lon, g_h, g_meta) - tol_m:
                continue
            if not _mask_clear(r, up, az, ground, h_t, r_lat[r], r_height[r], m_flat, m_off,
                               m_nr, m_step, n_az, a_m, e2, k_eff, tol_m):  # fmt: skip
                continue
        vis_out[p] = True
        if rcs_band.shape[0]:
            kind = rcs_kind[i]
            t0, t1, t2 = rcs_band[r, kind, 0], rcs_band[r, kind, 1], rcs_band[r, kind, 2]
        else:
            t0, t1, t2 = rcs_db[i, 0], rcs_db[i, 1], rcs_db[i, 2]
        rcs = _rcs_aspect(t0, t1, t2, vel, d0, d1, d2, pos)
        sw = swerling[i]
        s = r_snr1[r, sw] + rcs - 40.0 * math.log10(rng_m)
        # PdBank.__call__
        x = _clip((s - pd_x0) * pd_inv, 0.0, pd_last)
        j = min(int(x), pd_last - 1)
        w = x - j
        base = r_table[r, sw] * (pd_last + 1) + j
        pd = pd_flat[base] * (1.0 - w) + pd_flat[base + 1] * w
        if u[p] < pd:
            hit_i[n_hit] = p
            hit_f[0, n_hit] = rng_m
            hit_f[1, n_hit] = az
            hit_f[2, n_hit] = el
            hit_f[3, n_hit] = s
            # radial velocity: einsum("kij,kj,ki->k", rot, vel, enu / range)
            l0, l1, l2 = e / rng_m, n / rng_m, up / rng_m
            acc = 0.0
            for a in range(3):
                la = l0 if a == 0 else (l1 if a == 1 else l2)
                for b in range(3):
                    acc += r_rot[r, a, b] * vel[b] * la
            hit_f[4, n_hit] = acc
            n_hit += 1
    return vis_out, hit_i[:n_hit], hit_f[:, :n_hit]


@njit(cache=True)
def _near_one(r, i, t, t_s, pos_step, speed_bound, r_pos, r_height, r_max_range, k_r, a_m,
              e2):  # fmt: skip
    """``stage._near`` of one dwell."""
    move = speed_bound[i] * abs(t_s - t)
    d0 = pos_step[i, 0] - r_pos[r, 0]
    d1 = pos_step[i, 1] - r_pos[r, 1]
    d2 = pos_step[i, 2] - r_pos[r, 2]
    rng_m = math.sqrt(_dot3(d0, d1, d2, d0, d1, d2))
    h_t = _geodetic(pos_step[i, 0], pos_step[i, 1], pos_step[i, 2], a_m, e2)[2] + move
    h_r = max(r_height[r], 0.0)
    h_t = max(h_t, 0.0)
    horizon = math.sqrt(k_r * h_r + h_r * h_r) + math.sqrt(k_r * h_t + h_t * h_t)
    reach = min(r_max_range[r], 1.05 * horizon + h_r + h_t + 1_000.0)
    return rng_m <= reach + move


@njit(cache=True)
def _los_clear(u, az, ground, radar_lat, radar_h, target_h, a_m, e2, k, tol_m):
    """``geometry.los_clear`` without terrain, one pair."""
    sl = math.sin(radar_lat)
    w2 = 1.0 - e2 * sl * sl
    n_pv = a_m / math.sqrt(w2)
    m_mer = a_m * (1.0 - e2) / (w2 * math.sqrt(w2))
    ca, sa = math.cos(az), math.sin(az)
    r_alpha = 1.0 / (ca * ca / m_mer + sa * sa / n_pv)
    c = r_alpha + radar_h
    w = c + u
    r2 = math.hypot(ground, w)
    dh = (ground * ground + u * u + 2.0 * c * u) / (r2 + c)
    theta_e = math.atan2(ground, w) / k
    r_eff = k * r_alpha
    rho1 = r_eff + radar_h
    rho2 = rho1 + dh
    horiz = rho2 * math.sin(theta_e)
    sh = math.sin(0.5 * theta_e)
    vert = dh - 2.0 * rho2 * (sh * sh)
    d2 = horiz * horiz + vert * vert
    safe = d2 if d2 > 0.0 else 1.0
    t_star = -rho1 * vert / safe
    lowest = min(radar_h, target_h)
    if d2 > 0.0 and t_star > 0.0 and t_star < 1.0:
        h_tan = rho1 * horiz / math.sqrt(safe) - r_eff
        lowest = min(lowest, h_tan)
    return lowest >= -tol_m


@njit(cache=True)
def _mask_clear(r, up, az, ground, h_t, lat_r, h_r, m_flat, m_off, m_nr, m_step, n_az, a_m,
                e2, k, tol_m):  # fmt: skip
    """``terrain_mask.pairs_clear`` past the height test: the radar's horizon mask."""
    ra = _r_alpha(lat_r, az, a_m, e2)
    theta = math.atan2(ground, ra + h_r + up)
    re = k * ra
    rho = re + h_t
    phi = theta / k
    el = math.atan2(rho * math.cos(phi) - (re + h_r), rho * math.sin(phi))
    # HorizonMask.clear
    i = int(np.rint(_mod(az, _TWO_PI) * (n_az / _TWO_PI))) % n_az
    j = int(math.floor(ground / m_step[r])) - 1
    if j < 0:
        return True
    n_r = m_nr[r]
    m = m_flat[m_off[r] + i * n_r + min(j, n_r - 1)]
    return el >= m - tol_m / max(ground, 1.0)


@njit(cache=True)
def _rcs_aspect(t0, t1, t2, vel, l0, l1, l2, pos):
    """``chain.rcs_db_by_aspect`` of one pair (table front, side, rear [dBsm])."""
    nrm = math.sqrt(_dot3(pos[0], pos[1], pos[2], pos[0], pos[1], pos[2]))
    u0, u1, u2 = pos[0] / nrm, pos[1] / nrm, pos[2] / nrm
    vu = _dot3(vel[0], vel[1], vel[2], u0, u1, u2)
    h0, h1, h2 = vel[0] - vu * u0, vel[1] - vu * u1, vel[2] - vu * u2
    lu = _dot3(l0, l1, l2, u0, u1, u2)
    r0, r1, r2 = lu * u0 - l0, lu * u1 - l1, lu * u2 - l2
    hh = _dot3(h0, h1, h2, h0, h1, h2)
    tt = _dot3(r0, r1, r2, r0, r1, r2)
    ok = hh > 1e-18 and tt > 1e-18 * _dot3(l0, l1, l2, l0, l1, l2)
    c = _dot3(h0, h1, h2, r0, r1, r2) / math.sqrt(hh * tt if ok else 1.0)
    a = math.acos(_clip(c if ok else 1.0, -1.0, 1.0)) * _TWO_OVER_PI
    if a < 1.0:
        return t0 + (t1 - t0) * (a - 0.0)
    return t1 + (t2 - t1) * (a - 1.0)


@njit(cache=True)
def measure(ridx, rng_m, az, el, rr, noise, r_pos, r_rot, s_range, s_angle, s_rr):
    """``radar.measure``: ECEF position (k, 3), covariance (k, 3, 3), range rate (k,)."""
    k_n = ridx.size
    z = np.empty((k_n, 3))
    cov = np.empty((k_n, 3, 3))
    rrm = np.empty(k_n)
    jac = np.empty((3, 3))
    jr = np.empty((3, 3))
    var = np.empty(3)
    enu = np.empty(3)
    for k in range(k_n):
        r = ridx[k]
        sr, sa_ = s_range[r], s_angle[r]
        rm = rng_m[k] + sr * noise[k, 0]
        am = az[k] + sa_ * noise[k, 1]
        em = el[k] + sa_ * noise[k, 2]
        rrm[k] = rr[k] + s_rr[r] * noise[k, 3]
        ce, se, ca, sa = math.cos(em), math.sin(em), math.cos(am), math.sin(am)
        enu[0], enu[1], enu[2] = rm * ce * sa, rm * ce * ca, rm * se
        jac[0, 0], jac[0, 1], jac[0, 2] = ce * sa, rm * ce * ca, -rm * se * sa
        jac[1, 0], jac[1, 1], jac[1, 2] = ce * ca, -rm * ce * sa, -rm * se * ca
        jac[2, 0], jac[2, 1], jac[2, 2] = se, 0.0, rm * ce
        var[0], var[1], var[2] = sr * sr, sa_ * sa_, sa_ * sa_
        for i in range(3):
            for c in range(3):
                acc = 0.0
                for j in range(3):
                    acc += r_rot[r, j, i] * jac[j, c]
                jr[i, c] = acc
        for i in range(3):
            for c in range(3):
                acc = 0.0
                for j in range(3):
                    acc += jr[i, j] * var[j] * jr[c, j]
                cov[k, i, c] = acc
        for i in range(3):
            acc = 0.0
            for j in range(3):
                acc += r_rot[r, j, i] * enu[j]
            z[k, i] = r_pos[r, i] + acc
    return z, cov, rrm


# ---- packing the run's sensing world for the kernels (Python, once per run) ----------


class Packed:
    """The arrays `detect_pairs` reads beyond the radars, packed once per run from the
    ``SensingWorld`` (kept on it): RCS tables, terrain grids (flattened chain) and the
    radars' horizon masks, added as radars first need them."""

    def __init__(self, world, radars) -> None:
        from iads.geo.horizon import GRAZING_TOL_M, K_STANDARD
        from iads.geo.wgs84 import A_M, E2
        from iads.sensors.stage import _R_MAX_M

        self.consts = np.array([A_M, E2, K_STANDARD, GRAZING_TOL_M, _R_MAX_M])
        self.pw_exp = np.array([2.0, 3.0])
        if world.rcs_band_db is None:
            self.rcs_band = np.empty((0, 0, 3))
            self.rcs_kind = np.empty(0, np.int64)
        else:
            self.rcs_band = np.ascontiguousarray(world.rcs_band_db, dtype=np.float64)
            self.rcs_kind = np.ascontiguousarray(world.rcs_kind, dtype=np.int64)
        self.rcs_db = np.ascontiguousarray(world.rcs_db, dtype=np.float64)
        self.swerling = np.ascontiguousarray(world.swerling, dtype=np.int64)
        self.terrain = world.terrain
        self.has_terrain = world.terrain is not None
        if self.has_terrain:
            self.g_lat, self.g_lon, self.g_h, self.g_meta = _pack_terrain(world.terrain)
        else:
            self.g_lat = self.g_lon = self.g_h = np.empty(0)
            self.g_meta = np.empty((0, 7), np.int64)
        n_r = radars.n
        self.radars = radars
        self.mask_ready = np.zeros(n_r, np.bool_)
        self.all_masks = False  # every radar's mask packed (nothing left to check)
        self.masks: dict[int, np.ndarray] = {}
        self.m_flat = np.empty(0)
        self.m_off = np.zeros(n_r, np.int64)
        self.m_nr = np.ones(n_r, np.int64)
        self.m_step = np.ones(n_r)
        self.bank = world.pd_bank
        self._pd = self._pd_stack = None

    def ensure_masks(self, ridx) -> None:
        """Horizon masks of the radars in ``ridx`` (those not yet packed)."""
        if not self.has_terrain or self.mask_ready[ridx].all():
            return
        from iads.geo.horizon import K_STANDARD
        from iads.sensors.terrain_mask import horizon_mask

        ra = self.radars
        for r in np.unique(ridx[~self.mask_ready[ridx]]):
            m = horizon_mask(self.terrain, float(ra.lat_rad[r]), float(ra.lon_rad[r]),
                             float(ra.height_m[r]), float(ra.max_range_m[r]), K_STANDARD)
            self.masks[int(r)] = m
            self.mask_ready[r] = True
        parts, off = [], 0
        for r, m in self.masks.items():
            self.m_off[r], self.m_nr[r], self.m_step[r] = off, m.max_el_rad.shape[1], m.step_m
            parts.append(m.max_el_rad.ravel())
            off += m.max_el_rad.size
        self.m_flat = np.concatenate(parts)
        self.all_masks = bool(self.mask_ready.all())

    def pd_arrays(self):
        """The Pd bank's stacked tables (flat), first SNR [dB], 1/step, last index."""
        bank = self.bank
        if self._pd is None or self._pd_stack is not bank._stack:
            bank(np.zeros(1, np.int64), np.zeros(1))  # builds its stack
            self._pd_stack = bank._stack
            self._pd = (bank._stack.ravel(), float(bank._x0), float(bank._inv), int(bank._last))
        return self._pd


def supported(world) -> bool:
    """Whether `detect_pairs` covers this world: no jammer, no terrain hills."""
    if world.soj_jn is not None and world.soj_jn.shape[1]:
        return False
    if world.ssj_erp_w is not None and np.any(world.ssj_erp_w > 0):
        return False
    return world.terrain is None or world.terrain.hill_height_m.size == 0


def _pack_terrain(terrain):
    """The grid chain of a TerrainModel (itself, then its fallbacks, those with a grid)
    flattened: axes, heights and (g, 7) int64 rows of offsets, sizes, uniform flag."""
    cached = terrain.__dict__.get("_jit_packed")
    if cached is not None:
        return cached
    grids, m = [], terrain
    while m is not None:
        if m.height_m.size:
            grids.append(m)
        m = m.fallback
    lats, lons, hs, meta = [], [], [], []
    la_off = lo_off = h_off = 0
    for g in grids:
        ny, nx = g.height_m.shape
        meta.append([la_off, ny, lo_off, nx, h_off, int(bool(g._uniform)), 0])
        lats.append(g.lat_rad)
        lons.append(g.lon_rad)
        hs.append(np.ascontiguousarray(g.height_m, dtype=np.float64).ravel())
        la_off, lo_off, h_off = la_off + ny, lo_off + nx, h_off + ny * nx
    cat = np.concatenate
    packed = (cat(lats) if lats else np.empty(0), cat(lons) if lons else np.empty(0),
              cat(hs) if hs else np.empty(0), np.array(meta, np.int64).reshape(-1, 7))
    terrain.__dict__["_jit_packed"] = packed
    return packed
