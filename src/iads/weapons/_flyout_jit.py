"""Compiled (numba) interceptor flyout (private): ``Interceptors.advance`` and
``Interceptors.guide`` in one call each, and the flyout stage's track look-up and end
masks (``iads.weapons.stage.flyout``), the same operations in the same order as their
numpy references, so equal bit for bit (``tests/weapons/test_flyout_jit.py``,
``tests/engine/test_loop_reference.py``). ``ENABLED = False`` selects the references."""

from __future__ import annotations

import math

from numba import njit

from iads.weapons._envelope_jit import earliest_root

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
        tau = earliest_root(a, b, c, -1e-9)
        if has[q] and math.isfinite(tau):
            aim[i, 0] = tpos[q, 0] + tvel[q, 0] * tau
            aim[i, 1] = tpos[q, 1] + tvel[q, 1] * tau
            aim[i, 2] = tpos[q, 2] + tvel[q, 2] * tau
        e0, e1, e2 = aim[i, 0] - p0, aim[i, 1] - p1, aim[i, 2] - p2
        tgo[q] = math.sqrt(e0 * e0 + e1 * e1 + e2 * e2) / s


@njit(cache=True)
def track_states(tids, x, tt_s, t_s, want, sel, pos, vel, has):
    """The tracks ``want`` (m,) of one picture (ids ``tids`` (n,) ascending; states ``x``
    (n, d), position then velocity first, and their times ``tt_s`` (n,)) extrapolated
    at constant velocity to ``t_s`` (``Picture.at``'s operations, on the rows asked for
    only) into rows ``sel`` (m,) of ``pos``, ``vel`` (k, 3), with ``has[sel]`` True where
    the track exists (rows without one are left as they are)."""
    n = tids.shape[0]
    for q in range(want.shape[0]):
        r = sel[q]
        # np.searchsorted(tids, want[q]) (side left), then the row's id compared
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi) >> 1
            if tids[mid] < want[q]:
                lo = mid + 1
            else:
                hi = mid
        if lo >= n or tids[lo] != want[q]:
            continue
        has[r] = True
        dt = t_s - tt_s[lo]
        for e in range(3):
            pos[r, e] = x[lo, e] + x[lo, 3 + e] * dt
            vel[r, e] = x[lo, 3 + e]


@njit(cache=True)
def ends(tgo, max_t_s, ids, t_s, window_s, state, out):
    """Which interceptors ``ids`` (k,) end in the step (``flyout``'s masks): ``state``
    (k,) 1 where the aim point is reached in ``(t_s, t_s + window_s]`` within the flight
    time ``max_t_s`` (n,) [s], 2 where the flight time runs out first, 0 else; ``out``
    (2k,) gets the hit times ``t_s + tgo`` (k,) of the others in its first slots and
    their flight-time limits from slot k on. Returns (resolved, expired, left) counts."""
    k = ids.shape[0]
    t_win = t_s + window_s
    n_res, n_exp, n_left = 0, 0, 0
    for q in range(k):
        t_hit = t_s + tgo[q]
        m = max_t_s[ids[q]]
        if tgo[q] <= window_s and t_hit <= m:
            state[q] = 1
            n_res += 1
        elif t_win > m:
            state[q] = 2
            n_exp += 1
        else:
            state[q] = 0
            out[n_left] = t_hit
            out[k + n_left] = m
            n_left += 1
    return n_res, n_exp, n_left
