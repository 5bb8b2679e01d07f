"""Compiled (numba) time integration of the routed-flight kernel (private).

The same guidance, kinematics and time grid as the numpy reference in ``routed``
(``_guidance``, ``_advance``, ``fly_routed_reference``), written per threat on scalars:
each threat is integrated only over its active window (launch to arrival) and its
state is recorded at the sample times; the numpy reference integrates every threat at
every 0.2 s step, and its per-step cost is dominated by numpy call overhead on small
arrays (about 20 calls per step). Tests assert both paths agree to 1e-9.

Where the reference computes a quantity twice with identical inputs (the unit vector of
the new position, the remaining leg distance when the leg did not switch), it is computed
once here and reused, and the east/north velocity is computed only when recorded: this
changes no value. The meridian radius a (1 - e^2) / q^1.5 is evaluated as
a (1 - e^2) / (q sqrt(q)) (equal to rounding, and pow is the slowest call of the step).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from numpy.typing import NDArray

from iads.geo.wgs84 import A_M, E2, MEAN_RADIUS_M

F64 = NDArray[np.float64]

_R = MEAN_RADIUS_M
_A1E2 = A_M * (1.0 - E2)  # the constant of the meridian radius, as in iads.geo.wgs84
_TWO_PI = 2.0 * np.pi
_PI = np.pi


@njit(cache=True, error_model="numpy")
def _wrap(a: float) -> float:
    return (a + _PI) % _TWO_PI - _PI


@njit(cache=True, error_model="numpy")
def _clip(x: float, lo: float, hi: float) -> float:
    return min(max(x, lo), hi)


@njit(cache=True, error_model="numpy")
def _rem(u0, u1, u2, b, p) -> float:
    """Remaining great-circle distance [m] to leg end ``b`` on the leg of pole ``p``."""
    c0 = u1 * b[2] - u2 * b[1]
    c1 = u2 * b[0] - u0 * b[2]
    c2 = u0 * b[1] - u1 * b[0]
    return _R * math.atan2(c0 * p[0] + c1 * p[1] + c2 * p[2], u0 * b[0] + u1 * b[1] + u2 * b[2])


@njit(cache=True, error_model="numpy")
def _advance(lat, lon, h, psi, sin_lat, psidot, hdot, vg, dt):
    """Midpoint step (``routed._advance``); ``sin_lat`` = sin(lat), known by the caller."""
    psi_m = psi + 0.5 * psidot * dt
    vn = vg * math.cos(psi_m)
    ve = vg * math.sin(psi_m)
    q = 1.0 - E2 * sin_lat * sin_lat
    m_lat = _A1E2 / (q * math.sqrt(q))
    lat_m = lat + 0.5 * dt * vn / (m_lat + h)
    h_m = h + 0.5 * dt * hdot
    s_m = math.sin(lat_m)
    q_m = 1.0 - E2 * s_m * s_m
    n_r = A_M / math.sqrt(q_m) + h_m
    lat2 = lat + dt * vn / (_A1E2 / (q_m * math.sqrt(q_m)) + h_m)
    lon2 = lon + dt * ve / (n_r * math.cos(lat_m))
    psi2 = _wrap(psi + dt * (psidot + ve * math.tan(lat_m) / n_r))
    return lat2, _wrap(lon2), h + dt * hdot, psi2


# Columns of the per-threat parameter matrix ``par`` (m, N_PAR) of ``integrate``.
P_LAUNCH, P_V, P_G_LAT, P_CLIMB, P_A_VERT, P_WEAVE_A, P_WEAVE_K = 0, 1, 2, 3, 4, 5, 6
P_TERMINAL, P_POPUP_H, P_POPUP_R, P_DIVE, P_A_DIVE = 7, 8, 9, 10, 11
N_PAR = 12


@njit(cache=True, error_model="numpy")
def _guidance(u0, u1, u2, b, p, h, psi, s, diving, rem, hdot0, dt, last, h_t, h_leg, pr, cst):
    """``routed._guidance`` for one threat; ``pr`` its row of ``par``, ``cst`` the loop
    constants (tau_h, tau_psi, lookahead, terminal none, terminal popup)."""
    tau_h, tau_psi, lookahead, t_none, t_popup = cst
    rho = math.hypot(u0, u1)
    if rho > 1e-15:
        cl, sl = u0 / rho, u1 / rho
    else:
        cl, sl = 1.0, 0.0
    # d = pole x u; east = (-sl, cl, 0); north = u x east (as np.cross evaluates them).
    d0 = p[1] * u2 - p[2] * u1
    d1 = p[2] * u0 - p[0] * u2
    d2 = p[0] * u1 - p[1] * u0
    n0 = 0.0 - u2 * cl
    n1 = u2 * (-sl) - 0.0
    n2 = u0 * cl - u1 * (-sl)
    psi_leg = math.atan2(d0 * (-sl) + d1 * cl + d2 * 0.0, d0 * n0 + d1 * n1 + d2 * n2)
    xt = _R * math.asin(_clip(u0 * p[0] + u1 * p[1] + u2 * p[2], -1.0, 1.0))
    terminal = pr[P_TERMINAL]
    popup = last and terminal == t_popup and rem <= pr[P_POPUP_R]
    h_c = pr[P_POPUP_H] if popup else h_leg
    los = 0.0
    v = pr[P_V]
    if last and terminal != t_none:  # else los is unused (diving stays False)
        los = math.atan2(h - h_t, max(rem, 1e-3))
        dive = pr[P_DIVE]
        t_po = v * math.sin(dive) / pr[P_A_DIVE]
        los_lead = math.atan2(
            h - h_t - 0.5 * v * math.sin(dive) * t_po,
            max(rem - 0.5 * v * (1.0 + math.cos(dive)) * t_po, 1e-3),
        )
        diving = diving or los >= dive or los_lead >= dive
    climb, a_dt = pr[P_CLIMB], pr[P_A_VERT] * dt
    hdot = _clip((h_c - h) / tau_h, -climb, climb)
    hdot = hdot0 + _clip(hdot - hdot0, -a_dt, a_dt)
    if diving:
        d_dt = pr[P_A_DIVE] * dt
        hdot = hdot0 + _clip(-v * math.sin(max(los, pr[P_DIVE])) - hdot0, -d_dt, d_dt)
    vg = math.sqrt(max(v**2 - hdot**2, 0.0))
    omega = pr[P_G_LAT] / max(vg, 1e-3)
    y_w = 0.0
    slope = 0.0
    if pr[P_WEAVE_A] > 0.0 and not popup and not diving:
        ks = pr[P_WEAVE_K] * s
        y_w = pr[P_WEAVE_A] * math.sin(ks)
        slope = pr[P_WEAVE_A] * pr[P_WEAVE_K] * math.cos(ks)
    l1 = max(lookahead * vg, 1.5 * vg / omega)
    chi_cmd = psi_leg + math.atan((xt - y_w) / l1) - math.atan(slope)
    q = 1.0 - E2 * u2 * u2  # u2 = sin(lat)
    n_r = A_M / math.sqrt(q) + h
    m_r = _A1E2 / (q * math.sqrt(q)) + h
    psi_cmd = math.atan2(math.sin(chi_cmd) * n_r, math.cos(chi_cmd) * m_r)
    psidot = _clip(_wrap(psi_cmd - psi) / tau_psi, -omega, omega)
    return psidot, hdot, vg, diving, vg / omega


@njit(cache=True, error_model="numpy")
def integrate(t_s, u_wp, pole, h_wp, h_cmd_wp, half_tan, last_leg, start, par, dt_max, cst):
    """Integrate m routed threats at the sample times ``t_s`` (n_t,).

    ``u_wp``, ``pole``, ``h_wp``, ``h_cmd_wp``, ``half_tan``, ``last_leg`` as in
    ``routed._Batch``; ``start`` (m, 4) lat, lon [rad], h [m], heading [rad] at launch;
    ``par`` (m, N_PAR) per-threat parameters (columns P_*); ``dt_max`` the largest step [s];
    ``cst`` see ``_guidance``. Returns rec (6, n_t, m): lat, lon [rad], h [m], v_e, v_n,
    v_u [m/s] at each sample, t_ref (n_t, m): the time of each recorded state (launch
    before launch, end after the end), end (m,) [s] (inf if not reached).
    """
    n_t = t_s.shape[0]
    m = par.shape[0]
    rec = np.empty((6, n_t, m))
    t_ref = np.empty((n_t, m))
    end_out = np.full(m, np.inf)
    for i in range(m):
        pr = par[i]
        lat, lon, h, psi = start[i, 0], start[i, 1], start[i, 2], start[i, 3]
        la = pr[P_LAUNCH]
        j = 0
        s = 0.0
        diving = False
        done = False
        end = np.inf
        vg_r, vu_r = pr[P_V], 0.0  # ground speed and vertical rate of the last step
        # Unit vector of the current position (reused from the end of the previous step)
        # and the remaining distance on the leg (reused while the leg does not switch).
        c = math.cos(lat)
        u0, u1, u2 = c * math.cos(lon), c * math.sin(lon), math.sin(lat)
        rem_known = False
        rem = 0.0
        for k in range(n_t):
            if k > 0 and not done and t_s[k] > la:
                t0, t1 = t_s[k - 1], t_s[k]
                n_sub = int(math.ceil((t1 - t0) / dt_max - 1e-9))
                h_sub = (t1 - t0) / n_sub
                for isub in range(n_sub):
                    ta = t0 + isub * h_sub
                    dt = _clip(ta + h_sub - max(ta, la), 0.0, h_sub)
                    if not dt > 0.0:
                        continue
                    b, p = u_wp[i, j + 1], pole[i, j]
                    if not rem_known:
                        rem = _rem(u0, u1, u2, b, p)
                    last = j == last_leg[i]
                    h_t = h_wp[i, j + 1]
                    psidot, hdot, vg, diving, r_turn = _guidance(
                        u0, u1, u2, b, p, h, psi, s, diving, rem, vu_r, dt, last, h_t,
                        h_cmd_wp[i, j + 1], pr, cst,
                    )  # fmt: skip
                    new = _advance(lat, lon, h, psi, u2, psidot, hdot, vg, dt)
                    c = math.cos(new[0])
                    w0, w1, w2 = c * math.cos(new[1]), c * math.sin(new[1]), math.sin(new[0])
                    rem2 = _rem(w0, w1, w2, b, p)
                    hit_h = diving and new[2] <= h_t
                    done = last and (rem2 <= 0.0 or hit_h)
                    if done:
                        # Pull back to the crossing instant (linear in the step).
                        f_r = rem / max(rem - rem2, 1e-12) if rem2 <= 0.0 else 1.0
                        f_h = (h - h_t) / max(h - new[2], 1e-12) if hit_h else 1.0
                        dt = _clip(min(f_r, f_h), 0.0, 1.0) * dt
                        new = _advance(lat, lon, h, psi, u2, psidot, hdot, vg, dt)
                        end = max(ta, la) + dt
                    lat, lon, h, psi = new
                    s = s + vg * dt
                    vg_r, vu_r = vg, hdot
                    if done:
                        break
                    u0, u1, u2 = w0, w1, w2
                    rem_known = not (not last and rem2 <= r_turn * half_tan[i, j + 1])
                    if rem_known:
                        rem = rem2
                    else:
                        j += 1
            rec[0, k, i], rec[1, k, i], rec[2, k, i] = lat, lon, h
            rec[3, k, i], rec[4, k, i] = vg_r * math.sin(psi), vg_r * math.cos(psi)
            rec[5, k, i] = vu_r
            t = t_s[k]
            t_ref[k, i] = end if done else (la if t < la else t)
        end_out[i] = end
    return rec, t_ref, end_out
